import { z } from '@hono/zod-openapi';
import type { Db } from '../db/database.js';
import { ValidationError } from '../http/errors.js';
import { listMaintenanceWindows } from '../maintenance/list-windows.js';
import { breachIdOf, loadBreach, recordStaffAction, requireDb, type BreachActor, type BreachDeps } from './breach-store.js';
import type { BreachState } from './breach-state.js';
import { formatInZone } from './zoned-time.js';
import { coversBreach, labelled, type EntryLabel } from './timeline-labels.js';

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
  /** In French (the register's language): what the API and the command line show. */
  summary: string;
  source: string;
  actor: string | null;
  until?: Date | null;
  /** Entries Vigie writes itself: a label key and coded parameters, shown in each language by describeEntry. */
  label?: EntryLabel;
}

export interface ExposureWindow {
  from: Date;
  to: Date | null;
  basis: string;
}

const time = (value: string | null) => (value ? new Date(value) : null);

/**
 * The timeline of a breach: its own dates and events, its own maintenance windows (site-wide, or covering one
 * of its affectedPaths, in force during the breach), filings and decisions.
 */
export async function buildTimeline(db: Db, state: BreachState, now: Date, zone: string): Promise<{ entries: TimelineEntry[]; exposureWindows: ExposureWindow[] }> {
  const f = state.facts;
  const events = await db.selectFrom('breach_event').selectAll().where('breach_id', '=', state.row.id).orderBy('occurred_at').orderBy('id').execute();
  const entries: TimelineEntry[] = [];
  const fromFacts: [string | null, string][] = [
    [f.startedAt, 'started'],
    [f.discoveredAt, 'discovered'],
    [f.awareAt, 'aware'],
    [f.processorNotifiedAt, 'processor-notified'],
    [f.endedAt, 'ended'],
  ];
  for (const [at, kind] of fromFacts) if (at) entries.push(labelled({ at: new Date(at), kind, source: 'register', actor: null }, { key: kind, params: {} }));
  for (const e of events) entries.push({ at: e.occurred_at, kind: e.kind, summary: e.summary, source: e.source, actor: e.recorded_by });

  // The breach's period: from its first known date to its end (or now while it runs).
  const snapshots = events.filter((e) => e.kind === 'exposure-snapshot' && e.data);
  const dated = [...fromFacts.map(([at]) => time(at)), ...snapshots.map((s) => time((s.data as { from?: string }).from ?? null))].filter((d): d is Date => d !== null);
  const ended = f.endedAt !== null || f.ongoing === false;
  const from = dated.length > 0 ? new Date(Math.min(...dated.map((d) => d.getTime()))) : state.row.created_at;
  const endedAt = time(f.endedAt);
  const to = endedAt ? new Date(endedAt.getTime() + 1) : ended && dated.length > 0 ? new Date(Math.max(...dated.map((d) => d.getTime())) + 1) : now;
  const windows = (await listMaintenanceWindows(db, { from, to, now })).filter((w) => coversBreach(w.scope, f.affectedPaths));
  for (const w of windows) {
    const scope = w.scope;
    // A window entered once it had happened says so, with who entered it and when.
    const after: Record<string, string> = w.recordedAfterTheFact ? { recordedAt: formatInZone(w.recordedAfterTheFact.at, zone), recordedBy: w.recordedAfterTheFact.by } : {};
    entries.push(labelled({ at: w.startedAt, kind: 'maintenance', source: `maintenance:${w.id}`, actor: w.startedBy, until: w.endedAt }, { key: w.readOnly ? 'maintenanceReadOnly' : 'maintenance', params: { scope, reason: w.reason, ...after } }));
    if (w.endedAt) entries.push(labelled({ at: w.endedAt, kind: 'maintenance-ended', source: `maintenance:${w.id}`, actor: w.endedBy }, { key: 'maintenanceEnded', params: { scope } }));
  }
  for (const filing of state.filings) {
    const params = { regime: filing.regime, step: filing.step, kind: filing.kind, ...(filing.reference ? { reference: filing.reference } : {}) };
    entries.push(labelled({ at: filing.filedAt, kind: 'notification', source: `filing:${filing.id}`, actor: filing.recordedBy }, { key: 'filing', params }));
  }
  if (state.decision) {
    const params = { authority: state.decision.authority, people: state.decision.people };
    entries.push(labelled({ at: state.decision.at, kind: 'decision', source: `decision:${state.decision.id}`, actor: state.decision.actor }, { key: 'decision', params }));
  }
  entries.sort((a, b) => a.at.getTime() - b.at.getTime());

  // When personal data were exposed: from the start (or the first snapshot, or the discovery) to the end,
  // or else to the first containment: an event, or a site-wide maintenance window that stopped serving.
  const exposureWindows: ExposureWindow[] = [];
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
