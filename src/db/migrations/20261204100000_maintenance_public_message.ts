import { sql, type Kysely } from 'kysely';

// Migrations never import application code: they describe the schema as it was on their day.
export async function up(db: Kysely<any>): Promise<void> {
  // What visitors read on the maintenance page, apart from the reason (which stays in the register's history):
  // null shows the neutral text of the page's language.
  await db.schema.alterTable('maintenance_event').addColumn('public_message', 'text').execute();
  // A window that had already happened when it was entered (at, actor: when and by whom): history only, never
  // in force. It carries its real start and end.
  await db.schema
    .alterTable('maintenance_event')
    .addColumn('recorded_after_the_fact', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute();
  await sql`alter table maintenance_event add constraint maintenance_event_after_the_fact_window
    check (not recorded_after_the_fact or (kind = 'started' and planned_end is not null and planned_end <= at))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table maintenance_event drop constraint if exists maintenance_event_after_the_fact_window`.execute(db);
  await db.schema.alterTable('maintenance_event').dropColumn('recorded_after_the_fact').execute();
  await db.schema.alterTable('maintenance_event').dropColumn('public_message').execute();
}
