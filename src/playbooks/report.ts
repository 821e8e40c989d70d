import { requireDb } from '../breaches/breach-store.js';
import { formatInZone } from '../breaches/zoned-time.js';
import { getRun, type TaskState } from './tasks.js';
import type { PlaybookDeps } from './runs.js';

export interface ReportLine {
  step: string;
  title: { fr: string; en: string };
  owner: string;
  state: TaskState;
  /** Minutes from the run's start to the due time, and to when it was done (null: not yet). */
  allowedMinutes: number | null;
  tookMinutes: number | null;
  /** Done after the due time by this many minutes (negative: ahead); null when either is unknown. */
  lateByMinutes: number | null;
  dueAt: string | null;
  doneAt: string | null;
  doneBy: string | null;
}

export interface RunReport {
  runId: string;
  breachId: string;
  playbook: string;
  exercise: boolean;
  startedAt: string;
  generatedAt: string;
  lines: ReportLine[];
  summary: { steps: number; done: number; onTime: number; late: number; open: number; overdue: number };
}

const minutes = (from: Date, to: Date | null) => (to ? Math.round((to.getTime() - from.getTime()) / 60_000) : null);

/**
 * The review of a run — a drill above all: for each task, the time from the start to its due time and to
 * when it was done, and by how much it was late. Times are shown in the organisation's zone with their offset.
 */
export async function runReport(deps: PlaybookDeps, runId: string): Promise<RunReport> {
  requireDb(deps);
  const run = await getRun(deps, runId);
  const zone = deps.config.timeZone;
  const start = run.startedAt;
  const lines = run.tasks
    .filter((t) => t.state !== 'withdrawn')
    .map((t) => {
      const took = minutes(start, t.doneAt);
      const allowed = minutes(start, t.dueAt);
      return {
        step: t.step,
        title: t.title,
        owner: t.owner,
        state: t.state,
        allowedMinutes: allowed,
        tookMinutes: took,
        lateByMinutes: took !== null && allowed !== null ? took - allowed : null,
        dueAt: t.dueAt ? formatInZone(t.dueAt, zone) : null,
        doneAt: t.doneAt ? formatInZone(t.doneAt, zone) : null,
        doneBy: t.doneBy,
      };
    });
  const done = lines.filter((l) => l.tookMinutes !== null);
  return {
    runId: run.id,
    breachId: run.breachId,
    playbook: run.playbook.id,
    exercise: run.exercise,
    startedAt: formatInZone(start, zone),
    generatedAt: formatInZone(deps.clock.now(), zone),
    lines,
    summary: {
      steps: lines.length,
      done: done.length,
      onTime: done.filter((l) => l.lateByMinutes === null || l.lateByMinutes <= 0).length,
      late: done.filter((l) => l.lateByMinutes !== null && l.lateByMinutes > 0).length,
      open: lines.filter((l) => l.state === 'open').length,
      overdue: lines.filter((l) => l.state === 'overdue').length,
    },
  };
}
