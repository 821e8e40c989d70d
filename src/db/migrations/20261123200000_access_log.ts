import { sql, type Kysely } from 'kysely';

// Migrations never import application code: they describe the schema as it was on their day.
// The access log (docs/access-log.md): one row per audited response, grouped in hash-chained batches.
export async function up(db: Kysely<any>): Promise<void> {
  // A writer stream is one writer's chain (one per process start, or per restart after a failed batch):
  // instances never contend for a global chain head, and a batch never has an ambiguous predecessor.
  await db.schema
    .createTable('audit_stream')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('started_at', 'timestamptz', (col) => col.notNull())
    .addColumn('genesis_hash', 'text', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('audit_batch')
    .addColumn('stream', 'text', (col) => col.notNull())
    .addColumn('seq', 'bigint', (col) => col.notNull())
    .addColumn('at', 'timestamptz', (col) => col.notNull())
    .addColumn('row_count', 'integer', (col) => col.notNull())
    // 16-byte digests of each row's canonical form, in position order (hex): pinpoints the row that changed.
    .addColumn('row_digests', 'text', (col) => col.notNull())
    .addColumn('prev_hash', 'text', (col) => col.notNull())
    .addColumn('hash', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('audit_batch_pk', ['stream', 'seq'])
    .execute();
  await db.schema.createIndex('audit_batch_at_idx').on('audit_batch').column('at').execute();

  await db.schema
    .createTable('access_log')
    .addColumn('at', 'timestamptz', (col) => col.notNull())
    .addColumn('stream', 'text', (col) => col.notNull())
    .addColumn('seq', 'bigint', (col) => col.notNull())
    .addColumn('pos', 'integer', (col) => col.notNull())
    .addColumn('request_id', 'text', (col) => col.notNull())
    .addColumn('trace_id', 'text')
    .addColumn('principal', 'text')
    .addColumn('principal_kind', 'text', (col) => col.notNull())
    .addColumn('session_hmac', 'text')
    .addColumn('produced_for', 'text')
    .addColumn('subjects', sql`text[]`, (col) => col.notNull())
    .addColumn('categories', sql`text[]`, (col) => col.notNull())
    .addColumn('method', 'text', (col) => col.notNull())
    .addColumn('route', 'text', (col) => col.notNull())
    .addColumn('status', 'integer', (col) => col.notNull())
    .addColumn('cache_status', 'text')
    .addColumn('client_hmac', 'text')
    .execute();
  // Window queries (exposure analysis) read by time; verify reads batch by batch.
  await db.schema.createIndex('access_log_at_idx').on('access_log').column('at').execute();
  await db.schema.createIndex('access_log_batch_idx').on('access_log').columns(['stream', 'seq', 'pos']).execute();

  await db.schema
    .createTable('audit_checkpoint')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('at', 'timestamptz', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    // JSON: { streams: { [stream]: { seq, hash, firstSeq?, firstPrevHash? } }, prunedBefore? }
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('signature', 'text', (col) => col.notNull())
    .execute();

  // Append-only: the application has no UPDATE/DELETE path; the database refuses them too, except for
  // retention (`vigie audit prune`), which says so in its transaction.
  await sql`
    create or replace function vigie_audit_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and current_setting('vigie.audit_prune', true) = 'on' then
        return old;
      end if;
      raise exception 'the access log is append-only (% on %)', tg_op, tg_table_name;
    end $$`.execute(db);
  for (const table of ['access_log', 'audit_batch', 'audit_stream', 'audit_checkpoint']) {
    await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)}
      for each row execute function vigie_audit_append_only()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['audit_checkpoint', 'access_log', 'audit_batch', 'audit_stream']) await db.schema.dropTable(table).execute();
  await sql`drop function if exists vigie_audit_append_only()`.execute(db);
}
