import type { CampaignStatus, DeliveryCampaign } from '../db/tables/delivery-campaign.js';
import type { MessageState } from '../db/tables/delivery-message.js';
import { ConflictError, ValidationError } from '../http/errors.js';
import { getCampaign } from './campaigns.js';
import { channelRules } from './channels.js';
import { systemClock } from '../clock.js';
import { defaultDeliverySettings, type Actor, type DeliveryContext } from './context.js';
import { countMessages, type MessageGroup } from './message-counts.js';
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

export interface CarrierProgress {
  carrier: string;
  accepted: number;
  delivered: number;
  failed: number;
  /** Accepted with no receipt for longer than the silent delay (channels with receipts). */
  silent: number;
  /** Whose carrier was inferred from the numbering plan rather than reported by the provider. */
  inferred: number;
}

export interface CampaignProgress {
  campaign: DeliveryCampaign;
  counts: StateCounts;
  /** Handed to the provider at least once (sent, delivered, failed after acceptance, unknown). */
  accepted: number;
  /** The channel's evidence of informing is met (receipt, no bounce in time, posted). */
  informed: number;
  /** Accepted with no receipt for `silentAfterMinutes` or more, all carriers together. */
  silent: number;
  silentAfterMinutes: number;
  /** Per carrier, so that one carrier's silence shows within minutes (SMS; empty for other channels). */
  carriers: CarrierProgress[];
  /** Share of the population no longer waiting to be sent, 0..1. */
  done: number;
}

/** Callers that only have a database (the console's situation page) get the system clock and default settings. */
export type ReadingContext = Pick<DeliveryContext, 'db'> & Partial<Pick<DeliveryContext, 'clock' | 'settings'>>;

export async function campaignProgress(ctx: ReadingContext, id: string): Promise<CampaignProgress> {
  const silentAfterMs = (ctx.settings ?? defaultDeliverySettings).silentAfterMs;
  const silentBefore = new Date((ctx.clock ?? systemClock).now().getTime() - silentAfterMs);
  // The counts do not depend on the campaign's row: both are read at once.
  const [campaign, groups] = await Promise.all([getCampaign(ctx.db, id), countMessages(ctx.db, id, silentBefore)]);
  return progressOf(campaign, groups, silentAfterMs);
}

/** A campaign's progress from its messages' counts (countMessages): campaignProgress's, and the campaign page's with its reconciliation. */
export function progressOf(campaign: DeliveryCampaign, groups: MessageGroup[], silentAfterMs: number): CampaignProgress {
  const receipts = channelRules[campaign.channel].receipts;
  const counts = emptyCounts();
  const carriers = new Map<string, CarrierProgress>();
  let accepted = 0;
  let informed = 0;
  let silent = 0;
  for (const row of groups) {
    const rowInformed = row.state === 'failed' ? 0 : row.informed;
    const rowSilent = receipts ? row.silent : 0;
    counts[row.state] += row.n;
    accepted += row.accepted;
    informed += rowInformed;
    silent += rowSilent;
    if (campaign.channel !== 'sms') continue;
    const name = row.carrier ?? '(unknown)';
    const c = carriers.get(name) ?? { carrier: name, accepted: 0, delivered: 0, failed: 0, silent: 0, inferred: 0 };
    c.accepted += row.accepted;
    c.silent += rowSilent;
    c.inferred += row.inferred;
    if (row.state === 'delivered') c.delivered += row.n;
    if (row.state === 'failed') c.failed += row.n;
    carriers.set(name, c);
  }
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const waiting = counts.queued + counts.sending;
  return {
    campaign, counts, accepted, informed, silent, silentAfterMinutes: Math.round(silentAfterMs / 60_000),
    carriers: [...carriers.values()].sort((a, b) => b.silent - a.silent || a.carrier.localeCompare(b.carrier)),
    done: total === 0 ? 1 : (total - waiting) / total,
  };
}
