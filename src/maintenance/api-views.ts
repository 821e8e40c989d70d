import { z } from '@hono/zod-openapi';
import type { Role } from '../auth/staff-principal.js';
import type { MaintenanceEventRow } from '../db/tables/maintenance-event.js';
import { isoInZone } from '../time/zoned.js';
import type { MaintenanceWindowRecord } from './list-windows.js';
import type { ActiveWindow } from './window.js';
import { scopeText } from './window.js';

/** Who may change maintenance, and who may read it (issue 3). */
export const writeRoles: Role[] = ['sre', 'admin'];
export const readRoles: Role[] = ['sre', 'admin', 'dpo', 'comms', 'auditor'];

/** Times in the API: RFC 3339 in the configured zone, with its offset (stored in UTC). */
export const zonedTime = z.string().openapi({ example: '2020-03-31T11:45:00+02:00' });
export const dateTimeInput = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 date-time with a time zone offset' });

export const windowSchema = z
  .object({
    id: z.string().uuid(),
    scope: z.string().openapi({ example: '/declarations' }),
    readOnly: z.boolean(),
    reason: z.string().openapi({ description: 'Why (the register keeps it); never shown to visitors' }),
    publicMessage: z.string().nullable().openapi({ description: 'What visitors read; null: the neutral text of templates/maintenance' }),
    status: z.enum(['scheduled', 'in-force', 'ended']),
    startedAt: zonedTime,
    plannedEnd: zonedTime.nullable(),
    endedAt: zonedTime.nullable(),
    startedBy: z.string(),
    endedBy: z.string().nullable(),
    endReason: z.string().nullable(),
    recordedAfterTheFact: z
      .object({ by: z.string(), at: zonedTime })
      .nullable()
      .openapi({ description: 'A window entered once it had happened (history only, never in force): who entered it, and when' }),
  })
  .openapi('MaintenanceWindow');
export type WindowView = z.infer<typeof windowSchema>;

export const eventSchema = z
  .object({
    id: z.string(),
    windowId: z.string().uuid(),
    kind: z.enum(['started', 'ended']),
    at: zonedTime,
    actor: z.string(),
    actorRoles: z.array(z.string()),
    reason: z.string(),
    publicMessage: z.string().nullable(),
    recordedAfterTheFact: z.boolean().openapi({ description: 'A past window entered after the fact: `at` and `actor` say when and by whom' }),
    scope: z.string().nullable(),
    readOnly: z.boolean().nullable(),
    startsAt: zonedTime.nullable(),
    plannedEnd: zonedTime.nullable(),
    retryAfterSeconds: z.number().int().nullable(),
  })
  .openapi('MaintenanceEvent');

const zoned = (date: Date | number | null, timeZone: string) =>
  date === null ? null : isoInZone(date, timeZone);

export function viewRecord(record: MaintenanceWindowRecord, now: Date, timeZone: string): WindowView {
  const status = record.endedAt ? 'ended' : record.startedAt > now ? 'scheduled' : 'in-force';
  return {
    id: record.id,
    scope: record.scope,
    readOnly: record.readOnly,
    reason: record.reason,
    publicMessage: record.publicMessage,
    status,
    startedAt: zoned(record.startedAt, timeZone)!,
    plannedEnd: zoned(record.plannedEnd, timeZone),
    endedAt: zoned(record.endedAt, timeZone),
    startedBy: record.startedBy,
    endedBy: record.endedBy,
    endReason: record.endReason,
    recordedAfterTheFact: record.recordedAfterTheFact ? { by: record.recordedAfterTheFact.by, at: zoned(record.recordedAfterTheFact.at, timeZone)! } : null,
  };
}

/** A window from a 'started' event, with its 'ended' event if any. */
export function viewEvents(started: MaintenanceEventRow, ended: MaintenanceEventRow | undefined, now: Date, timeZone: string): WindowView {
  const startsAt = started.starts_at ?? started.at;
  const plannedReached = started.planned_end !== null && started.planned_end <= now && (!ended || started.planned_end < ended.at);
  return viewRecord(
    {
      id: started.window_id,
      scope: started.scope ?? 'site',
      readOnly: started.read_only ?? false,
      reason: started.reason,
      publicMessage: started.public_message,
      startedAt: startsAt,
      plannedEnd: started.planned_end,
      endedAt: plannedReached ? started.planned_end : (ended?.at ?? null),
      startedBy: started.actor,
      endedBy: plannedReached ? (started.recorded_after_the_fact ? started.actor : 'vigie') : (ended?.actor ?? null),
      endReason: plannedReached ? null : (ended?.reason ?? null),
      recordedAfterTheFact: started.recorded_after_the_fact ? { by: started.actor, at: started.at } : null,
    },
    now,
    timeZone,
  );
}

export function viewEvent(row: MaintenanceEventRow, timeZone: string): z.infer<typeof eventSchema> {
  return {
    id: String(row.id),
    windowId: row.window_id,
    kind: row.kind,
    at: zoned(row.at, timeZone)!,
    actor: row.actor,
    actorRoles: row.actor_roles,
    reason: row.reason,
    publicMessage: row.public_message,
    recordedAfterTheFact: row.recorded_after_the_fact,
    scope: row.scope,
    readOnly: row.read_only,
    startsAt: zoned(row.starts_at, timeZone),
    plannedEnd: zoned(row.planned_end, timeZone),
    retryAfterSeconds: row.retry_after_seconds,
  };
}

export function viewActive(window: ActiveWindow, now: number, timeZone: string) {
  return {
    id: window.id,
    scope: scopeText(window.scope),
    readOnly: window.readOnly,
    reason: window.reason,
    publicMessage: window.publicMessage,
    status: window.startsAt > now ? ('scheduled' as const) : ('in-force' as const),
    startsAt: zoned(window.startsAt, timeZone)!,
    plannedEnd: zoned(window.plannedEnd, timeZone),
    retryAfterSeconds: window.retryAfterSeconds,
  };
}
