import { defaultDeliverySettings } from './context.js';
import { progressOf, type CampaignProgress, type ReadingContext } from './control.js';
import { readCampaignFacts, reconciliationOf, type Reconciliation } from './reconciliation.js';

/**
 * A campaign's progress and its reconciliation together (the campaign's console page): what campaignProgress and
 * reconcile answer (GET /delivery/campaigns/{id} and its /reconciliation), built by the same functions from one
 * read of the campaign and one of its messages, rather than two of each.
 */
export async function campaignOverview(ctx: ReadingContext, id: string): Promise<{ progress: CampaignProgress; report: Reconciliation }> {
  const silentAfterMs = (ctx.settings ?? defaultDeliverySettings).silentAfterMs;
  const { campaign, groups, reasons, alerts } = await readCampaignFacts(ctx, id, silentAfterMs);
  return { progress: progressOf(campaign, groups, silentAfterMs), report: reconciliationOf(campaign, groups, reasons, alerts, silentAfterMs) };
}
