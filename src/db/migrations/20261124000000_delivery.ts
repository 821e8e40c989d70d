import { sql, type Kysely } from 'kysely';

// Migrations never import application code: they describe the schema as it was on their day.
export async function up(db: Kysely<any>): Promise<void> {
  // A campaign: one approved draft sent to one population on one channel. Who/when/why of every action
  // lives in staff_action; the campaign keeps its own status timestamps for progress and reports.
  await db.schema
    .createTable('delivery_campaign')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('breach_id', 'text', (col) => col.notNull())
    .addColumn('draft_id', 'text', (col) => col.notNull())
    .addColumn('channel', 'text', (col) => col.notNull().check(sql`channel in ('email', 'sms', 'letter')`))
    .addColumn('provider', 'text', (col) => col.notNull())
    .addColumn('segment', 'text')
    .addColumn('resend_of', 'text', (col) => col.references('delivery_campaign.id'))
    .addColumn('status', 'text', (col) =>
      col.notNull().check(sql`status in ('preparing', 'ready', 'running', 'paused', 'cancelled', 'completed')`),
    )
    .addColumn('total', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('started_at', 'timestamptz')
    .addColumn('paused_at', 'timestamptz')
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('completed_at', 'timestamptz')
    .execute();

  // One message per person per campaign: the unique key is what makes sending idempotent across crashes.
  await db.schema
    .createTable('delivery_message')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('campaign_id', 'text', (col) => col.notNull().references('delivery_campaign.id'))
    .addColumn('person_id', 'text', (col) => col.notNull())
    .addColumn('segment', 'text')
    .addColumn('channel', 'text', (col) => col.notNull())
    .addColumn('provider', 'text', (col) => col.notNull())
    .addColumn('destination', 'text', (col) => col.notNull())
    .addColumn('carrier', 'text')
    .addColumn('subject', 'text')
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('html', 'text')
    .addColumn('state', 'text', (col) =>
      col.notNull().check(sql`state in ('queued', 'sending', 'sent', 'delivered', 'failed', 'unknown', 'cancelled')`),
    )
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (col) => col.notNull())
    .addColumn('lease_until', 'timestamptz')
    .addColumn('provider_message_id', 'text')
    .addColumn('failure_reason', 'text')
    .addColumn('queued_at', 'timestamptz', (col) => col.notNull())
    .addColumn('sending_at', 'timestamptz')
    .addColumn('sent_at', 'timestamptz')
    .addColumn('receipt_at', 'timestamptz')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('failed_at', 'timestamptz')
    .addColumn('unknown_at', 'timestamptz')
    .addColumn('cancelled_at', 'timestamptz')
    .addUniqueConstraint('delivery_message_campaign_person_key', ['campaign_id', 'person_id'])
    .execute();
  // Workers claim by provider in due order; only queued rows are in this index, so it stays small.
  await sql`create index delivery_message_due_idx on delivery_message (provider, next_attempt_at, id) where state = 'queued'`.execute(db);
  await sql`create index delivery_message_lease_idx on delivery_message (lease_until) where state = 'sending'`.execute(db);
  await sql`create index delivery_message_awaiting_idx on delivery_message (sent_at) where state = 'sent'`.execute(db);
  await sql`create index delivery_message_provider_id_idx on delivery_message (provider, provider_message_id) where provider_message_id is not null`.execute(db);

  // Per-provider token bucket shared by every worker instance.
  await db.schema
    .createTable('delivery_provider_bucket')
    .addColumn('provider', 'text', (col) => col.primaryKey())
    .addColumn('tokens', 'double precision', (col) => col.notNull())
    .addColumn('refilled_at', 'timestamptz', (col) => col.notNull())
    .execute();

  // Anomalies found by the monitor; one per (campaign, kind, dimension, value), so every instance may look.
  await db.schema
    .createTable('delivery_alert')
    .addColumn('id', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('campaign_id', 'text', (col) => col.notNull().references('delivery_campaign.id'))
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('failure-rate', 'receipts-missing')`))
    .addColumn('dimension', 'text', (col) => col.notNull())
    .addColumn('value', 'text', (col) => col.notNull())
    .addColumn('rate', 'double precision', (col) => col.notNull())
    .addColumn('baseline', 'double precision', (col) => col.notNull())
    .addColumn('sample', 'integer', (col) => col.notNull())
    .addColumn('window_start', 'timestamptz', (col) => col.notNull())
    .addColumn('detected_at', 'timestamptz', (col) => col.notNull())
    .addColumn('detail', 'text', (col) => col.notNull())
    .addUniqueConstraint('delivery_alert_once_key', ['campaign_id', 'kind', 'dimension', 'value'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('delivery_alert').execute();
  await db.schema.dropTable('delivery_provider_bucket').execute();
  await db.schema.dropTable('delivery_message').execute();
  await db.schema.dropTable('delivery_campaign').execute();
}
