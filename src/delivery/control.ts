import { sql } from 'kysely';
import type { CampaignStatus, DeliveryCampaign } from '../db/tables/delivery-campaign.js';
import type { MessageState } from '../db/tables/delivery-message.js';
import { ConflictError, ValidationError } from '../http/errors.js';
import { getCampaign } from './campaigns.js';
import type { Actor, DeliveryContext } from './context.js';
import { recordAction } from './record-action.js';

export const campaignActions = ['start', 'pause', 'resume', 'cancel'] as const;
export type CampaignAction = (typeof campaignActions)[number];

const allowed: Record<CampaignAction, { from: CampaignStatus[]; to: CampaignStatus }> = {
  start: { from: ['ready'], to: 'running' },
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  cancel: { from: ['ready', 'running', 'paused'], to: 'cancelled' },
};

/**
 * Start, pause, resume or cancel. The status check and the change are one conditional UPDATE, so two
 * people acting at once get one success and one conflict. Pausing stops new claims at once; messages
 * already handed to a worker finish their hand-off. Cancelling also cancels every message still queued.
 */
export async function changeCampaign(ctx: DeliveryContext, actor: Actor, id: string, action: CampaignAction, reason: string): Promise<DeliveryCampaign> {
  if (!reason?.trim()) throw new ValidationError([{ path: 'body.reason', message: 'is required (why)' }]);
  const rule = allowed[action];
  const now = ctx.clock.now();
  const current = await getCampaign(ctx.db, id);
  const updated = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('delivery_campaign')
      .set({
        status: rule.to,
        ...(action === 'start' || action === 'resume' ? { started_at: current.started_at ?? now, paused_at: null } : {}),
        ...(action === 'pause' ? { paused_at: now } : {}),
        ...(action === 'cancel' ? { cancelled_at: now } : {}),
      })
      .where('id', '=', id)
      .where('status', 'in', rule.from)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new ConflictError(`A campaign that is ${current.status} cannot be ${action === 'cancel' ? 'cancelled' : action === 'pause' ? 'paused' : 'started'}`);
    if (action === 'cancel') {
      await trx.updateTable('delivery_message').set({ state: 'cancelled', cancelled_at: now }).where('campaign_id', '=', id).where('state', '=', 'queued').execute();
    }
    await recordAction(trx, actor, now, `delivery.campaign.${action}`, id, reason);
    return row;
  });
  try {
    await ctx.ports.addTimelineEvent({ breachId: updated.breach_id, at: now, kind: `delivery.campaign.${action}`, summary: `Campaign ${id} (${updated.channel}) ${rule.to}` });
  } catch (error) {
    ctx.logger.warn('campaign change not put on the timeline', { campaign: id, error: (error as Error)?.name ?? 'Error' });
  }
  return updated;
}

export type StateCounts = Record<MessageState, number>;

export const emptyCounts = (): StateCounts => ({ queued: 0, sending: 0, sent: 0, delivered: 0, failed: 0, unknown: 0, cancelled: 0 });

export interface CampaignProgress {
  campaign: DeliveryCampaign;
  counts: StateCounts;
  /** Handed to the provider at least once (sent, delivered, failed after acceptance, unknown). */
  accepted: number;
  /** Share of the population no longer waiting to be sent, 0..1. */
  done: number;
}

export async function campaignProgress(ctx: Pick<DeliveryContext, 'db'>, id: string): Promise<CampaignProgress> {
  const campaign = await getCampaign(ctx.db, id);
  const rows = await ctx.db
    .selectFrom('delivery_message')
    .select(['state', sql<number>`count(*)::int`.as('n'), sql<number>`count(sent_at)::int`.as('accepted')])
    .where('campaign_id', '=', id)
    .groupBy('state')
    .execute();
  const counts = emptyCounts();
  let accepted = 0;
  for (const row of rows) {
    counts[row.state] = Number(row.n);
    accepted += Number(row.accepted);
  }
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const waiting = counts.queued + counts.sending;
  return { campaign, counts, accepted, done: total === 0 ? 1 : (total - waiting) / total };
}
