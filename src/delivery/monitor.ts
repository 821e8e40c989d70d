import { sql } from 'kysely';
import type { DeliveryAlert } from '../db/tables/delivery-alert.js';
import rules from './data/anomaly-rules.json' with { type: 'json' };
import type { DeliveryContext } from './context.js';
import { createWebhookSender } from '../http/signed-webhooks.js';
import { markUnknownAfterDeadline } from './queue.js';

export const anomalyRules = rules;

/** Dimensions compared inside one campaign; 'campaign' compares the whole campaign with history. */
const dimensions = ['carrier', 'segment'] as const;

interface Slice {
  value: string;
  finished: number;
  failed: number;
  old: number;
  awaitingOld: number;
}

export interface Candidate {
  kind: 'failure-rate' | 'receipts-missing';
  dimension: string;
  value: string;
  rate: number;
  baseline: number;
  sample: number;
  detail: string;
}

const pct = (rate: number) => `${(rate * 100).toFixed(1)} %`;

/**
 * Compares each slice of a campaign's recent messages (accepted within the sliding window) with the rest
 * of the campaign: a failure rate far above the others', or receipts missing for a large share of
 * messages accepted more than `slowAfterSeconds` ago. Pure, so that the rule is tested on numbers.
 */
export function findAnomalies(dimension: string, slices: Slice[], history: Map<string, number>): Candidate[] {
  const found: Candidate[] = [];
  const total = slices.reduce((acc, s) => ({ finished: acc.finished + s.finished, failed: acc.failed + s.failed, old: acc.old + s.old, awaitingOld: acc.awaitingOld + s.awaitingOld }), { finished: 0, failed: 0, old: 0, awaitingOld: 0 });
  const f = rules.failureRate;
  const r = rules.receiptsMissing;
  for (const slice of slices) {
    const comparesWithHistory = dimension === 'campaign';
    const othersFinished = total.finished - slice.finished;
    const othersRate = comparesWithHistory ? (history.get('*') ?? 0) : othersFinished > 0 ? (total.failed - slice.failed) / othersFinished : 0;
    if (slice.finished >= f.minFinished && (comparesWithHistory || othersFinished >= f.minFinished || slices.length === 1)) {
      const rate = slice.failed / slice.finished;
      if (rate >= f.minRate && rate >= othersRate * f.minRatio && rate - othersRate >= f.minExcess) {
        const past = history.get(slice.value);
        found.push({
          kind: 'failure-rate', dimension, value: slice.value, rate, baseline: othersRate, sample: slice.finished,
          detail: `${dimension} ${slice.value}: ${pct(rate)} failed (${slice.failed} of ${slice.finished} with a receipt) against ${pct(othersRate)} ${comparesWithHistory ? 'in past campaigns' : `for the other ${dimension} values`}${past !== undefined && !comparesWithHistory ? `; ${pct(past)} in past campaigns` : ''}`,
        });
      }
    }
    const othersOld = total.old - slice.old;
    const othersShare = comparesWithHistory ? 0 : othersOld > 0 ? (total.awaitingOld - slice.awaitingOld) / othersOld : 0;
    if (slice.old >= r.minOld) {
      const share = slice.awaitingOld / slice.old;
      if (share >= r.minShare && share >= othersShare * r.minRatio) {
        found.push({
          kind: 'receipts-missing', dimension, value: slice.value, rate: share, baseline: othersShare, sample: slice.old,
          detail: `${dimension} ${slice.value}: no receipt for ${pct(share)} of messages accepted more than ${r.slowAfterSeconds / 60} min ago (${slice.awaitingOld} of ${slice.old}) against ${pct(othersShare)}${comparesWithHistory ? '' : ` for the other ${dimension} values`}`,
        });
      }
    }
  }
  return found;
}

async function slicesOf(ctx: DeliveryContext, campaignId: string, column: 'carrier' | 'segment' | null, now: Date): Promise<Slice[]> {
  const windowStart = new Date(now.getTime() - rules.windowSeconds * 1000);
  const slowBefore = new Date(now.getTime() - rules.receiptsMissing.slowAfterSeconds * 1000);
  const key = column ? sql.ref(column) : sql.lit('all');
  const { rows } = await sql<{ value: string | null; finished: number; failed: number; old: number; awaiting_old: number }>`
    select ${key} as value,
      count(*) filter (where state in ('delivered', 'failed'))::int as finished,
      count(*) filter (where state = 'failed')::int as failed,
      count(*) filter (where sent_at <= ${slowBefore})::int as old,
      count(*) filter (where sent_at <= ${slowBefore} and receipt_at is null and state in ('sent', 'unknown'))::int as awaiting_old
    from delivery_message where campaign_id = ${campaignId} and sent_at >= ${windowStart}
    group by 1`.execute(ctx.db);
  return rows.map((row) => ({ value: row.value ?? '(unknown)', finished: row.finished, failed: row.failed, old: row.old, awaitingOld: row.awaiting_old }));
}

