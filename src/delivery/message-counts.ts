import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { MessageState } from '../db/tables/delivery-message.js';

/** A campaign's messages counted by state, carrier, segment and provider: what its progress and its reconciliation are made of. */
export interface MessageGroup {
  state: MessageState;
  carrier: string | null;
  segment: string | null;
  provider: string;
  n: number;
  /** Handed to the provider at least once (sent_at set). */
  accepted: number;
  /** informed_at set, whatever the state (a failed message's is not counted by the readers). */
  informed: number;
  /** In 'sent' or 'unknown', accepted at or before `silentBefore`, no receipt (the readers drop it for channels without receipts). */
  silent: number;
  /** Carrier inferred from the numbering plan. */
  inferred: number;
}

const states: MessageState[] = ['queued', 'sending', 'sent', 'delivered', 'failed', 'unknown', 'cancelled'];

/**
 * One read of a campaign's messages for both its progress and its reconciliation, from the covering index of
 * migration 20261204172000 alone (an index-only scan). The read is made state by state (a lateral join over the
 * states) because asked for "campaign = $1" the planner reads the whole table when the campaign is most of it
 * (the largest campaign in the table, the one people watch): the index, bloated by the messages' own updates,
 * then looks dearer than the table to it, though it is a sixth of the pages. With "campaign = $1 and state = $2"
 * each read is a slice of the index. Measured on the console bench's 30,000-message campaign, the whole table
 * (pgbench, shared 2-core machine): 539 index pages against 3,399 table pages, 8 ms against 39 ms for the two
 * grouped reads it replaces (progress by state and carrier, reconciliation by carrier, segment and provider).
 */
export async function countMessages(db: Db, campaignId: string, silentBefore: Date): Promise<MessageGroup[]> {
  const { rows } = await sql<MessageGroup>`
    select s.state, m.carrier, m.segment, m.provider, m.n, m.accepted, m.informed, m.silent, m.inferred
    from unnest(${states}::text[]) as s (state) cross join lateral (
      select carrier, segment, provider, count(*)::int as n, count(sent_at)::int as accepted, count(informed_at)::int as informed,
        count(*) filter (where state in ('sent', 'unknown') and receipt_at is null and sent_at <= ${silentBefore})::int as silent,
        count(*) filter (where carrier_source = 'numbering-plan')::int as inferred
      from delivery_message where campaign_id = ${campaignId} and state = s.state group by carrier, segment, provider
    ) as m`.execute(db);
  return rows;
}

/** A campaign's failure reasons by carrier, segment and provider, commonest first (failed and unknown messages only). */
export async function failureReasons(db: Db, campaignId: string): Promise<{ dimension: string; value: string | null; reason: string; n: number }[]> {
  const dimensionOf = sql`case when grouping(carrier) = 0 then 'carrier' when grouping(segment) = 0 then 'segment' else 'provider' end`;
  const valueOf = sql`case when grouping(carrier) = 0 then carrier when grouping(segment) = 0 then segment else provider end`;
  const { rows } = await sql<{ dimension: string; value: string | null; reason: string; n: number }>`
    select ${dimensionOf} as dimension, ${valueOf} as value, failure_reason as reason, count(*)::int as n
    from delivery_message where campaign_id = ${campaignId} and state in ('failed', 'unknown') and failure_reason is not null
    group by grouping sets ((carrier, failure_reason), (segment, failure_reason), (provider, failure_reason)) order by 4 desc`.execute(db);
  return rows;
}
