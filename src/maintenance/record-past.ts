import type { MaintenanceEventRow } from '../db/tables/maintenance-event.js';
import { ValidationError, type FieldError } from '../http/errors.js';
import { insertStarted, recordStaffAction, requireDb, validateReasonAndScope, type MaintenanceActor, type MaintenanceServiceDeps } from './service.js';
import { scopeText } from './window.js';

export interface PastMaintenanceInput {
  reason: string;
  scope?: string | undefined;
  readOnly?: boolean | undefined;
  /** When it took effect and when it stopped: both already past. */
  startedAt: Date;
  endedAt: Date;
}

/**
 * Records a window that already happened (the 11:45–15:15 of 31 March 2020, entered days later) so that the
 * register's timeline carries it. It is history only: marked as recorded after the fact by the actor, at the
 * recording time, it is never loaded as a window in force, sends no NOTIFY and has no bypass link.
 */
export async function recordPastMaintenance(deps: MaintenanceServiceDeps, input: PastMaintenanceInput, actor: MaintenanceActor): Promise<MaintenanceEventRow> {
  const now = deps.clock.now();
  const errors: FieldError[] = [];
  const { reason, scope } = validateReasonAndScope(input, deps.config.adminPrefix, errors);
  if (!(input.endedAt > input.startedAt)) errors.push({ path: 'body.endedAt', message: 'must be after startedAt' });
  else if (input.endedAt > now) {
    errors.push({ path: 'body.endedAt', message: 'must be in the past: a window still in force or to come is opened with POST /maintenance/windows' });
  }
  if (errors.length > 0) throw new ValidationError(errors);
  const db = requireDb(deps.db);
  const windowId = crypto.randomUUID();
  return db.transaction().execute(async (trx) => {
    const row = await insertStarted(trx, windowId, actor, now, {
      reason,
      scope: scopeText(scope!),
      read_only: input.readOnly ?? false,
      starts_at: input.startedAt,
      planned_end: input.endedAt,
      retry_after_seconds: null,
      bypass_secret_sha256: null,
      public_message: null,
      recorded_after_the_fact: true,
    });
    await recordStaffAction(trx, actor, 'maintenance.record-past', windowId, reason, now);
    return row;
  });
}
