import type { DeliveryAlert } from '../db/tables/delivery-alert.js';
import type { DeliveryCampaign } from '../db/tables/delivery-campaign.js';
import { getCampaign } from './campaigns.js';
import { channelRules } from './channels.js';
import { systemClock } from '../clock.js';
import { defaultDeliverySettings } from './context.js';
import type { ReadingContext } from './control.js';
import { countMessages, failureReasons, type MessageGroup } from './message-counts.js';

export interface ReconciliationRow {
  dimension: 'carrier' | 'segment' | 'provider';
  value: string;
  total: number;
  /** Accepted by the provider (whatever happened next). */
  accepted: number;
  delivered: number;
  failed: number;
  unknown: number;
  /** Not yet final: queued, sending, or accepted and awaiting the channel's evidence (receipt, bounce window, posting). */
  pending: number;
  cancelled: number;
  /** The channel's evidence of informing the person is met (channels.json). */
  informed: number;
  /** Accepted, no receipt for longer than `silentAfterMinutes` (channels with receipts only; 0 otherwise). */
  silent: number;
  /** Carrier inferred from the numbering plan, not reported by the provider. */
  inferred: number;
  failureRate: number;
  /** The commonest failure reasons, with counts. */
  reasons: { reason: string; count: number }[];
}

export interface Reconciliation {
  campaign: DeliveryCampaign;
  /** What "silent" counts: accepted this long ago or more with no receipt. */
  silentAfterMinutes: number;
  rows: ReconciliationRow[];
  alerts: DeliveryAlert[];
  /** The slices named by an alert: where to look and what to resend. */
  flagged: { dimension: string; value: string; kind: string }[];
}

/**
 * Accepted vs delivered vs failed vs unknown vs informed, by carrier, segment and provider, with the alerts
 * raised. `silent` grows per carrier from the first minutes of a campaign: a carrier that swallows messages
 * (the 2013 Pôle emploi case, silent for two weeks) shows there long before any deadline.
 */
export async function reconcile(ctx: ReadingContext, campaignId: string, silentAfterMs = (ctx.settings ?? defaultDeliverySettings).silentAfterMs): Promise<Reconciliation> {
  const { campaign, groups, reasons, alerts } = await readCampaignFacts(ctx, campaignId, silentAfterMs);
  return reconciliationOf(campaign, groups, reasons, alerts, silentAfterMs);
}

/** What a reconciliation (and the campaign's progress, overview.ts) is built from: four reads, none waiting on another. */
export async function readCampaignFacts(ctx: ReadingContext, campaignId: string, silentAfterMs: number) {
  const silentBefore = new Date((ctx.clock ?? systemClock).now().getTime() - silentAfterMs);
  const [campaign, groups, reasons, alerts] = await Promise.all([
    getCampaign(ctx.db, campaignId),
    countMessages(ctx.db, campaignId, silentBefore),
    failureReasons(ctx.db, campaignId),
    campaignAlerts(ctx, campaignId),
  ]);
  return { campaign, groups, reasons, alerts };
}

type Counted = Omit<ReconciliationRow, 'dimension' | 'value' | 'failureRate' | 'reasons'>;
const zero = (): Counted => ({ total: 0, accepted: 0, delivered: 0, failed: 0, unknown: 0, pending: 0, cancelled: 0, informed: 0, silent: 0, inferred: 0 });
/** Values in order, the missing one ("(unknown)") last, as the grouped SQL read gave them before. */
const byValue = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);

/**
 * The reconciliation from the messages' counts (countMessages) and their failure reasons (failureReasons): one
 * read of the messages serves the campaign page's progress and reconciliation together (campaignOverview).
 */
export function reconciliationOf(
  campaign: DeliveryCampaign,
  groups: MessageGroup[],
  reasons: Awaited<ReturnType<typeof failureReasons>>,
  alerts: DeliveryAlert[],
  silentAfterMs: number,
): Reconciliation {
  const receipts = channelRules[campaign.channel].receipts;
  const rows: ReconciliationRow[] = [];
  for (const dimension of ['carrier', 'segment', 'provider'] as const) {
    const slices = new Map<string | null, Counted>();
    for (const group of groups) {
      const key = group[dimension];
      const slice = slices.get(key) ?? slices.set(key, zero()).get(key)!;
      // As the channel's evidence counts it: pending is not yet final (queued, sending, or sent without evidence).
      const informed = group.state === 'failed' ? 0 : group.informed;
      slice.total += group.n;
      slice.accepted += group.accepted;
      if (group.state === 'delivered') slice.delivered += group.n;
      if (group.state === 'failed') slice.failed += group.n;
      if (group.state === 'unknown') slice.unknown += group.n;
      if (group.state === 'cancelled') slice.cancelled += group.n;
      if (group.state === 'queued' || group.state === 'sending') slice.pending += group.n;
      if (group.state === 'sent') slice.pending += group.n - group.informed;
      slice.informed += informed;
      if (receipts) slice.silent += group.silent;
      slice.inferred += group.inferred;
    }
    for (const [raw, counted] of [...slices.entries()].sort(([a], [b]) => byValue(a, b))) {
      const value = raw ?? '(unknown)';
      const finished = counted.delivered + counted.failed;
      rows.push({
        dimension, value, ...counted,
        failureRate: finished === 0 ? 0 : counted.failed / finished,
        reasons: reasons.filter((r) => r.dimension === dimension && (r.value ?? '(unknown)') === value).slice(0, 5).map((r) => ({ reason: r.reason, count: r.n })),
      });
    }
  }
  return { campaign, silentAfterMinutes: Math.round(silentAfterMs / 60_000), rows, alerts, flagged: alerts.map((a) => ({ dimension: a.dimension, value: a.value, kind: a.kind })) };
}

/** A campaign's anomalies as the monitor recorded them, oldest first (the reconciliation's, and the delivery chart's marks). */
export function campaignAlerts(ctx: ReadingContext, campaignId: string): Promise<DeliveryAlert[]> {
  return ctx.db.selectFrom('delivery_alert').selectAll().where('campaign_id', '=', campaignId).orderBy('id').execute();
}
