import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/** A window as the breach timeline sees it, folded from the event history. */
export interface MaintenanceWindowRecord {
  id: string;
  scope: string;
  readOnly: boolean;
  reason: string;
  /** What visitors read; null: the page's neutral text. */
  publicMessage: string | null;
  /** When it took effect (a planned window: its planned start). */
  startedAt: Date;
  /** When it stopped taking effect: ended by someone, or reached its planned end; null while in force. */
  endedAt: Date | null;
  plannedEnd: Date | null;
  startedBy: string;
  /** Who ended it; "vigie" when it ended by itself at its planned end; null while in force. */
  endedBy: string | null;
  endReason: string | null;
  /** Entered once it had happened: by whom and when (its dates are the real ones); null for a live window. */
  recordedAfterTheFact: { by: string; at: Date } | null;
}

/** The actor name Vigie records for what it does by itself (automatic maintenance, planned ends). */
export const systemActorName = 'vigie';

/**
 * Every window that was in force at some point of [from, to), oldest first. Windows ended before they
 * started (cancelled plans) never took effect and are left out. `now` decides whether a planned end has
 * been reached.
 */
export async function listMaintenanceWindows(
  db: Db,
  range: { from: Date; to: Date; now?: Date },
): Promise<MaintenanceWindowRecord[]> {
  const now = range.now ?? new Date();
  const rows = await db
    .selectFrom('maintenance_event as s')
    .leftJoin('maintenance_event as e', (join) => join.onRef('e.window_id', '=', 's.window_id').on('e.kind', '=', 'ended'))
    .select([
      's.window_id as id',
      's.scope',
      's.read_only',
      's.reason',
      's.public_message',
      's.recorded_after_the_fact',
      's.at as recorded_at',
      's.starts_at',
      's.planned_end',
      's.actor as started_by',
      'e.at as ended_at',
      'e.actor as ended_by',
      'e.reason as end_reason',
    ])
    .where('s.kind', '=', 'started')
    .where('s.starts_at', '<', range.to)
    // least() skips nulls in PostgreSQL: the effective end is the earlier of the manual and planned ends.
    .where(sql<boolean>`coalesce(least(e.at, s.planned_end), 'infinity'::timestamptz) > ${range.from}`)
    .where((eb) => eb.or([eb('e.at', 'is', null), eb('e.at', '>', eb.ref('s.starts_at'))]))
    .orderBy('s.starts_at')
    .orderBy('s.id')
    .execute();
  return rows.map((row) => {
    const manual = row.ended_at;
    const planned = row.planned_end;
    const endedByPlan = planned !== null && planned <= now && (manual === null || planned < manual);
    const endedAt = endedByPlan ? planned : manual;
    const after = row.recorded_after_the_fact ? { by: row.started_by, at: row.recorded_at } : null;
    return {
      id: row.id,
      scope: row.scope ?? 'site',
      readOnly: row.read_only ?? false,
      reason: row.reason,
      publicMessage: row.public_message,
      startedAt: row.starts_at as Date,
      endedAt,
      plannedEnd: planned,
      startedBy: row.started_by,
      // A window recorded after the fact ended when its recorder says, not by Vigie's hand.
      endedBy: after && endedByPlan ? after.by : endedByPlan ? systemActorName : manual ? row.ended_by : null,
      endReason: endedByPlan ? null : manual ? row.end_reason : null,
      recordedAfterTheFact: after,
    };
  });
}