/** Failure rate of past campaigns on this channel, overall ('*') and per carrier. */
async function historyOf(ctx: DeliveryContext, campaignId: string, channel: string, now: Date): Promise<Map<string, number>> {
  const since = new Date(now.getTime() - rules.historyDays * 86_400_000);
  const { rows } = await sql<{ carrier: string | null; finished: number; failed: number }>`
    select coalesce(carrier, '(unknown)') as carrier, count(*) filter (where state in ('delivered', 'failed'))::int as finished, count(*) filter (where state = 'failed')::int as failed
    from delivery_message where channel = ${channel} and campaign_id <> ${campaignId} and sent_at >= ${since}
    group by grouping sets ((coalesce(carrier, '(unknown)')), ())`.execute(ctx.db);
  const history = new Map<string, number>();
  for (const row of rows) if (row.finished >= rules.failureRate.minFinished) history.set(row.carrier ?? '*', row.failed / row.finished);
  return history;
}

/**
 * One monitoring pass over every campaign with messages accepted in the window. New anomalies are stored
 * (once per campaign, kind, dimension, value), put on the breach timeline and posted to the webhooks.
 */
export async function monitorCampaigns(ctx: DeliveryContext): Promise<DeliveryAlert[]> {
  const now = ctx.clock.now();
  const windowStart = new Date(now.getTime() - rules.windowSeconds * 1000);
  await markUnknownAfterDeadline(ctx.db, now, ctx.settings.unknownAfterMs);
  const campaigns = await ctx.db
    .selectFrom('delivery_campaign')
    .select(['id', 'breach_id', 'channel'])
    .where('status', 'in', ['running', 'paused', 'completed'])
    .where((eb) => eb.exists(eb.selectFrom('delivery_message as m').select('m.id').whereRef('m.campaign_id', '=', 'delivery_campaign.id').where('m.sent_at', '>=', windowStart)))
    .execute();
  const raised: DeliveryAlert[] = [];
  for (const campaign of campaigns) {
    const history = await historyOf(ctx, campaign.id, campaign.channel, now);
    const candidates = findAnomalies('campaign', await slicesOf(ctx, campaign.id, null, now), history);
    for (const dimension of dimensions) candidates.push(...findAnomalies(dimension, await slicesOf(ctx, campaign.id, dimension, now), history));
    for (const candidate of candidates) {
      const alert = await ctx.db
        .insertInto('delivery_alert')
        .values({ campaign_id: campaign.id, ...candidate, window_start: windowStart, detected_at: now })
        .onConflict((oc) => oc.constraint('delivery_alert_once_key').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!alert) continue;
      raised.push(alert);
      ctx.logger.warn('delivery anomaly', { campaign: campaign.id, kind: alert.kind, dimension: alert.dimension, value: alert.value, rate: alert.rate });
      try {
        await ctx.ports.addTimelineEvent({ breachId: campaign.breach_id, at: now, kind: `delivery.alert.${alert.kind}`, summary: alert.detail });
      } catch (error) {
        // The alert is stored and posted even when the register cannot take it (unknown breach, 503).
        ctx.logger.warn('delivery alert not put on the timeline', { campaign: campaign.id, error: (error as Error)?.name ?? 'Error' });
      }
      await postToWebhooks(ctx, { type: 'delivery.alert', breachId: campaign.breach_id, ...alert });
    }
  }
  return raised;
}

/** Signed and retried as exposure alerts are (http/signed-webhooks.ts); the payload names no person. */
async function postToWebhooks(ctx: DeliveryContext, payload: Record<string, unknown>): Promise<void> {
  await createWebhookSender({
    urls: ctx.settings.alertWebhooks,
    secret: ctx.settings.alertWebhookSecret,
    logger: ctx.logger,
    now: () => ctx.clock.now(),
    label: 'delivery alert',
    ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
  }).send(payload);
}
