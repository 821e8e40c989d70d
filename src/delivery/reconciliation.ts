import { sql } from 'kysely';
import type { DeliveryAlert } from '../db/tables/delivery-alert.js';
import type { DeliveryCampaign } from '../db/tables/delivery-campaign.js';
import { getCampaign } from './campaigns.js';
import type { DeliveryContext } from './context.js';

export interface ReconciliationRow {
  dimension: 'carrier' | 'segment' | 'provider';
  value: string;
  total: number;
  /** Accepted by the provider (whatever happened next). */
  accepted: number;
  delivered: number;
  failed: number;
  unknown: number;
  /** Not yet final: queued, sending, or accepted and awaiting a receipt. */
  pending: number;
  cancelled: number;
  failureRate: number;
  /** The commonest failure reasons, with counts. */
  reasons: { reason: string; count: number }[];
}

export interface Reconciliation {
  campaign: DeliveryCampaign;
  rows: ReconciliationRow[];
  alerts: DeliveryAlert[];
  /** The slices named by an alert: where to look and what to resend. */
  flagged: { dimension: string; value: string; kind: string }[];
}

/** Accepted vs delivered vs failed vs unknown, by carrier, segment and provider, with the alerts raised. */
export async function reconcile(ctx: Pick<DeliveryContext, 'db'>, campaignId: string): Promise<Reconciliation> {
  const campaign = await getCampaign(ctx.db, campaignId);
  const rows: ReconciliationRow[] = [];
  for (const dimension of ['carrier', 'segment', 'provider'] as const) {
    const { rows: counts } = await sql<{ value: string | null; total: number; accepted: number; delivered: number; failed: number; unknown: number; pending: number; cancelled: number }>`
      select ${sql.ref(dimension)} as value, count(*)::int as total, count(sent_at)::int as accepted,
        count(*) filter (where state = 'delivered')::int as delivered, count(*) filter (where state = 'failed')::int as failed,
        count(*) filter (where state = 'unknown')::int as unknown, count(*) filter (where state in ('queued', 'sending', 'sent'))::int as pending,
        count(*) filter (where state = 'cancelled')::int as cancelled
      from delivery_message where campaign_id = ${campaignId} group by 1 order by 1`.execute(ctx.db);
    const { rows: reasons } = await sql<{ value: string | null; reason: string; n: number }>`
      select ${sql.ref(dimension)} as value, failure_reason as reason, count(*)::int as n
      from delivery_message where campaign_id = ${campaignId} and state in ('failed', 'unknown') and failure_reason is not null
      group by 1, 2 order by 3 desc`.execute(ctx.db);
    for (const row of counts) {
      const value = row.value ?? '(unknown)';
      const finished = row.delivered + row.failed;
      rows.push({
        dimension, value, total: row.total, accepted: row.accepted, delivered: row.delivered, failed: row.failed,
        unknown: row.unknown, pending: row.pending, cancelled: row.cancelled,
        failureRate: finished === 0 ? 0 : row.failed / finished,
        reasons: reasons.filter((r) => (r.value ?? '(unknown)') === value).slice(0, 5).map((r) => ({ reason: r.reason, count: r.n })),
      });
    }
  }
  const alerts = await ctx.db.selectFrom('delivery_alert').selectAll().where('campaign_id', '=', campaignId).orderBy('id').execute();
  return { campaign, rows, alerts, flagged: alerts.map((a) => ({ dimension: a.dimension, value: a.value, kind: a.kind })) };
}
