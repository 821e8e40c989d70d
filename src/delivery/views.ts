import { z } from '@hono/zod-openapi';
import type { DeliveryCampaign } from '../db/tables/delivery-campaign.js';
import { isoInZone } from '../time/zoned.js';
import type { CampaignProgress } from './control.js';
import type { Reconciliation } from './reconciliation.js';

/** Stored in UTC, shown in the organisation's zone with its offset. */
const at = (date: Date | null, zone: string) => (date ? isoInZone(date, zone) : null);

export const campaignSchema = z
  .object({
    id: z.string(),
    breachId: z.string(),
    draftId: z.string(),
    channel: z.enum(['email', 'sms', 'letter']),
    provider: z.string(),
    segment: z.string().nullable(),
    resendOf: z.string().nullable(),
    status: z.enum(['preparing', 'ready', 'running', 'paused', 'cancelled', 'completed']),
    total: z.number().int(),
    createdAt: z.string(),
    createdBy: z.string(),
    reason: z.string(),
    startedAt: z.string().nullable(),
    pausedAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    completedAt: z.string().nullable(),
  })
  .openapi('DeliveryCampaign');

export function campaignView(c: DeliveryCampaign, zone: string): z.infer<typeof campaignSchema> {
  return {
    id: c.id, breachId: c.breach_id, draftId: c.draft_id, channel: c.channel, provider: c.provider, segment: c.segment,
    resendOf: c.resend_of, status: c.status, total: c.total, createdAt: at(c.created_at, zone)!, createdBy: c.created_by,
    reason: c.reason, startedAt: at(c.started_at, zone), pausedAt: at(c.paused_at, zone), cancelledAt: at(c.cancelled_at, zone),
    completedAt: at(c.completed_at, zone),
  };
}

const countsSchema = z.object({
  queued: z.number().int(), sending: z.number().int(), sent: z.number().int(), delivered: z.number().int(),
  failed: z.number().int(), unknown: z.number().int(), cancelled: z.number().int(),
});

const carrierProgressSchema = z.object({
  carrier: z.string(), accepted: z.number().int(), delivered: z.number().int(), failed: z.number().int(), silent: z.number().int(),
  inferred: z.number().int().openapi({ description: 'Messages whose carrier was inferred from the numbering plan, not reported by the provider' }),
});

export const progressSchema = z
  .object({
    campaign: campaignSchema, counts: countsSchema, accepted: z.number().int(),
    informed: z.number().int().openapi({ description: "Messages that met their channel's evidence of informing (receipt, no bounce in time, posted)" }),
    silent: z.number().int().openapi({ description: 'Accepted with no receipt for silentAfterMinutes or more (SMS)' }),
    silentAfterMinutes: z.number().int(),
    carriers: z.array(carrierProgressSchema),
    done: z.number(),
  })
  .openapi('DeliveryProgress');

export const progressView = (p: CampaignProgress, zone: string) => ({ ...p, campaign: campaignView(p.campaign, zone) });

export const reconciliationSchema = z
  .object({
    campaign: campaignSchema,
    rows: z.array(
      z.object({
        dimension: z.enum(['carrier', 'segment', 'provider']), value: z.string(), total: z.number().int(),
        accepted: z.number().int(), delivered: z.number().int(), failed: z.number().int(), unknown: z.number().int(),
        pending: z.number().int(), cancelled: z.number().int(), informed: z.number().int(), silent: z.number().int(), inferred: z.number().int(),
        failureRate: z.number(),
        reasons: z.array(z.object({ reason: z.string(), count: z.number().int() })),
      }),
    ),
    silentAfterMinutes: z.number().int(),
    alerts: z.array(
      z.object({
        id: z.string(), kind: z.enum(['failure-rate', 'receipts-missing', 'refusal-rate', 'bounce-rate']), dimension: z.string(), value: z.string(),
        carrier: z.string().nullable(), segment: z.string().nullable(),
        rate: z.number(), baseline: z.number(), sample: z.number().int(),
        affected: z.number().int(), campaignTotal: z.number().int(), share: z.number().openapi({ description: 'Share of the campaign the slice covers, 0..1' }),
        detectedAt: z.string(), detail: z.string(),
      }),
    ),
    flagged: z.array(z.object({ dimension: z.string(), value: z.string(), kind: z.string() })),
  })
  .openapi('DeliveryReconciliation');

export function reconciliationView(r: Reconciliation, zone: string): z.infer<typeof reconciliationSchema> {
  return {
    campaign: campaignView(r.campaign, zone),
    silentAfterMinutes: r.silentAfterMinutes,
    rows: r.rows,
    alerts: r.alerts.map((a) => ({
      id: String(a.id), kind: a.kind, dimension: a.dimension, value: a.value, carrier: a.carrier, segment: a.segment, rate: a.rate, baseline: a.baseline,
      sample: a.sample, affected: a.affected, campaignTotal: a.campaign_total, share: a.share, detectedAt: at(a.detected_at, zone)!, detail: a.detail,
    })),
    flagged: r.flagged,
  };
}

export const idParam = z.object({ id: z.string().uuid('must be a campaign id').openapi({ param: { name: 'id', in: 'path' } }) });
export const reasonField = z.string().trim().min(3, 'say why (at least 3 characters)').max(2000);
export const actorOf = (staff: { subject: string; roles: string[] }, requestId: string) => ({ subject: staff.subject, roles: staff.roles, requestId });
export const sendingRoles = ['comms', 'admin'] as const;
export const readingRoles = ['comms', 'dpo', 'auditor', 'admin'] as const;
