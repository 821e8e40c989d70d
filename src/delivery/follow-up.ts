import { sql } from 'kysely';
import { channelRules } from './channels.js';
import type { DeliveryContext } from './context.js';
import type { DeliveryChannel, FollowUp } from './ports.js';

/** A message whose outcome tells something about its person (from a receipt, a hand-off, a bounce, a posting). */
export interface MessageOutcome {
  campaign_id: string;
  person_id: string;
  outcome: 'informed' | 'not-informed';
  /** The channel's reason words, with the detail (a failure reason) appended. */
  evidence: string;
}

/** The words the register keeps: the channel's evidence, and the provider's reason for a failure. */
export function evidenceOf(channel: DeliveryChannel, outcome: 'informed' | 'not-informed', detail?: string | null): string {
  const rules = channelRules[channel];
  const words = outcome === 'informed' ? rules.informedEvidence : rules.notInformedEvidence;
  return detail ? `${words}: ${detail}` : words;
}

/**
 * Hands what messages established about their people to the register (FollowUpPort), grouped by breach.
 * A person who failed on one message but was informed by another message of the same breach (an SMS
 * delivered, then the e-mail bounced) is not reported: they were informed. The register is another feature:
 * if it fails, the messages keep their state and the failure is logged, never thrown back at the sender.
 */
export async function reportOutcomes(ctx: DeliveryContext, outcomes: MessageOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  const now = ctx.clock.now();
  const campaignIds = [...new Set(outcomes.map((o) => o.campaign_id))];
  const campaigns = await ctx.db.selectFrom('delivery_campaign').select(['id', 'breach_id']).where('id', 'in', campaignIds).execute();
  const breachOf = new Map(campaigns.map((c) => [c.id, c.breach_id]));
  const byBreach = new Map<string, MessageOutcome[]>();
  for (const outcome of outcomes) {
    const breach = breachOf.get(outcome.campaign_id);
    if (breach === undefined) continue;
    byBreach.set(breach, [...(byBreach.get(breach) ?? []), outcome]);
  }
  for (const [breachId, list] of byBreach) {
    const failed = [...new Set(list.filter((o) => o.outcome === 'not-informed').map((o) => o.person_id))];
    const informedElsewhere = failed.length === 0 ? new Set<string>() : await stillInformed(ctx, breachId, failed);
    const updates: FollowUp[] = list
      .filter((o) => o.outcome === 'informed' || !informedElsewhere.has(o.person_id))
      .map((o) => ({ personId: o.person_id, outcome: o.outcome, evidence: o.evidence, at: now }));
    if (updates.length === 0) continue;
    try {
      await ctx.ports.recordFollowUps(breachId, updates);
    } catch (error) {
      ctx.logger.warn('delivery follow-up not recorded in the register', { breach: breachId, people: updates.length, error: (error as Error)?.name ?? 'Error' });
    }
  }
}

/** Of these people, those with a message of this breach that still stands as evidence of informing them. */
async function stillInformed(ctx: DeliveryContext, breachId: string, people: string[]): Promise<Set<string>> {
  const { rows } = await sql<{ person_id: string }>`
    select distinct m.person_id from delivery_message m join delivery_campaign c on c.id = m.campaign_id
    where c.breach_id = ${breachId} and m.person_id = any(${people}::text[]) and m.informed_at is not null and m.state <> 'failed'`.execute(ctx.db);
  return new Set(rows.map((row) => row.person_id));
}
