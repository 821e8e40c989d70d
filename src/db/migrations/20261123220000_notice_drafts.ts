import { sql, type Kysely } from 'kysely';

// Migrations never import application code: they describe the schema as it was on their day.
export async function up(db: Kysely<any>): Promise<void> {
  // A draft is a document: its identity, approval and (for the CNIL) filing here; every text it has had in
  // notice_draft_version, never overwritten. approved_version pins what the DPO approved: a later version is
  // not approved until approved again.
  await db.schema
    .createTable('notice_draft')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('breach_id', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('channel', 'text', (col) => col.notNull())
    .addColumn('lang', 'text', (col) => col.notNull())
    .addColumn('current_version', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('approved_version', 'integer')
    .addColumn('approved_at', 'timestamptz')
    .addColumn('approved_by', 'text')
    .addColumn('approval_reason', 'text')
    .addColumn('filed_at', 'timestamptz')
    .addColumn('cnil_reference', 'text')
    .addColumn('filed_recorded_by', 'text')
    .addColumn('filed_recorded_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('notice_draft_breach_idx').on('notice_draft').column('breach_id').execute();

  await db.schema
    .createTable('notice_draft_version')
    .addColumn('draft_id', 'bigint', (col) => col.notNull().references('notice_draft.id'))
    .addColumn('version', 'integer', (col) => col.notNull())
    // 'rendered' from data, or 'edited' by hand.
    .addColumn('origin', 'text', (col) => col.notNull().check(sql`origin in ('rendered', 'edited')`))
    .addColumn('parts', 'jsonb', (col) => col.notNull())
    // The data the text was rendered from (DraftInput), kept with every version, hand edits included.
    .addColumn('source', 'jsonb', (col) => col.notNull())
    .addColumn('at', 'timestamptz', (col) => col.notNull())
    .addColumn('author', 'text', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('notice_draft_version_pkey', ['draft_id', 'version'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notice_draft_version').execute();
  await db.schema.dropTable('notice_draft').execute();
}
