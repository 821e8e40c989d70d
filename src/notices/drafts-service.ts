import { ConflictError, NotFoundError, ValidationError } from '../http/errors.js';
import type { Db } from '../db/database.js';
import { audienceOf, isPersonal, type DraftKind } from './documents.js';
import { isApproved, toDocument, type DraftDocument } from './draft-record.js';
import { draftInputSchema, type DraftInput } from './draft-input.js';
import { findDraft, insertVersion, listVersions, lockDraft } from './drafts-store.js';
import type { Language } from './labels.js';
import { requireDb, requireRole, templatesOf, type Actor, type NoticeDeps } from './notice-deps.js';
import { renderDraft } from './render-draft.js';
import { unknownPlaceholders } from './render-personal.js';

/** CNIL drafts are the DPO's; messages to people, the public and partners are also written by comms. */
const writers = (kind: DraftKind) => (audienceOf[kind] === 'authority' ? (['dpo'] as const) : (['dpo', 'comms'] as const));

export interface CreateDraftRequest {
  breachId: string;
  kind: DraftKind;
  channel: string;
  lang: Language;
  input: DraftInput;
  reason: string;
}

async function recordAction(db: Pick<Db, 'insertInto'>, actor: Actor, at: Date, action: string, target: string, reason: string) {
  await db
    .insertInto('staff_action')
    .values({ at, actor: actor.subject, roles: [...actor.roles], action, target, reason, request_id: actor.requestId ?? null })
    .execute();
}

export async function getDraft(deps: Pick<NoticeDeps, 'db'>, id: string): Promise<DraftDocument> {
  const db = requireDb(deps);
  const row = await findDraft(db, id);
  if (!row) throw new NotFoundError(`No draft ${id}`);
  return toDocument(row, await listVersions(db, row.id));
}

/** Renders the document from the data (refused, naming the missing fields, if incomplete) and saves it as version 1. */
export async function createDraft(deps: NoticeDeps, request: CreateDraftRequest, actor: Actor): Promise<DraftDocument> {
  requireRole(actor, writers(request.kind), `A ${request.kind} draft`);
  const db = requireDb(deps);
  const at = deps.clock.now();
  const rendered = renderDraft(templatesOf(deps), { ...request, timeZone: deps.config.timeZone, at, smsMaxSegments: deps.config.notices.smsMaxSegments });
  const id = await db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('notice_draft')
      .values({
        breach_id: request.breachId,
        kind: request.kind,
        channel: request.channel,
        lang: request.lang,
        current_version: 1,
        created_at: at,
        created_by: actor.subject,
        approved_version: null,
        approved_at: null,
        approved_by: null,
        approval_reason: null,
        filed_at: null,
        cnil_reference: null,
        filed_recorded_by: null,
        filed_recorded_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await insertVersion(trx, { draft_id: id, version: 1, origin: 'rendered', parts: rendered.parts, source: request.input, at, author: actor.subject, reason: request.reason });
    await recordAction(trx, actor, at, 'notice.draft.create', `draft:${id}`, request.reason);
    return String(id);
  });
  return getDraft(deps, id);
}

/** A new version of an existing draft, numbered after the current one, inside one transaction. */
async function addVersion(
  deps: NoticeDeps,
  id: string,
  actor: Actor,
  action: string,
  reason: string,
  make: (current: { parts: Record<string, string>; source: unknown; origin: 'rendered' | 'edited' }, row: { kind: DraftKind; channel: string; lang: Language }) => { parts: Record<string, string>; source: unknown; origin: 'rendered' | 'edited' },
  expectedVersion?: number,
): Promise<DraftDocument> {
  const db = requireDb(deps);
  const at = deps.clock.now();
  await db.transaction().execute(async (trx) => {
    const row = await lockDraft(trx, id);
    if (!row) throw new NotFoundError(`No draft ${id}`);
    requireRole(actor, writers(row.kind as DraftKind), `Changing a ${row.kind} draft`);
    if (row.filed_at) throw new ConflictError('This draft was filed with the CNIL; write a complementary notification instead');
    if (expectedVersion !== undefined && expectedVersion !== row.current_version) {
      throw new ConflictError(`The draft is at version ${row.current_version}, not ${expectedVersion}: reload it before changing it`);
    }
    const versions = await listVersions(trx, row.id);
    const current = versions.find((version) => version.version === row.current_version)!;
    const next = make(current, { kind: row.kind as DraftKind, channel: row.channel, lang: row.lang as Language });
    const version = row.current_version + 1;
    await insertVersion(trx, { draft_id: row.id, version, ...next, at, author: actor.subject, reason });
    await trx.updateTable('notice_draft').set({ current_version: version }).where('id', '=', row.id).execute();
    await recordAction(trx, actor, at, action, `draft:${id}`, reason);
  });
  return getDraft(deps, id);
}

