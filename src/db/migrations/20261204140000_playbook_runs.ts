import { sql, type Kysely } from 'kysely';

// Migrations never import application code: they describe the schema as it was on their day.
export async function up(db: Kysely<any>): Promise<void> {
  // A playbook started on a breach. The playbook is kept as it was when started (a later edit of the file
  // does not change a run under way); an exercise run makes its breach a drill: nothing leaves for it.
  await db.schema
    .createTable('playbook_run')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('breach_id', 'bigint', (col) => col.notNull().references('breach.id'))
    .addColumn('playbook_id', 'text', (col) => col.notNull())
    .addColumn('playbook_version', 'integer', (col) => col.notNull())
    .addColumn('playbook', 'jsonb', (col) => col.notNull())
    .addColumn('origin', 'text', (col) => col.notNull().check(sql`origin in ('bundled', 'organisation')`))
    .addColumn('exercise', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('started_at', 'timestamptz', (col) => col.notNull())
    .addColumn('started_by', 'text', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addUniqueConstraint('playbook_run_breach_playbook_key', ['breach_id', 'playbook_id'])
    .execute();
  // The send path asks "is this breach a drill?" for every round of messages.
  await sql`create index playbook_run_exercise_idx on playbook_run (breach_id) where exercise`.execute(db);

  // One task per step whose conditions held at least once; `applies` follows the conditions afterwards.
  await db.schema
    .createTable('playbook_task')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('run_id', 'bigint', (col) => col.notNull().references('playbook_run.id'))
    .addColumn('step_id', 'text', (col) => col.notNull())
    .addColumn('position', 'integer', (col) => col.notNull())
    .addColumn('owner', 'text', (col) => col.notNull())
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('due_at', 'timestamptz')
    .addColumn('applies', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('appeared_at', 'timestamptz', (col) => col.notNull())
    .addColumn('done_at', 'timestamptz')
    .addColumn('done_by', 'text')
    .addColumn('done_reason', 'text')
    .addColumn('overdue_alerted_at', 'timestamptz')
    .addUniqueConstraint('playbook_task_run_step_key', ['run_id', 'step_id'])
    .execute();
  await sql`create index playbook_task_open_due_idx on playbook_task (due_at) where done_at is null and overdue_alerted_at is null`.execute(db);

  // Every change of a task: who, when, why (done and undone by people; appeared, withdrawn, overdue by Vigie).
  await db.schema
    .createTable('playbook_task_event')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('task_id', 'bigint', (col) => col.notNull().references('playbook_task.id'))
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('appeared', 'withdrawn', 'done', 'undone', 'overdue')`))
    .addColumn('at', 'timestamptz', (col) => col.notNull())
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('reason', 'text')
    .execute();
  await db.schema.createIndex('playbook_task_event_task_idx').on('playbook_task_event').column('task_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('playbook_task_event').execute();
  await db.schema.dropTable('playbook_task').execute();
  await db.schema.dropTable('playbook_run').execute();
}
