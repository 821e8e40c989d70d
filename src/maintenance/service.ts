import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { MaintenanceEventRow, MaintenanceEventTable } from '../db/tables/maintenance-event.js';
import { ConflictError, NotFoundError, UnavailableError, ValidationError, type FieldError } from '../http/errors.js';
import { systemActorName } from './list-windows.js';
import { findWindowEvents, loadCurrentWindows, notifyMaintenanceChange } from './store.js';
import { parseScope, scopeText } from './window.js';

/** Who acts: a person (from their verified token) or Vigie itself (`systemActor`), always with a reason. */
export interface MaintenanceActor {
  subject: string;
  roles: readonly string[];
  requestId?: string;
}

export const systemActor: MaintenanceActor = { subject: systemActorName, roles: [] };

export interface MaintenanceServiceDeps {
  db: Db | undefined;
  clock: Clock;
  config: { adminPrefix: string };
}

export interface StartMaintenanceInput {
  /** Why: kept in the history for the register, never shown to visitors. */
  reason: string;
  /** What visitors read on the page and in the 503 problem (default: the page's neutral text). */
  publicMessage?: string;
  /** "site" (default), "/prefix" or "/prefix/*". */
  scope?: string;
  readOnly?: boolean;
  /** Default: now. A time in the past means now: a window cannot start retroactively. */
  startsAt?: Date;
  /** Default: open-ended. */
  plannedEnd?: Date;
  retryAfterSeconds?: number;
  /** Create a secret bypass link (default true). */
  bypassLink?: boolean;
}

export interface StartedMaintenance {
  event: MaintenanceEventRow;
  /** The secret of the bypass link, returned once and stored only as a hash. */
  bypassSecret: string | undefined;
}

export const requireDb = (db: Db | undefined): Db => {
  if (!db) throw new UnavailableError('No database is configured', 5);
  return db;
};

/** The reason and scope every window needs, checked alike for live windows and past ones. */
export function validateReasonAndScope(input: { reason: string; scope?: string | undefined }, adminPrefix: string, errors: FieldError[]) {
  const reason = input.reason?.trim() ?? '';
  if (!reason) errors.push({ path: 'body.reason', message: 'is required' });
  if (reason.length > 1000) errors.push({ path: 'body.reason', message: 'must be at most 1000 characters' });
  const scope = parseScope(input.scope ?? 'site');
  if (!scope) errors.push({ path: 'body.scope', message: 'must be "site" or a path prefix such as /declarations or /declarations/*' });
  else if (scope.kind === 'prefix' && (scope.path === adminPrefix || scope.path.startsWith(`${adminPrefix}/`))) {
    errors.push({ path: 'body.scope', message: `must not be under ${adminPrefix} (Vigie's own routes are never blocked)` });
  }
  return { reason, scope };
}

