import { sql, type Kysely } from 'kysely';

// Migrations never import application code: they describe the schema as it was on their day.
export async function up(db: Kysely<any>): Promise<void> {
  // Every maintenance toggle (who, when, why, scope, planned end), append-only and kept forever: breach
  // timelines are built from it. NOTIFY is sent by the writers, in their transaction.
  await db.schema
    .createTable('maintenance_event')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('window_id', 'uuid', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('started', 'ended')`))
    .addColumn('at', 'timestamptz', (col) => col.notNull())
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('actor_roles', sql`text[]`, (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('request_id', 'text')
    .addColumn('scope', 'text')
    .addColumn('read_only', 'boolean')
    .addColumn('starts_at', 'timestamptz')
    .addColumn('planned_end', 'timestamptz')
    .addColumn('retry_after_seconds', 'integer')
    .addColumn('bypass_secret_sha256', 'text')
    .addCheckConstraint(
      'maintenance_event_started_fields',
      sql`kind <> 'started' or (scope is not null and read_only is not null and starts_at is not null)`,
    )
    .execute();
  // One start and one end per window: two people ending the same window at once conflict, not duplicate.
  await db.schema.createIndex('maintenance_event_window_kind_idx').on('maintenance_event').columns(['window_id', 'kind']).unique().execute();
  await db.schema.createIndex('maintenance_event_at_idx').on('maintenance_event').column('at').execute();
  await sql`create function maintenance_event_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'maintenance_event is append-only';
    end
  $$`.execute(db);
  await sql`create trigger maintenance_event_append_only before update or delete on maintenance_event
    for each row execute function maintenance_event_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('maintenance_event').execute();
  await sql`drop function if exists maintenance_event_append_only()`.execute(db);
}