/** A hand edit: a new version; the data it came from is kept with it. */
export function editDraft(deps: NoticeDeps, id: string, edit: { parts: Record<string, string>; reason: string; expectedVersion?: number | undefined }, actor: Actor) {
  return addVersion(deps, id, actor, 'notice.draft.edit', edit.reason, (current, row) => {
    const expected = Object.keys(current.parts).sort().join(',');
    if (Object.keys(edit.parts).sort().join(',') !== expected) {
      throw new ValidationError([{ path: 'body.parts', message: `must hold exactly the parts ${expected}` }]);
    }
    const empty = Object.entries(edit.parts).filter(([, text]) => text.trim() === '');
    if (empty.length > 0) throw new ValidationError(empty.map(([part]) => ({ path: `body.parts.${part}`, message: 'must not be empty' })));
    if (isPersonal(row.kind)) {
      const unknown = unknownPlaceholders(edit.parts).map((error) => ({ ...error, path: `body.${error.path}` }));
      if (unknown.length > 0) throw new ValidationError(unknown);
    }
    return { parts: edit.parts, source: current.source, origin: 'edited' };
  }, edit.expectedVersion);
}

/** Renders again from (new) data. A hand-edited current version is kept unless the caller discards it knowingly. */
export function rerenderDraft(deps: NoticeDeps, id: string, request: { input?: DraftInput | undefined; reason: string; discardEdits?: boolean | undefined }, actor: Actor) {
  return addVersion(deps, id, actor, 'notice.draft.rerender', request.reason, (current, row) => {
    if (current.origin === 'edited' && !request.discardEdits) {
      throw new ConflictError('The current version was edited by hand; pass discardEdits: true to render over it (the edit stays in the history)');
    }
    const input = request.input ?? draftInputSchema.parse(current.source);
    const rendered = renderDraft(templatesOf(deps), { ...row, input, timeZone: deps.config.timeZone, at: deps.clock.now(), smsMaxSegments: deps.config.notices.smsMaxSegments });
    return { parts: rendered.parts, source: input, origin: 'rendered' };
  });
}

/** The DPO approves one version (the current one). Only an approved draft for people can be sent. */
export async function approveDraft(deps: NoticeDeps, id: string, request: { version: number; reason: string }, actor: Actor): Promise<DraftDocument> {
  requireRole(actor, ['dpo'], 'Approving a draft');
  const db = requireDb(deps);
  const at = deps.clock.now();
  await db.transaction().execute(async (trx) => {
    const row = await lockDraft(trx, id);
    if (!row) throw new NotFoundError(`No draft ${id}`);
    if (request.version !== row.current_version) {
      throw new ConflictError(`Version ${request.version} is not the current version (${row.current_version}) of the draft`);
    }
    await trx
      .updateTable('notice_draft')
      .set({ approved_version: request.version, approved_at: at, approved_by: actor.subject, approval_reason: request.reason })
      .where('id', '=', row.id)
      .execute();
    await recordAction(trx, actor, at, 'notice.draft.approve', `draft:${id}`, request.reason);
  });
  return getDraft(deps, id);
}

export { isApproved };