function validateStart(input: StartMaintenanceInput, now: Date, adminPrefix: string) {
  const errors: FieldError[] = [];
  const { reason, scope } = validateReasonAndScope(input, adminPrefix, errors);
  const publicMessage = input.publicMessage === undefined ? null : input.publicMessage.trim();
  if (publicMessage !== null && (publicMessage.length === 0 || publicMessage.length > 500)) {
    errors.push({ path: 'body.publicMessage', message: 'must be 1 to 500 characters (leave it out for the neutral text)' });
  }
  const startsAt = input.startsAt && input.startsAt > now ? input.startsAt : now;
  if (input.plannedEnd && input.plannedEnd <= startsAt) {
    const message = input.plannedEnd <= now ? 'must be in the future (a window that already happened is recorded with POST /maintenance/history)' : 'must be after startsAt';
    errors.push({ path: 'body.plannedEnd', message });
  }
  const retry = input.retryAfterSeconds;
  if (retry !== undefined && (!Number.isInteger(retry) || retry < 1 || retry > 86_400)) {
    errors.push({ path: 'body.retryAfterSeconds', message: 'must be a whole number of seconds between 1 and 86400' });
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return { reason, publicMessage, scope: scope!, startsAt };
}

/** Opens a maintenance window (now or planned), records who/when/why, and tells every instance. */
export async function startMaintenance(
  deps: MaintenanceServiceDeps,
  input: StartMaintenanceInput,
  actor: MaintenanceActor,
): Promise<StartedMaintenance> {
  const now = deps.clock.now();
  const { reason, publicMessage, scope, startsAt } = validateStart(input, now, deps.config.adminPrefix);
  const db = requireDb(deps.db);
  const bypassSecret = input.bypassLink === false ? undefined : randomSecret();
  const windowId = crypto.randomUUID();
  const bypassSha256 = bypassSecret ? await sha256Hex(bypassSecret) : null;
  const event = await db.transaction().execute(async (trx) => {
    const row = await insertStarted(trx, windowId, actor, now, {
      reason,
      scope: scopeText(scope),
      read_only: input.readOnly ?? false,
      starts_at: startsAt,
      planned_end: input.plannedEnd ?? null,
      retry_after_seconds: input.retryAfterSeconds ?? null,
      bypass_secret_sha256: bypassSha256,
      public_message: publicMessage,
    });
    await recordStaffAction(trx, actor, 'maintenance.start', windowId, reason, now);
    await notifyMaintenanceChange(trx, windowId);
    return row;
  });
  return { event, bypassSecret };
}

type StartedFields = Pick<
  MaintenanceEventTable,
  'reason' | 'scope' | 'read_only' | 'starts_at' | 'planned_end' | 'retry_after_seconds' | 'bypass_secret_sha256' | 'public_message'
> & { recorded_after_the_fact?: boolean };

/** The 'started' event of a window, live or recorded after the fact: who and when are the action's. */
export async function insertStarted(trx: Trx, windowId: string, actor: MaintenanceActor, now: Date, fields: StartedFields): Promise<MaintenanceEventRow> {
  return trx
    .insertInto('maintenance_event')
    .values({ window_id: windowId, kind: 'started', at: now, actor: actor.subject, actor_roles: [...actor.roles], request_id: actor.requestId ?? null, ...fields })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface EndMaintenanceInput {
  windowId: string;
  reason: string;
}

/** Ends one window (in force or planned). 404 if unknown, 409 if it has already ended. */
export async function endMaintenance(
  deps: MaintenanceServiceDeps,
  input: EndMaintenanceInput,
  actor: MaintenanceActor,
): Promise<MaintenanceEventRow> {
  const reason = requireReason(input.reason);
  const db = requireDb(deps.db);
  const now = deps.clock.now();
  try {
    return await db.transaction().execute(async (trx) => {
      const events = await findWindowEvents(trx, input.windowId);
      const started = events.find((event) => event.kind === 'started');
      if (!started) throw new NotFoundError('No maintenance window with this id');
      if (events.some((event) => event.kind === 'ended')) throw new ConflictError('This maintenance window has already been ended');
      if (started.planned_end && started.planned_end <= now) {
        throw new ConflictError('This maintenance window already ended at its planned end');
      }
      return endWindow(trx, started.window_id, reason, actor, now);
    });
  } catch (error) {
    // Two people ending the same window at once: the unique (window_id, kind) index lets one through.
    if ((error as { code?: string }).code === '23505') throw new ConflictError('This maintenance window has already been ended');
    throw error;
  }
}

/** Ends every window in force or planned (optionally only those of one scope): `vigie maintenance off`. */
export async function endAllMaintenance(
  deps: MaintenanceServiceDeps,
  input: { reason: string; scope?: string },
  actor: MaintenanceActor,
): Promise<MaintenanceEventRow[]> {
  const reason = requireReason(input.reason);
  const scope = input.scope === undefined ? undefined : parseScope(input.scope);
  if (input.scope !== undefined && !scope) {
    throw new ValidationError([{ path: 'body.scope', message: 'must be "site" or a path prefix such as /declarations' }]);
  }
  const db = requireDb(deps.db);
  const now = deps.clock.now();
  const windows = (await loadCurrentWindows(db, now)).filter((w) => !scope || scopeText(w.scope) === scopeText(scope));
  const ended: MaintenanceEventRow[] = [];
  for (const window of windows) {
    try {
      ended.push(await db.transaction().execute((trx) => endWindow(trx, window.id, reason, actor, now)));
    } catch (error) {
      // Someone else ended it meanwhile: that is what was asked.
      if ((error as { code?: string }).code !== '23505') throw error;
    }
  }
  return ended;
}

export type Trx = Parameters<Parameters<ReturnType<Db['transaction']>['execute']>[0]>[0];

async function endWindow(trx: Trx, windowId: string, reason: string, actor: MaintenanceActor, now: Date) {
  const row = await trx
    .insertInto('maintenance_event')
    .values({
      window_id: windowId,
      kind: 'ended',
      at: now,
      actor: actor.subject,
      actor_roles: [...actor.roles],
      reason,
      request_id: actor.requestId ?? null,
      scope: null,
      read_only: null,
      starts_at: null,
      planned_end: null,
      retry_after_seconds: null,
      bypass_secret_sha256: null,
      public_message: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordStaffAction(trx, actor, 'maintenance.end', windowId, reason, now);
  await notifyMaintenanceChange(trx, windowId);
  return row;
}

function requireReason(reason: string | undefined): string {
  const text = reason?.trim() ?? '';
  if (!text) throw new ValidationError([{ path: 'body.reason', message: 'is required' }]);
  if (text.length > 1000) throw new ValidationError([{ path: 'body.reason', message: 'must be at most 1000 characters' }]);
  return text;
}

export async function recordStaffAction(trx: Trx, actor: MaintenanceActor, action: string, target: string, reason: string, at: Date) {
  await trx
    .insertInto('staff_action')
    .values({ at, actor: actor.subject, roles: [...actor.roles], action, target, reason, request_id: actor.requestId ?? null })
    .execute();
}

function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
