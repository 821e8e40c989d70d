import { ConflictError, NotFoundError } from '../http/errors.js';
import type { DraftDocument } from './draft-record.js';
import type { NoticeDraftRow } from '../db/tables/notice-draft.js';
import { findDraft, lockDraft } from './drafts-store.js';
import { getDraft } from './drafts-service.js';
import { requireDb, requireRole, type Actor, type NoticeDeps } from './notice-deps.js';

export interface FilingRequest {
  filedAt: string;
  reference: string;
  reason: string;
}

/** Tells the breach register that a notification was filed (closes the GDPR clock); wired in from-breach.ts. */
export type FilingListener = (filing: { breachId: string; filedAt: Date; reference: string; kind: 'initial' | 'complementary' }, actor: Actor) => Promise<void>;

/**
 * Records that the DPO filed this CNIL draft in the teleservice: when, and the CNIL's reference. Once filed
 * the draft is closed to edits (a change is a complementary notification). A filing in the future is refused.
 */
export async function recordFiling(deps: NoticeDeps, id: string, request: FilingRequest, actor: Actor, onFiled?: FilingListener): Promise<DraftDocument> {
  requireRole(actor, ['dpo'], 'Recording a CNIL filing');
  const db = requireDb(deps);
  const now = deps.clock.now();
  const filedAt = new Date(request.filedAt);
  if (filedAt.getTime() > now.getTime() + 60_000) throw new ConflictError('filedAt is in the future');
  const check = (row: NoticeDraftRow | undefined): NoticeDraftRow => {
    if (!row) throw new NotFoundError(`No draft ${id}`);
    if (row.kind !== 'cnil-initial' && row.kind !== 'cnil-complementary') throw new ConflictError('Only a CNIL notification draft is filed');
    if (row.filed_at) throw new ConflictError('This draft is already recorded as filed');
    return row;
  };
  const row = check(await findDraft(db, id));
  // The register first: it may refuse (e.g. late without reasons for the delay), and then nothing is recorded here.
  if (onFiled) {
    await onFiled({ breachId: row.breach_id, filedAt, reference: request.reference, kind: row.kind === 'cnil-initial' ? 'initial' : 'complementary' }, actor);
  }
  await db.transaction().execute(async (trx) => {
    const locked = check(await lockDraft(trx, id));
    await trx
      .updateTable('notice_draft')
      .set({ filed_at: filedAt, cnil_reference: request.reference, filed_recorded_by: actor.subject, filed_recorded_at: now })
      .where('id', '=', locked.id)
      .execute();
    await trx
      .insertInto('staff_action')
      .values({ at: now, actor: actor.subject, roles: [...actor.roles], action: 'notice.draft.file', target: `draft:${id}`, reason: request.reason, request_id: actor.requestId ?? null })
      .execute();
  });
  return getDraft(deps, id);
}
