import type { App } from '../http/context.js';
import { registerGetCampaign } from './routes/get-campaign.js';
import { registerGetReconciliation } from './routes/get-reconciliation.js';
import { registerPostCampaign } from './routes/post-campaign.js';
import { registerPostCampaignAction } from './routes/post-campaign-action.js';
import { registerPostLetters } from './routes/post-letters.js';
import { registerPostReceipts } from './routes/post-receipts.js';
import { registerPostResend } from './routes/post-resend.js';

/** Sending and delivery tracking (issue 8). Order matters: fixed paths before `/{id}/{action}`. */
export function registerDelivery(app: App): void {
  registerPostCampaign(app);
  registerPostReceipts(app);
  registerGetCampaign(app);
  registerGetReconciliation(app);
  registerPostResend(app);
  registerPostLetters(app);
  registerPostCampaignAction(app);
}
