import type { App } from '../http/context.js';
import { registerGetBreachDrafts } from './routes/get-breach-drafts.js';
import { registerGetDraft } from './routes/get-draft.js';
import { registerPostDraftApproval } from './routes/post-draft-approval.js';
import { registerPostDraftFiling } from './routes/post-draft-filing.js';
import { registerPostDraftPreview } from './routes/post-draft-preview.js';
import { registerPostDraftRender } from './routes/post-draft-render.js';
import { registerPostDraft } from './routes/post-draft.js';
import { registerPostPreview } from './routes/post-preview.js';
import { registerPutDraft } from './routes/put-draft.js';

/** Drafts from templates (issue 7). The stateless preview is registered before `/drafts/{draftId}`. */
export function registerNotices(app: App): void {
  registerPostPreview(app);
  registerPostDraft(app);
  registerGetBreachDrafts(app);
  registerGetDraft(app);
  registerPutDraft(app);
  registerPostDraftRender(app);
  registerPostDraftApproval(app);
  registerPostDraftFiling(app);
  registerPostDraftPreview(app);
}
