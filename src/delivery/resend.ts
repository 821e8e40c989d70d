import { ConflictError, ValidationError } from '../http/errors.js';
import { createCampaign, getCampaign, type CreatedCampaign } from './campaigns.js';
import type { Actor, DeliveryContext } from './context.js';
import { channelRules } from './channels.js';
import type { DeliveryChannel } from './ports.js';
import type { DeliveryCampaign } from '../db/tables/delivery-campaign.js';

export const resendStates = ['failed', 'unknown', 'silent'] as const;

export interface ResendInput {
  /**
   * Which outcomes to resend: failed, unknown (no receipt by the deadline), silent (accepted, no receipt for
   * `silentAfterMinutes` yet: the operator's explicit choice, before the deadline; the person may then get both).
   */
  states: (typeof resendStates)[number][];
  /** For `silent`: minutes since acceptance without a receipt (default VIGIE_DELIVERY_SILENT_AFTER_SECONDS). */
  silentAfterMinutes?: number | undefined;
  /** Same channel by default; another one (SMS failed → letter or e-mail) is allowed. */
  channel?: DeliveryChannel;
  /** Only this carrier or segment (e.g. the carrier an alert named). */
  carrier?: string | null;
  segment?: string | null;
  reason: string;
  /** The number of people the operator was shown and confirmed: refused if the selection no longer has it. */
  expectedCount?: number | undefined;
}

/**
 * The people a resend would go to: the failed, unknown or silent messages of the campaign (optionally one
 * carrier or segment). Shared by the resend itself and by whoever shows the count before confirming it (the
 * console), so that the number confirmed is the number selected.
 */
export async function resendSelection(ctx: DeliveryContext, campaignId: string, input: Omit<ResendInput, 'reason'>): Promise<{ original: DeliveryCampaign; personIds: string[] }> {
  if (!input.states?.length) throw new ValidationError([{ path: 'body.states', message: 'name at least one of failed, unknown, silent' }]);
  const original = await getCampaign(ctx.db, campaignId);
  const silent = input.states.includes('silent');
  if (silent && !channelRules[original.channel].receipts) {
    throw new ValidationError([{ path: 'body.states', message: `silent: ${original.channel} gets no receipts, so no message of it is silent (resend failed ones: refused or bounced)` }]);
  }
  if (original.status === 'ready' || original.status === 'preparing') throw new ConflictError('The campaign was never started: start it instead of resending');
  const silentBefore = new Date(ctx.clock.now().getTime() - (input.silentAfterMinutes !== undefined ? input.silentAfterMinutes * 60_000 : ctx.settings.silentAfterMs));
  const finals = input.states.filter((state): state is 'failed' | 'unknown' => state !== 'silent');
  let query = ctx.db
    .selectFrom('delivery_message')
    .select('person_id')
    .where('campaign_id', '=', campaignId)
    .where((eb) => eb.or([
      ...(finals.length > 0 ? [eb('state', 'in', finals)] : []),
      ...(silent ? [eb.and([eb('state', '=', 'sent'), eb('receipt_at', 'is', null), eb('sent_at', '<=', silentBefore)])] : []),
    ]));
  if (input.carrier) query = query.where('carrier', '=', input.carrier);
  if (input.segment) query = query.where('segment', '=', input.segment);
  const personIds = (await query.orderBy('person_id').execute()).map((row) => row.person_id);
  return { original, personIds };
}

/**
 * A new campaign for the failed, unknown or silent subset of another, on the same or another channel. It is a
 * campaign of its own (unique per person again), so a person is never sent the resend twice, and the
 * original keeps its record of what happened. With `expectedCount` (the count a person confirmed), a
 * selection that has changed since is refused rather than sent to people nobody counted.
 */
export async function resendCampaign(ctx: DeliveryContext, actor: Actor, campaignId: string, input: ResendInput): Promise<CreatedCampaign> {
  const { original, personIds: ids } = await resendSelection(ctx, campaignId, input);
  if (ids.length === 0) throw new ConflictError('No message of this campaign matches: nothing to resend');
  if (input.expectedCount !== undefined && input.expectedCount !== ids.length) {
    throw new ValidationError([{ path: 'body.expectedCount', message: `the selection changed: ${ids.length} people now, not ${input.expectedCount}` }]);
  }
  const people = [];
  for (let i = 0; i < ids.length; i += 5_000) people.push(...(await ctx.ports.getPeople(original.breach_id, ids.slice(i, i + 5_000))));
  return createCampaign(ctx, actor, {
    draftId: original.draft_id,
    channel: input.channel ?? original.channel,
    segment: input.segment ?? original.segment,
    reason: input.reason,
    people,
    resendOf: campaignId,
  });
}
