import type { Kysely } from 'kysely';

// A decision records the recommendation it answered (the assessment, and its authority/people advice at that
// moment): the register and the CNIL draft show both, and a decision that departs from the advice carries
// its justification (who, when, why are the decision's own columns). Earlier decisions keep null.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('breach_decision')
    .addColumn('assessment_id', 'bigint', (col) => col.references('breach_assessment.id'))
    .addColumn('recommendation', 'jsonb')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('breach_decision').dropColumn('recommendation').dropColumn('assessment_id').execute();
}
