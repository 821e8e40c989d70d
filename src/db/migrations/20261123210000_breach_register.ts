import { sql, type Kysely } from 'kysely';

// Migrations never import application code: they describe the schema as it was on their day.
export async function up(db: Kysely<any>): Promise<void> {
  // The register (GDPR Art. 33(5)): one row per breach, the CNIL form's facts in `facts` (jsonb, so that
  // early phases may leave most of it empty). Every change is a breach_revision row; nothing is overwritten
  // without one. `version` lets an editor refuse to overwrite a change they have not seen.
  await db.schema
    .createTable('breach')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('open', 'assessed', 'notified', 'closed', 'reopened')`))
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('facts', 'jsonb', (col) => col.notNull())
    .addColumn('aware_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('breach_revision')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('breach_id', 'bigint', (col) => col.notNull().references('breach.id'))
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('at', 'timestamptz', (col) => col.notNull())
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('changes', 'jsonb', (col) => col.notNull())
    .addUniqueConstraint('breach_revision_version_key', ['breach_id', 'version'])
    .execute();

  // Dated facts of the timeline. Maintenance windows are not copied here: they are read from the
  // maintenance history when the timeline is shown, so that they cannot drift apart.
  await db.schema
    .createTable('breach_event')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('breach_id', 'bigint', (col) => col.notNull().references('breach.id'))
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('occurred_at', 'timestamptz', (col) => col.notNull())
    .addColumn('summary', 'text', (col) => col.notNull())
    .addColumn('source', 'text', (col) => col.notNull())
    .addColumn('data', 'jsonb')
    .addColumn('recorded_at', 'timestamptz', (col) => col.notNull())
    .addColumn('recorded_by', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('breach_event_breach_idx').on('breach_event').columns(['breach_id', 'occurred_at']).execute();

  // Assessments and decisions are append-only: the latest one counts, every earlier one stays.
  await db.schema
    .createTable('breach_assessment')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('breach_id', 'bigint', (col) => col.notNull().references('breach.id'))
    .addColumn('at', 'timestamptz', (col) => col.notNull())
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('input', 'jsonb', (col) => col.notNull())
    .addColumn('score', 'jsonb', (col) => col.notNull())
    .addColumn('recommendation', 'jsonb', (col) => col.notNull())
    .addColumn('note', 'text')
    .execute();
  await db.schema
    .createTable('breach_decision')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('breach_id', 'bigint', (col) => col.notNull().references('breach.id'))
    .addColumn('at', 'timestamptz', (col) => col.notNull())
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('authority', 'text', (col) => col.notNull().check(sql`authority in ('notify', 'not-notify')`))
    .addColumn('people', 'text', (col) => col.notNull().check(sql`people in ('inform', 'not-inform', 'public-communication', 'undetermined')`))
    .addColumn('justification', 'text', (col) => col.notNull())
    .addColumn('delay_reasons', 'text')
    .execute();
  // Filings that satisfy clocks: the CNIL notification (initial, complementary), NIS2 / DORA reports.
  await db.schema
    .createTable('breach_filing')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('breach_id', 'bigint', (col) => col.notNull().references('breach.id'))
    .addColumn('regime', 'text', (col) => col.notNull())
    .addColumn('step', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('filed_at', 'timestamptz', (col) => col.notNull())
    .addColumn('reference', 'text')
    .addColumn('delay_reasons', 'text')
    .addColumn('recorded_at', 'timestamptz', (col) => col.notNull())
    .addColumn('recorded_by', 'text', (col) => col.notNull())
    .execute();

  // The population: one row per person (the service's own identifier, never a name), their current status;
  // breach_person_event keeps each change. Counts by status are read with GROUP BY from committed rows, so
  // they are exact whatever the concurrency.
  await db.schema
    .createTable('breach_person')
    .addColumn('breach_id', 'bigint', (col) => col.notNull().references('breach.id'))
    .addColumn('person_ref', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('due_at', 'timestamptz')
    .addColumn('notes', 'text')
    .addColumn('exposed', 'jsonb')
    .addColumn('first_at', 'timestamptz')
    .addColumn('last_at', 'timestamptz')
    .addColumn('source', 'text', (col) => col.notNull())
    .addColumn('added_at', 'timestamptz', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('breach_person_pkey', ['breach_id', 'person_ref'])
    .execute();
  await db.schema.createIndex('breach_person_status_idx').on('breach_person').columns(['breach_id', 'status']).execute();
  await db.schema
    .createTable('breach_person_event')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('breach_id', 'bigint', (col) => col.notNull())
    .addColumn('person_ref', 'text', (col) => col.notNull())
    .addColumn('at', 'timestamptz', (col) => col.notNull())
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('source', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('breach_person_event_idx').on('breach_person_event').columns(['breach_id', 'person_ref', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['breach_person_event', 'breach_person', 'breach_filing', 'breach_decision', 'breach_assessment', 'breach_event', 'breach_revision', 'breach']) {
    await db.schema.dropTable(table).execute();
  }
}
