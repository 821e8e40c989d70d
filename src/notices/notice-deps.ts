import type { Role } from '../auth/staff-principal.js';
import type { Db } from '../db/database.js';
import type { AppDeps } from '../deps.js';
import { ForbiddenError, UnavailableError } from '../http/errors.js';
import { createTemplateSet, defaultTemplateSet, type TemplateSet } from './template-set.js';

/** What the drafts need; the app's deps fit, and so does what the CLI builds. */
export type NoticeDeps = Pick<AppDeps, 'db' | 'clock' | 'config' | 'noticeTemplates'>;

/** The person acting: every action records who, when and why. */
export interface Actor {
  subject: string;
  roles: readonly Role[];
  requestId?: string | undefined;
}

const templateSets = new WeakMap<object, TemplateSet>();

/** The organisation's templates over the bundled ones, built once per set of overrides. */
export function templatesOf(deps: Pick<NoticeDeps, 'noticeTemplates'>): TemplateSet {
  const overrides = deps.noticeTemplates;
  if (!overrides) return defaultTemplateSet;
  let set = templateSets.get(overrides);
  if (!set) {
    set = createTemplateSet(overrides);
    templateSets.set(overrides, set);
  }
  return set;
}

export function requireDb(deps: Pick<NoticeDeps, 'db'>): Db {
  if (!deps.db) throw new UnavailableError('No database is bound on this runtime');
  return deps.db;
}

export function requireRole(actor: Actor, roles: readonly Role[], what: string): void {
  if (!actor.roles.some((role) => roles.includes(role))) {
    throw new ForbiddenError(`${what} needs one of the roles: ${roles.join(', ')}`);
  }
}
