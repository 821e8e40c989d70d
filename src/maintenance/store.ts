import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { MaintenanceEventRow } from '../db/tables/maintenance-event.js';
import { parseScope, type ActiveWindow } from './window.js';

/** The NOTIFY channel every instance listens on; the payload is the window id (nothing personal). */
export const maintenanceChannel = 'vigie_maintenance';

type Executor = Pick<Db, 'selectFrom' | 'insertInto'>;

/** Windows not ended and not past their planned end at `now`: in force now or planned for later. */
export async function loadCurrentWindows(db: Db, now: Date): Promise<ActiveWindow[]> {
  const rows = await db
    .selectFrom('maintenance_event as s')
    .selectAll('s')
    // A volatile function: Hyperdrive (Workers) never answers this read from its query cache, which would
    // hold a switch back for up to its max_age (60 s by default).
    .select(sql<Date>`clock_timestamp()`.as('read_at'))
    .where('s.kind', '=', 'started')
    // A window recorded after the fact is history: it never applies to traffic, whatever its dates.
    .where('s.recorded_after_the_fact', '=', false)
    .where((eb) => eb.or([eb('s.planned_end', 'is', null), eb('s.planned_end', '>', now)]))
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('maintenance_event as e').select('e.id').whereRef('e.window_id', '=', 's.window_id').where('e.kind', '=', 'ended'))),
    )
    .orderBy('s.starts_at')
    .execute();
  return rows.map(toActiveWindow);
}

export function toActiveWindow(row: MaintenanceEventRow): ActiveWindow {
  return {
    id: row.window_id,
    // Stored scopes were validated on the way in; 'site' is the safe reading of anything else.
    scope: parseScope(row.scope ?? 'site') ?? { kind: 'site' },
    readOnly: row.read_only ?? false,
    reason: row.reason,
    publicMessage: row.public_message,
    startsAt: (row.starts_at ?? row.at).getTime(),
    plannedEnd: row.planned_end ? row.planned_end.getTime() : null,
    retryAfterSeconds: row.retry_after_seconds,
    bypassSecretSha256: row.bypass_secret_sha256,
  };
}

export async function findWindowEvents(db: Executor, windowId: string): Promise<MaintenanceEventRow[]> {
  return db.selectFrom('maintenance_event').selectAll().where('window_id', '=', windowId).orderBy('id').execute();
}

export async function notifyMaintenanceChange(db: Pick<Db, 'executeQuery'>, windowId: string): Promise<void> {
  // Inside the writer's transaction: PostgreSQL delivers it on commit, never for a rolled-back change.
  await sql`select pg_notify(${maintenanceChannel}, ${windowId})`.execute(db as Db);
}

export interface EventQuery {
  from?: Date;
  to?: Date;
  limit: number;
  /** Oldest first (default), or the latest `limit` events newest first (the console's history). */
  order?: 'oldest' | 'newest';
}

/** The history within [from, to), oldest first unless asked otherwise. */
export async function listMaintenanceEvents(db: Db, query: EventQuery): Promise<MaintenanceEventRow[]> {
  const direction = query.order === 'newest' ? 'desc' : 'asc';
  let q = db.selectFrom('maintenance_event').selectAll().orderBy('at', direction).orderBy('id', direction).limit(query.limit);
  if (query.from) q = q.where('at', '>=', query.from);
  if (query.to) q = q.where('at', '<', query.to);
  return q.execute();
}
