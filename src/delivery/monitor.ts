import { sql, type RawBuilder } from 'kysely';
import type { AlertKind, DeliveryAlert } from '../db/tables/delivery-alert.js';
import { createWebhookSender } from '../http/signed-webhooks.js';
import { contains, findAnomalies, type Cell, type Finding, type Slice } from './anomalies.js';
import { anomalyRules, channelRules } from './channels.js';
import type { DeliveryContext } from './context.js';
import { confirmUnbouncedEmails } from './evidence.js';
import type { DeliveryChannel } from './ports.js';
import { markUnknownAfterDeadline } from './queue.js';
import { dropStaleEarlyReports } from './reports.js';

/**
 * What each kind counts, as SQL over delivery_message from `from`: its sample and its hits. A channel is
 * judged only by the kinds channels.json gives it (e-mail has no receipts, so never "receipts-missing").
 */
function measures(from: Date, slowBefore: Date): Record<AlertKind, [RawBuilder<unknown>, RawBuilder<unknown>]> {
  const ended = sql`coalesce(sent_at, failed_at) >= ${from}`;
  const accepted = sql`sent_at >= ${from}`;
  return {
    'failure-rate': [sql`${ended} and state in ('delivered', 'failed')`, sql`${ended} and state = 'failed'`],
    'receipts-missing': [sql`${accepted} and sent_at <= ${slowBefore}`, sql`${accepted} and sent_at <= ${slowBefore} and receipt_at is null and state in ('sent', 'unknown')`],
    'refusal-rate': [sql`${ended} and (sent_at is not null or state = 'failed')`, sql`${ended} and sent_at is null and state = 'failed'`],
    'bounce-rate': [sql`${accepted}`, sql`${accepted} and state = 'failed'`],
  };
}

const counted = (kinds: AlertKind[], from: Date, slowBefore: Date) => {
  const m = measures(from, slowBefore);
  return sql.join(kinds.map((kind, i) => sql`count(*) filter (where ${m[kind][0]})::int as ${sql.ref(`s${i}`)}, count(*) filter (where ${m[kind][1]})::int as ${sql.ref(`h${i}`)}`));
};

type Row = Record<string, number> & { carrier: string; segment: string; total: number; inferred: number };

/** The campaign's carrier × segment cells, every kind of its channel counted in one pass over its messages. */
async function cellsOf(ctx: DeliveryContext, campaignId: string, kinds: AlertKind[], now: Date): Promise<Row[]> {
  const windowStart = new Date(now.getTime() - anomalyRules.windowSeconds * 1000);
  const slowBefore = new Date(now.getTime() - (anomalyRules.kinds['receipts-missing'].slowAfterSeconds ?? 0) * 1000);
  const { rows } = await sql<Row>`
    select coalesce(carrier, '(unknown)') as carrier, coalesce(segment, '(unknown)') as segment, count(*)::int as total,
      count(*) filter (where carrier_source = 'numbering-plan')::int as inferred, ${counted(kinds, windowStart, slowBefore)}
    from delivery_message where campaign_id = ${campaignId} group by 1, 2`.execute(ctx.db);
  return rows;
}

/** Each kind's rate in past campaigns on this channel, overall ('*') and per carrier. */
async function historyOf(ctx: DeliveryContext, campaignId: string, channel: DeliveryChannel, kinds: AlertKind[], now: Date): Promise<Map<string, number>[]> {
  const since = new Date(now.getTime() - anomalyRules.historyDays * 86_400_000);
  const slowBefore = new Date(now.getTime() - (anomalyRules.kinds['receipts-missing'].slowAfterSeconds ?? 0) * 1000);
  const { rows } = await sql<Record<string, number> & { carrier: string | null }>`
    select coalesce(carrier, '(unknown)') as carrier, ${counted(kinds, since, slowBefore)}
    from delivery_message where channel = ${channel} and campaign_id <> ${campaignId} and coalesce(sent_at, failed_at) >= ${since}
    group by grouping sets ((coalesce(carrier, '(unknown)')), ())`.execute(ctx.db);
  return kinds.map((kind, i) => {
    const history = new Map<string, number>();
    for (const row of rows) if (row[`s${i}`]! >= anomalyRules.kinds[kind].minSample) history.set(row.carrier ?? '*', row[`h${i}`]! / row[`s${i}`]!);
    return history;
  });
}

const pct = (rate: number) => `${(rate * 100).toFixed(1)} %`;
const count = (n: number) => n.toLocaleString('en');
const sliceWords = (s: Slice) =>
  s.carrier !== null && s.segment !== null ? `carrier ${s.carrier}, segment ${s.segment}` : s.carrier !== null ? `carrier ${s.carrier}` : s.segment !== null ? `segment ${s.segment}` : 'the whole campaign';

/** The alert's sentence: what, how much, against what, how much of the campaign, and what was inferred. */
export function describeAnomaly(kind: AlertKind, f: Finding, pastForCarrier: number | undefined): string {
  const rule = anomalyRules.kinds[kind];
  const where = f.excluding.length > 0 ? `the campaign outside ${f.excluding.map(sliceWords).join(' and ')}` : sliceWords(f);
  const against = f.against === 'history' ? 'in past campaigns' : 'for the rest of the campaign';
  const past = pastForCarrier !== undefined && f.against === 'rest' ? `; ${pct(pastForCarrier)} in past campaigns` : '';
  const inferred = f.inferred > 0 ? `; carrier inferred from the numbering plan (not reported by the provider) for ${count(f.inferred)} of them` : '';
  return `${kind} on ${where}: ${pct(f.rate)} ${rule.hits} (${count(f.hits)} of ${count(f.sample)} ${rule.counts}) against ${pct(f.baseline)} ${against}${past}. `
    + `It covers ${pct(f.campaignTotal === 0 ? 0 : f.total / f.campaignTotal)} of the campaign (${count(f.total)} of ${count(f.campaignTotal)} messages)${inferred}.`;
}

