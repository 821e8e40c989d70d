import { ConflictError, NotFoundError } from '../http/errors.js';
import { isPersonal, type DraftKind } from './documents.js';
import { isApproved } from './draft-record.js';
import { draftInputSchema } from './draft-input.js';
import { findDraft, findVersion } from './drafts-store.js';
import type { Language } from './labels.js';
import { requireDb, type NoticeDeps } from './notice-deps.js';
import { compilePersonalMessage, type PersonRecord } from './render-personal.js';

export class NotApprovedError extends ConflictError {}

export type PersonalRenderer = (person: PersonRecord) => Record<string, string>;

/**
 * For delivery (issue 8): the renderer of one personalised message per person, from the version of the draft
 * the DPO approved. Refuses (409) a draft that is not approved, or whose current version was changed after
 * approval, or that is not a message to people. Compile once per campaign; call per person.
 */
export async function approvedMessageRenderer(deps: Pick<NoticeDeps, 'db' | 'config'>, draftId: string): Promise<PersonalRenderer> {
  const db = requireDb(deps);
  const row = await findDraft(db, draftId);
  if (!row) throw new NotFoundError(`No draft ${draftId}`);
  if (!isPersonal(row.kind as DraftKind)) throw new ConflictError(`A ${row.kind} draft is not a message to people`);
  if (!isApproved(row)) throw new NotApprovedError('The draft is not approved by the DPO (or was changed after approval): it cannot be sent');
  const version = await findVersion(db, row.id, row.approved_version!);
  if (!version) throw new NotFoundError(`No version ${row.approved_version} of draft ${draftId}`);
  const source = draftInputSchema.safeParse(version.source);
  const breach = source.success ? source.data.breach : undefined;
  return compilePersonalMessage({ lang: row.lang as Language, parts: version.parts }, deps.config.timeZone, {
    exposed: breach?.dataCategories,
    firstExposedAt: breach?.startedAt,
    lastExposedAt: breach?.endedAt,
  });
}

/** The parts of a message as delivery's RenderedMessage: subject, text (e-mail text, SMS or letter), html. */
export function toRenderedMessage(parts: Record<string, string>): { subject: string | null; text: string; html: string | null } {
  return {
    subject: parts['email-subject'] ?? null,
    text: parts['email-text'] ?? parts.sms ?? parts.letter ?? '',
    html: parts['email-html'] ?? null,
  };
}
