import { sql, type Kysely } from 'kysely';

// Verdicts kept (docs/exposure.md, "Checked records"): live detection and `vigie exposure check` store every
// illegitimate access they find with its record's place in the log, and how far each stream has been
// checked; the report reads those instead of checking again, and re-checks only what changed since.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('exposure_alert_access')
    .addColumn('stream', 'text')
    .addColumn('seq', 'bigint')
    .addColumn('pos', 'integer')
    .addColumn('principal', 'text')
    .execute();
  // A record checked twice (a crash between storing and marking) keeps one verdict per exposed person.
  await sql`create unique index exposure_alert_access_record_idx on exposure_alert_access (stream, seq, pos, subject)
    where stream is not null`.execute(db);
  await db.schema.createIndex('exposure_alert_access_at_idx').on('exposure_alert_access').column('at').execute();

  // Every batch of the stream up to `seq` has been checked, with these broad-access roles; `first_xmin` is
  // the oldest snapshot any of those checks used: a relation written by a transaction at or after it may
  // not have been seen.
  await db.schema
    .createTable('exposure_check_mark')
    .addColumn('stream', 'text', (col) => col.primaryKey())
    .addColumn('seq', 'bigint', (col) => col.notNull())
    .addColumn('broad_roles', sql`text[]`, (col) => col.notNull())
    .addColumn('first_xmin', sql`xid8`, (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .execute();

  // Which transaction last changed a relation or role: transaction ids, not clocks, so that a change still
  // in flight during a check is never taken as seen by it.
  for (const table of ['exposure_relation', 'exposure_principal_role']) {
    await sql`alter table ${sql.table(table)} add column changed_xid xid8 not null default pg_current_xact_id()`.execute(db);
    await sql`create index ${sql.raw(`${table}_changed_idx`)} on ${sql.table(table)} (changed_xid) include (principal)`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['exposure_relation', 'exposure_principal_role']) {
    await sql`alter table ${sql.table(table)} drop column changed_xid`.execute(db);
  }
  await db.schema.dropTable('exposure_check_mark').execute();
  await sql`drop index if exists exposure_alert_access_record_idx`.execute(db);
  await sql`drop index if exists exposure_alert_access_at_idx`.execute(db);
  await db.schema.alterTable('exposure_alert_access').dropColumn('stream').dropColumn('seq').dropColumn('pos').dropColumn('principal').execute();
}
