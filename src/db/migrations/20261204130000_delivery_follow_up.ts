import { sql, type Kysely } from 'kysely';

// Migrations never import application code: they describe the schema as it was on their day.
export async function up(db: Kysely<any>): Promise<void> {
  // When the channel's evidence of informing the person was met (SMS receipt, e-mail not bounced in time,
  // letter posted); cleared by a later bounce. Where the carrier came from: the provider's own report
  // (its portability lookup) or the numbering plan's block allocation (a guess: numbers are ported).
  await db.schema
    .alterTable('delivery_message')
    .addColumn('informed_at', 'timestamptz')
    .addColumn('carrier_source', 'text', (col) => col.check(sql`carrier_source in ('provider', 'numbering-plan')`))
    .execute();
  await sql`update delivery_message set informed_at = delivered_at where state = 'delivered'`.execute(db);
  await sql`update delivery_message set carrier_source = case when receipt_at is not null then 'provider' else 'numbering-plan' end where carrier is not null`.execute(db);
  // "Was this person informed by another message of the breach?" before a failure takes their status back.
  await sql`create index delivery_message_informed_idx on delivery_message (person_id) where informed_at is not null`.execute(db);

  // One alert per anomaly, on the most specific slice that explains it: the slice (carrier and/or segment)
  // and the share of the campaign it covers are kept; e-mail has kinds of its own (no receipts).
  await sql`alter table delivery_alert drop constraint delivery_alert_kind_check`.execute(db);
  await sql`alter table delivery_alert add constraint delivery_alert_kind_check
    check (kind in ('failure-rate', 'receipts-missing', 'refusal-rate', 'bounce-rate'))`.execute(db);
  await db.schema
    .alterTable('delivery_alert')
    .addColumn('carrier', 'text')
    .addColumn('segment', 'text')
    .addColumn('affected', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('campaign_total', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('share', 'double precision', (col) => col.notNull().defaultTo(0))
    .execute();

  // Receipts (and bounces) that name a provider message id Vigie has not recorded yet: the provider answered
  // the hand-off, but its answer is still being written. Kept and applied when the hand-off lands.
  await db.schema
    .createTable('delivery_early_report')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('provider', 'text', (col) => col.notNull())
    .addColumn('provider_message_id', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull().check(sql`state in ('sent', 'delivered', 'failed')`))
    .addColumn('reason', 'text')
    .addColumn('carrier', 'text')
    .addColumn('received_at', 'timestamptz', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('delivery_early_report_key_idx').on('delivery_early_report').columns(['provider', 'provider_message_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('delivery_early_report').execute();
  await db.schema.alterTable('delivery_alert').dropColumn('carrier').dropColumn('segment').dropColumn('affected').dropColumn('campaign_total').dropColumn('share').execute();
  await sql`delete from delivery_alert where kind in ('refusal-rate', 'bounce-rate')`.execute(db);
  await sql`alter table delivery_alert drop constraint delivery_alert_kind_check`.execute(db);
  await sql`alter table delivery_alert add constraint delivery_alert_kind_check check (kind in ('failure-rate', 'receipts-missing'))`.execute(db);
  await sql`drop index delivery_message_informed_idx`.execute(db);
  await db.schema.alterTable('delivery_message').dropColumn('informed_at').dropColumn('carrier_source').execute();
}
