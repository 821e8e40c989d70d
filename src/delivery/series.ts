import { sql } from 'kysely';
import { systemClock } from '../clock.js';
import type { DeliveryCampaign } from '../db/tables/delivery-campaign.js';
import { getCampaign } from './campaigns.js';
import { channelRules } from './channels.js';
import { defaultDeliverySettings } from './context.js';
import type { ReadingContext } from './control.js';

/** Cumulative counts at the end of each bucket: what a delivery chart draws. */
export interface DeliveryCurve {
  /** Accepted by the provider (handed off). */
  sent: number[];
  delivered: number[];
  failed: number[];
  /** Past the receipt deadline without one. */
  unknown: number[];
  /** Accepted `silentAfterMinutes` ago or more, no receipt yet at that time (channels with receipts). */
  silent: number[];
}

export interface DeliverySeries {
  campaign: DeliveryCampaign;
  bucketMs: number;
  /** Each bucket's end, ms since the epoch. */
  times: number[];
  all: DeliveryCurve;
  /** Per carrier (SMS), those failing or silent first, then the largest; empty for channels without carriers. */
  carriers: { carrier: string; curve: DeliveryCurve }[];
  silentAfterMinutes: number;
}

/** Steps a person reads easily; the smallest that keeps the chart under `maxBuckets`. */
const steps = [10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21_600, 43_200, 86_400].map((s) => s * 1000);
const maxBuckets = 150;

type Row = { carrier: string; sb: number | null; rb: number | null; db: number | null; fb: number | null; ub: number | null; n: number };

const emptyCurve = (n: number): DeliveryCurve => ({ sent: Array(n).fill(0), delivered: Array(n).fill(0), failed: Array(n).fill(0), unknown: Array(n).fill(0), silent: Array(n).fill(0) });

/**
 * A campaign's delivery over time, per carrier: one grouped pass over its messages by the bucket of each
 * timestamp, then running sums here. "Silent" at a time t counts the messages accepted by t − silentAfter with
 * no receipt by t, at the buckets' resolution, as campaignProgress counts it at "now".
 */
export async function deliverySeries(ctx: ReadingContext, campaignId: string, silentAfterMs = (ctx.settings ?? defaultDeliverySettings).silentAfterMs): Promise<DeliverySeries> {
  const campaign = await getCampaign(ctx.db, campaignId);
  const now = (ctx.clock ?? systemClock).now().getTime();
  const { rows: [span] } = await sql<{ first: Date | null; last: Date | null }>`
    select min(coalesce(sent_at, failed_at)) as first,
      max(greatest(sent_at, receipt_at, delivered_at, failed_at, unknown_at)) as last
    from delivery_message where campaign_id = ${campaignId}`.execute(ctx.db);
  const first = span?.first ? new Date(span.first).getTime() : (campaign.started_at ?? campaign.created_at).getTime();
  const underWay = campaign.status === 'running' || campaign.status === 'paused';
  const last = Math.max(first, underWay ? now : span?.last ? new Date(span.last).getTime() : first);
  const bucketMs = steps.find((step) => (last - first) / step <= maxBuckets) ?? steps[steps.length - 1]!;
  const origin = Math.floor(first / bucketMs);
  const count = Math.floor(last / bucketMs) - origin + 1;
  // One date_bin per timestamp (timestamp arithmetic, exact), grouped, then each group's bins turned into
  // bucket numbers: extract(epoch …) is numeric, and five numeric expressions per message cost most of the
  // query (320 ms on a 30,000-message campaign under load, docs/benchmarks.md); the index of migration
  // 20261204172000 covers every column read here (an index-only scan).
  const originAt = new Date(origin * bucketMs).toISOString();
  const bin = (column: string) => sql`date_bin(${`${bucketMs} milliseconds`}::interval, ${sql.ref(column)}, ${originAt}::timestamptz)`;
  const index = (column: string) => sql`round(date_part('epoch', ${sql.ref(column)} - ${originAt}::timestamptz) * 1000 / ${bucketMs})::int`;
  const { rows } = await sql<Row>`
    select carrier, ${index('sb')} as sb, ${index('rb')} as rb, ${index('db')} as db, ${index('fb')} as fb, ${index('ub')} as ub, n
    from (
      select coalesce(carrier, '(unknown)') as carrier, ${bin('sent_at')} as sb, ${bin('receipt_at')} as rb, ${bin('delivered_at')} as db,
        ${bin('failed_at')} as fb, ${bin('unknown_at')} as ub, count(*)::int as n
      from delivery_message where campaign_id = ${campaignId} group by 1, 2, 3, 4, 5, 6
    ) as grouped`.execute(ctx.db);

  const receipts = channelRules[campaign.channel].receipts;
  const silentBuckets = Math.ceil(silentAfterMs / bucketMs);
  const all = emptyCurve(count);
  const byCarrier = new Map<string, DeliveryCurve>();
  const clamp = (i: number) => Math.min(Math.max(i, 0), count - 1);
  for (const row of rows) {
    const curves = [all];
    if (campaign.channel === 'sms') {
      let curve = byCarrier.get(row.carrier);
      if (!curve) byCarrier.set(row.carrier, (curve = emptyCurve(count)));
      curves.push(curve);
    }
    for (const curve of curves) {
      if (row.sb !== null) curve.sent[clamp(row.sb)]! += row.n;
      if (row.db !== null) curve.delivered[clamp(row.db)]! += row.n;
      if (row.fb !== null) curve.failed[clamp(row.fb)]! += row.n;
      if (row.ub !== null) curve.unknown[clamp(row.ub)]! += row.n;
      if (receipts && row.sb !== null) {
        // Silent from the bucket its silence began until the bucket its receipt came (if it came).
        const from = row.sb + silentBuckets;
        const to = row.rb === null ? count : row.rb;
        for (let i = Math.max(from, 0); i < Math.min(to, count); i++) curve.silent[i]! += row.n;
      }
    }
  }
  const cumulate = (curve: DeliveryCurve) => {
    for (const key of ['sent', 'delivered', 'failed', 'unknown'] as const) {
      for (let i = 1; i < count; i++) curve[key][i]! += curve[key][i - 1]!;
    }
    return curve;
  };
  cumulate(all);
  const carriers = [...byCarrier.entries()].map(([carrier, curve]) => ({ carrier, curve: cumulate(curve) }));
  // The carriers that fail or stay silent first: where a person should look.
  const trouble = (c: DeliveryCurve) => c.failed[count - 1]! + c.unknown[count - 1]! + c.silent[count - 1]!;
  carriers.sort((a, b) => trouble(b.curve) - trouble(a.curve) || b.curve.sent[count - 1]! - a.curve.sent[count - 1]! || a.carrier.localeCompare(b.carrier));
  return {
    campaign,
    bucketMs,
    times: Array.from({ length: count }, (_, i) => (origin + i + 1) * bucketMs),
    all,
    carriers,
    silentAfterMinutes: Math.round(silentAfterMs / 60_000),
  };
}
