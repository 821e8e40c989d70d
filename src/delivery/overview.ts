import { systemClock } from '../clock.js';
import { getCampaign } from './campaigns.js';
import { defaultDeliverySettings } from './context.js';
import { progressOf, type CampaignProgress, type ReadingContext } from './control.js';
import { countMessages, failureReasons } from './message-counts.js';
import { campaignAlerts, reconciliationOf, type Reconciliation } from './reconciliation.js';

/**
 * A campaign's progress and its reconciliation together (the campaign's console page): what campaignProgress and
 * reconcile answer (GET /delivery/campaigns/{id} and its /reconciliation), built by the same functions from one
 * read of the campaign and one of its messages, rather than two of each.
 */
export async function campaignOverview(ctx: ReadingContext, id: string): Promise<{ progress: CampaignProgress; report: Reconciliation }> {
  const silentAfterMs = (ctx.settings ?? defaultDeliverySettings).silentAfterMs;
  const silentBefore = new Date((ctx.clock ?? systemClock).now().getTime() - silentAfterMs);
  const [campaign, groups, reasons, alerts] = await Promise.all([
    getCampaign(ctx.db, id),
    countMessages(ctx.db, id, silentBefore),
    failureReasons(ctx.db, id),
    campaignAlerts(ctx, id),
  ]);
  return { progress: progressOf(campaign, groups, silentAfterMs), report: reconciliationOf(campaign, groups, reasons, alerts, silentAfterMs) };
}