/** Stored slices overlap when one holds the other (a campaign-wide alert only meets campaign-wide ones). */
const overlaps = (a: Slice, b: Slice) => {
  const wide = (s: Slice) => s.carrier === null && s.segment === null;
  return wide(a) || wide(b) ? wide(a) && wide(b) : contains(a, b) || contains(b, a);
};

/**
 * One monitoring pass: the channels' deadlines and evidence first (receipt channels' unknown, e-mails not
 * bounced in time), then every campaign with messages in the window. Each new anomaly is stored once —
 * not again when an alert of its kind already names a slice holding it or held by it — put on the breach
 * timeline and posted to the webhooks.
 */
export async function monitorCampaigns(ctx: DeliveryContext): Promise<DeliveryAlert[]> {
  const now = ctx.clock.now();
  const windowStart = new Date(now.getTime() - anomalyRules.windowSeconds * 1000);
  await markUnknownAfterDeadline(ctx.db, now, ctx.settings.unknownAfterMs);
  await confirmUnbouncedEmails(ctx);
  await dropStaleEarlyReports(ctx.db, now);
  const campaigns = await ctx.db
    .selectFrom('delivery_campaign')
    .select(['id', 'breach_id', 'channel'])
    .where('status', 'in', ['running', 'paused', 'completed'])
    .where((eb) => eb.exists(eb.selectFrom('delivery_message as m').select('m.id').whereRef('m.campaign_id', '=', 'delivery_campaign.id').where(sql<boolean>`coalesce(m.sent_at, m.failed_at) >= ${windowStart}`)))
    .execute();
  const raised: DeliveryAlert[] = [];
  for (const campaign of campaigns) {
    const kinds = channelRules[campaign.channel].anomalies;
    if (kinds.length === 0) continue;
    const rows = await cellsOf(ctx, campaign.id, kinds, now);
    const histories = await historyOf(ctx, campaign.id, campaign.channel, kinds, now);
    const existing = await ctx.db.selectFrom('delivery_alert').select(['kind', 'carrier', 'segment']).where('campaign_id', '=', campaign.id).execute();
    for (const [i, kind] of kinds.entries()) {
      const cells: Cell[] = rows.map((row) => ({ carrier: row.carrier, segment: row.segment, total: row.total, inferred: row.inferred, sample: row[`s${i}`]!, hits: row[`h${i}`]! }));
      for (const found of findAnomalies(cells, anomalyRules.kinds[kind], histories[i]!.get('*'))) {
        if (existing.some((a) => a.kind === kind && overlaps(a, found))) continue;
        const alert = await storeAlert(ctx, campaign.id, kind, found, describeAnomaly(kind, found, found.carrier ? histories[i]!.get(found.carrier) : undefined), windowStart, now);
        if (!alert) continue;
        existing.push(alert);
        raised.push(alert);
        await announce(ctx, campaign.breach_id, alert, now);
      }
    }
  }
  return raised;
}

async function storeAlert(ctx: DeliveryContext, campaignId: string, kind: AlertKind, f: Finding, detail: string, windowStart: Date, now: Date) {
  const dimension = f.carrier !== null && f.segment !== null ? 'carrier+segment' : f.carrier !== null ? 'carrier' : f.segment !== null ? 'segment' : 'campaign';
  const value = [f.carrier, f.segment].filter((v) => v !== null).join(' / ') || 'all';
  return ctx.db
    .insertInto('delivery_alert')
    .values({
      campaign_id: campaignId, kind, dimension, value, carrier: f.carrier, segment: f.segment, rate: f.rate, baseline: f.baseline, sample: f.sample,
      affected: f.total, campaign_total: f.campaignTotal, share: f.campaignTotal === 0 ? 0 : f.total / f.campaignTotal, window_start: windowStart, detected_at: now, detail,
    })
    .onConflict((oc) => oc.constraint('delivery_alert_once_key').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** The breach timeline and the webhooks; the alert is stored even when the register cannot take it. */
async function announce(ctx: DeliveryContext, breachId: string, alert: DeliveryAlert, now: Date): Promise<void> {
  ctx.logger.warn('delivery anomaly', { campaign: alert.campaign_id, kind: alert.kind, dimension: alert.dimension, value: alert.value, rate: alert.rate, share: alert.share });
  try {
    await ctx.ports.addTimelineEvent({ breachId, at: now, kind: `delivery.alert.${alert.kind}`, summary: alert.detail });
  } catch (error) {
    ctx.logger.warn('delivery alert not put on the timeline', { campaign: alert.campaign_id, error: (error as Error)?.name ?? 'Error' });
  }
  // Signed and retried as exposure alerts are (http/signed-webhooks.ts); the payload names no person.
  await createWebhookSender({
    urls: ctx.settings.alertWebhooks,
    secret: ctx.settings.alertWebhookSecret,
    logger: ctx.logger,
    now: () => ctx.clock.now(),
    label: 'delivery alert',
    outbound: ctx.settings.outbound,
    ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
  }).send({ type: 'delivery.alert', breachId, ...alert });
}
