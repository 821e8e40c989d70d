import { z } from '@hono/zod-openapi';
import type { Db } from '../db/database.js';
import { ValidationError } from '../http/errors.js';
import { listMaintenanceWindows } from '../maintenance/list-windows.js';
import { breachIdOf, loadBreach, recordStaffAction, requireDb, type BreachActor, type BreachDeps } from './breach-store.js';
import type { BreachState } from './breach-state.js';
import { formatInZone } from './zoned-time.js';

/**
 * Kinds of dated events. Manual ones come from the DPO; "alert" from detection, "exposure-snapshot" from
 * exposure analysis (issue 5), "communication" from delivery; maintenance windows, filings and decisions
 * are read from their own records when the timeline is shown, never copied.
 */
export const eventKinds = ['discovered', 'started', 'contained', 'ended', 'note', 'alert', 'exposure-snapshot', 'communication', 'provider-change'] as const;
export type EventKind = (typeof eventKinds)[number];

export const eventBody = z
  .object({
    kind: z.enum(eventKinds),
    at: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset or Z' }),
    summary: z.string().trim().min(3, 'must be at least 3 characters').max(2000),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('BreachEvent');

export interface NewEvent {
  kind: EventKind;
  at: Date;
  summary: string;
  data?: Record<string, unknown> | undefined;
}

/** Adds a dated event to a breach's timeline; source says where it came from ('manual', 'alert:<id>', 'snapshot:<id>'). */
export async function addTimelineEvent(deps: BreachDeps, breachId: string, event: NewEvent, actor: BreachActor, source = 'manual') {
  const db = requireDb(deps);
  const id = breachIdOf(breachId);
  const now = deps.clock.now();
  if (Number.isNaN(event.at.getTime())) throw new ValidationError([{ path: 'at', message: 'is not a date' }]);
  if (event.at.getTime() > now.getTime() + 5 * 60_000) throw new ValidationError([{ path: 'at', message: 'must not be in the future' }]);
  return db.transaction().execute(async (trx) => {
    await loadBreach(trx, id);
    const row = await trx
      .insertInto('breach_event')
      .values({ breach_id: id, kind: event.kind, occurred_at: event.at, summary: event.summary, source, data: event.data ? JSON.stringify(event.data) : null, recorded_at: now, recorded_by: actor.subject })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordStaffAction(trx, actor, `breach.event.${event.kind}`, id, `timeline event (${source})`, now);
    return { id: row.id };
  });
}

export interface TimelineEntry {
  at: Date;
  kind: string;
  summary: string;
  source: string;
  actor: string | null;
  until?: Date | null;
}

export interface ExposureWindow {
  from: Date;
  to: Date | null;
  basis: string;
}

const time = (value: string | null) => (value ? new Date(value) : null);

/** The timeline of a breach: its own dates and events, overlapping maintenance windows, filings and decisions. */
export async function buildTimeline(db: Db, state: BreachState, now: Date, zone: string): Promise<{ entries: TimelineEntry[]; exposureWindows: ExposureWindow[] }> {
  const f = state.facts;
  const events = await db.selectFrom('breach_event').selectAll().where('breach_id', '=', state.row.id).orderBy('occurred_at').orderBy('id').execute();
  const entries: TimelineEntry[] = [];
  const fromFacts: [string | null, string, string][] = [
    [f.startedAt, 'started', 'Début de la violation'],
    [f.discoveredAt, 'discovered', 'Découverte'],
    [f.awareAt, 'aware', 'Prise de connaissance (début du délai de 72 h)'],
    [f.processorNotifiedAt, 'processor-notified', 'Notification par le sous-traitant'],
    [f.endedAt, 'ended', 'Fin de la violation'],
  ];
  for (const [at, kind, summary] of fromFacts) if (at) entries.push({ at: new Date(at), kind, summary, source: 'register', actor: null });
  for (const e of events) entries.push({ at: e.occurred_at, kind: e.kind, summary: e.summary, source: e.source, actor: e.recorded_by });

  const known = entries.map((e) => e.at.getTime());
  const ended = f.endedAt !== null || f.ongoing === false;
  const from = known.length > 0 ? new Date(Math.min(...known)) : state.row.created_at;
  const to = ended && known.length > 0 ? new Date(Math.max(...known) + 1) : now;
  const windows = await listMaintenanceWindows(db, { from, to, now });
  for (const w of windows) {
    // A window entered once it had happened says so, with who entered it and when.
    const after = w.recordedAfterTheFact ? ` (enregistrée après coup le ${formatInZone(w.recordedAfterTheFact.at, zone)} par ${w.recordedAfterTheFact.by})` : '';
    const summary = `Maintenance ${w.readOnly ? '(lecture seule) ' : ''}${w.scope}: ${w.reason}${after}`;
    entries.push({ at: w.startedAt, kind: 'maintenance', summary, source: `maintenance:${w.id}`, actor: w.startedBy, until: w.endedAt });
    if (w.endedAt) entries.push({ at: w.endedAt, kind: 'maintenance-ended', summary: `Fin de maintenance ${w.scope}`, source: `maintenance:${w.id}`, actor: w.endedBy });
  }
  for (const filing of state.filings) {
    entries.push({ at: filing.filedAt, kind: 'notification', summary: `Notification ${filing.regime} ${filing.step} (${filing.kind})${filing.reference ? ` ${filing.reference}` : ''}`, source: `filing:${filing.id}`, actor: filing.recordedBy });
  }
  if (state.decision) {
    entries.push({ at: state.decision.at, kind: 'decision', summary: `Décision : autorité ${state.decision.authority}, personnes ${state.decision.people}`, source: `decision:${state.decision.id}`, actor: state.decision.actor });
  }
  entries.sort((a, b) => a.at.getTime() - b.at.getTime());

  // When personal data were exposed: from the start (or the first snapshot, or the discovery) to the end,
  // or else to the first containment: an event, or a site-wide maintenance window that stopped serving.
  const exposureWindows: ExposureWindow[] = [];
  const snapshots = events.filter((e) => e.kind === 'exposure-snapshot' && e.data);
  for (const s of snapshots) {
    const data = s.data as { from?: string; to?: string };
    if (data.from) exposureWindows.push({ from: new Date(data.from), to: time(data.to ?? null), basis: `snapshot ${s.source}` });
  }
  const start = time(f.startedAt) ?? exposureWindows[0]?.from ?? time(f.discoveredAt);
  if (start) {
    const containment = [
      ...events.filter((e) => (e.kind === 'contained' || e.kind === 'ended') && e.occurred_at >= start).map((e) => ({ at: e.occurred_at, basis: e.kind })),
      ...windows.filter((w) => w.scope === 'site' && !w.readOnly && w.startedAt >= start).map((w) => ({ at: w.startedAt, basis: 'maintenance' })),
    ].sort((a, b) => a.at.getTime() - b.at.getTime())[0];
    const end = time(f.endedAt);
    exposureWindows.unshift({ from: start, to: end ?? containment?.at ?? null, basis: end ? 'register' : (containment?.basis ?? 'ongoing') });
  }
  return { entries, exposureWindows };
}
