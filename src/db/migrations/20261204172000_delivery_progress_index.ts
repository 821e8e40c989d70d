import { sql, type Kysely } from 'kysely';

// Migrations never import application code: they describe the schema as it was on their day.
export async function up(db: Kysely<any>): Promise<void> {
  // A campaign's progress (counts by state and carrier, what was accepted, informed, silent, inferred), its
  // reconciliation (by carrier, segment and provider, with failure reasons) and its delivery over time are read by
  // the console's situation page every 5 seconds, by the campaign's page and by the API: from this index alone
  // (an index-only scan of the campaign's entries) rather than from every message's row with its bodies and
  // destination. Measured on a 30,000-message campaign (docs/benchmarks.md, Console).
  await sql`create index delivery_message_progress_idx on delivery_message (campaign_id, state, carrier)
    include (sent_at, receipt_at, delivered_at, failed_at, unknown_at, informed_at, carrier_source, segment, provider, failure_reason)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists delivery_message_progress_idx`.execute(db);
}
