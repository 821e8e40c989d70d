import { sql, type Kysely } from 'kysely';

// Migrations never import application code: they describe the schema as it was on their day.
// Exposure analysis (docs/exposure.md): who is entitled to whose data, saved reports, live alerts.
export async function up(db: Kysely<any>): Promise<void> {
  // A declared relation: `principal` may see `subject`'s data between valid_from and valid_to (open when null).
  // The primary key's index (principal, subject, valid_from) is the one the report's anti-join probes.
  await db.schema
    .createTable('exposure_relation')
    .addColumn('principal', 'text', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('valid_from', 'timestamptz', (col) => col.notNull())
    .addColumn('valid_to', 'timestamptz')
    .addColumn('kind', 'text')
    .addColumn('source', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('exposure_relation_pk', ['principal', 'subject', 'valid_from'])
    .execute();
  // The same key with valid_to: the relation check becomes an index-only probe.
  await sql`create index exposure_relation_check_idx on exposure_relation (principal, subject, valid_from) include (valid_to)`.execute(db);

  // The report reads only responses that carry someone else's data or went to someone they were not produced
  // for (most traffic is a user's own pages): this partial index holds just those, with every column the
  // report reads, so that a window is read by an index-only scan (docs/exposure.md). The predicate is the
  // report query's own clause, word for word, so that the planner can prove it. The access log is append-only,
  // so the visibility map stays set and index-only scans skip the heap.
  await sql`create index access_log_exposure_idx on access_log (at)
    include (principal, produced_for, subjects, categories, request_id, route, session_hmac, client_hmac)
    where cardinality(subjects) > 0
      and not (principal is not null and subjects = array[principal] and (produced_for is null or produced_for = principal))`.execute(db);

  // A role held by a principal of the protected service (e.g. "agent"); roles listed as broad access in the
  // configuration entitle their holders to every subject.
  await db.schema
    .createTable('exposure_principal_role')
    .addColumn('principal', 'text', (col) => col.notNull())
    .addColumn('role', 'text', (col) => col.notNull())
    .addColumn('valid_from', 'timestamptz', (col) => col.notNull())
    .addColumn('valid_to', 'timestamptz')
    .addColumn('source', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('exposure_principal_role_pk', ['principal', 'role', 'valid_from'])
    .execute();

  await db.schema
    .createTable('exposure_snapshot')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('name', 'text', (col) => col.notNull().unique())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('window_from', 'timestamptz', (col) => col.notNull())
    .addColumn('window_to', 'timestamptz', (col) => col.notNull())
    // JSON texts: the query as asked, the log heads it covers, the report itself.
    .addColumn('query', 'text', (col) => col.notNull())
    .addColumn('checkpoint', 'text', (col) => col.notNull())
    .addColumn('report', 'text', (col) => col.notNull())
    .execute();
  await sql`
    create or replace function vigie_exposure_snapshot_immutable() returns trigger language plpgsql as $$
    begin
      raise exception 'exposure snapshots are immutable (% refused)', tg_op;
    end $$`.execute(db);
  await sql`create trigger exposure_snapshot_immutable before update or delete on exposure_snapshot
    for each row execute function vigie_exposure_snapshot_immutable()`.execute(db);

  // One alert per burst of illegitimate accesses; the accesses themselves below it.
  await db.schema
    .createTable('exposure_alert')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('first_at', 'timestamptz', (col) => col.notNull())
    .addColumn('last_at', 'timestamptz', (col) => col.notNull())
    .addColumn('stored_at', 'timestamptz', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .addColumn('accesses', 'integer', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('breaker_at', 'timestamptz')
    .addColumn('breaker_scope', 'text')
    .execute();
  await db.schema.createIndex('exposure_alert_last_at_idx').on('exposure_alert').column('last_at').execute();
  await db.schema
    .createTable('exposure_alert_access')
    .addColumn('alert_id', 'bigint', (col) => col.notNull().references('exposure_alert.id'))
    .addColumn('at', 'timestamptz', (col) => col.notNull())
    .addColumn('request_id', 'text', (col) => col.notNull())
    .addColumn('receiver', 'text', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('route', 'text', (col) => col.notNull())
    .addColumn('categories', sql`text[]`, (col) => col.notNull())
    .execute();
  await db.schema.createIndex('exposure_alert_access_alert_idx').on('exposure_alert_access').columns(['alert_id', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['exposure_alert_access', 'exposure_alert', 'exposure_snapshot', 'exposure_principal_role', 'exposure_relation']) {
    await db.schema.dropTable(table).execute();
  }
  await sql`drop function if exists vigie_exposure_snapshot_immutable()`.execute(db);
  await sql`drop index if exists access_log_exposure_idx`.execute(db);
}
