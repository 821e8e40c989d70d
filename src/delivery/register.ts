import type { App } from '../http/context.js';
import { registerGetCampaign } from './routes/get-campaign.js';
import { registerGetReconciliation } from './routes/get-reconciliation.js';
import { registerPostCampaign } from './routes/post-campaign.js';
import { registerPostCampaignAction } from './routes/post-campaign-action.js';
import { registerPostLetters } from './routes/post-letters.js';
import { registerPostLettersPosted } from './routes/post-letters-posted.js';
import { registerPostProviderReports } from './routes/post-provider-reports.js';
import { registerPostResend } from './routes/post-resend.js';

/** Sending and delivery tracking. Order matters: fixed paths before `/{id}/{action}`. */
export function registerDelivery(app: App): void {
  registerPostCampaign(app);
  registerPostProviderReports(app);
  registerGetCampaign(app);
  registerGetReconciliation(app);
  registerPostResend(app);
  registerPostLetters(app);
  registerPostLettersPosted(app);
  registerPostCampaignAction(app);
}
