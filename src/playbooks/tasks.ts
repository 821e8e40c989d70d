import { breachIdOf, loadBreach, requireDb } from '../breaches/breach-store.js';
import type { PlaybookRunRow, PlaybookTaskRow } from '../db/tables/playbook.js';
import { NotFoundError } from '../http/errors.js';
import { actions } from './playbook-schema.js';
import { playbookOf, syncRuns, type PlaybookDeps } from './runs.js';

export type TaskState = 'open' | 'overdue' | 'done' | 'withdrawn';

export interface TaskView {
  id: string;
  step: string;
  title: { fr: string; en: string };
  description: { fr: string; en: string } | null;
  owner: string;
  action: { code: string; fr: string; en: string; api: string | null; console: string | null };
  checklist: { fr: string; en: string }[];
  after: string[];
  dueAt: Date | null;
  /** What the due time waits for while it is null: an anchor ("awareness") or a step ("step:file-notification"). */
  waitingFor: string | null;
  state: TaskState;
  appearedAt: Date;
  doneAt: Date | null;
  doneBy: string | null;
  doneReason: string | null;
  overdueAlertedAt: Date | null;
}

export interface RunView {
  id: string;
  breachId: string;
  playbook: { id: string; version: number; origin: string; title: { fr: string; en: string } };
  exercise: boolean;
  startedAt: Date;
  startedBy: string;
  reason: string;
  counts: Record<TaskState, number>;
  tasks: TaskView[];
}

/** A link of the action with the run's values: `{prefix}` and `{breach}` filled, other placeholders left for the person. */
const link = (template: string | null, prefix: string, breachId: string) => (template ? template.replaceAll('{prefix}', prefix).replaceAll('{breach}', breachId) : null);

export function taskView(run: PlaybookRunRow, task: PlaybookTaskRow, prefix: string, now: Date): TaskView {
  const step = playbookOf(run).steps.find((s) => s.id === task.step_id);
  const action = actions[task.action] ?? { fr: task.action, en: task.action, api: null, console: null };
  const state: TaskState = !task.applies && !task.done_at ? 'withdrawn' : task.done_at ? 'done' : task.due_at && task.due_at.getTime() < now.getTime() ? 'overdue' : 'open';
  return {
    id: String(task.id),
    step: task.step_id,
    title: step?.title ?? { fr: task.step_id, en: task.step_id },
    description: step?.description ?? null,
    owner: task.owner,
    action: { code: task.action, fr: action.fr, en: action.en, api: link(action.api, prefix, String(run.breach_id)), console: link(action.console, prefix, String(run.breach_id)) },
    checklist: step?.checklist ?? [],
    after: step?.after ?? [],
    dueAt: task.due_at,
    waitingFor: task.due_at || !step?.due ? null : step.due.from,
    state,
    appearedAt: task.appeared_at,
    doneAt: task.done_at,
    doneBy: task.done_by,
    doneReason: task.done_reason,
    overdueAlertedAt: task.overdue_alerted_at,
  };
}

/** Every run on a breach with its tasks, re-read against the breach as it is now (tasks may appear). */
export async function breachRuns(deps: PlaybookDeps, breachId: string): Promise<RunView[]> {
  const db = requireDb(deps);
  const id = breachIdOf(breachId);
  await loadBreach(db, id);
  const runs = await syncRuns(deps, { breachId: id });
  return runViews(deps, runs);
}

/** The runs of every breach not closed, newest first, with their breach's title (the console's task list). */
export async function openRuns(deps: PlaybookDeps): Promise<(RunView & { breachTitle: string })[]> {
  const db = requireDb(deps);
  const runs = (await syncRuns(deps, { openOnly: true })).reverse();
  const views = await runViews(deps, runs);
  if (views.length === 0) return [];
  const titles = new Map((await db.selectFrom('breach').select(['id', 'title']).where('id', 'in', views.map((v) => v.breachId)).execute()).map((b) => [String(b.id), b.title]));
  return views.map((view) => ({ ...view, breachTitle: titles.get(view.breachId) ?? '' }));
}

export async function getRun(deps: PlaybookDeps, runId: string): Promise<RunView> {
  const db = requireDb(deps);
  const id = breachIdOf(runId, 'run');
  const run = await db.selectFrom('playbook_run').select('breach_id').where('id', '=', id).executeTakeFirst();
  if (!run) throw new NotFoundError(`No run ${id}`);
  const views = await breachRuns(deps, String(run.breach_id));
  return views.find((v) => v.id === id)!;
}

async function runViews(deps: PlaybookDeps, runs: PlaybookRunRow[]): Promise<RunView[]> {
  if (runs.length === 0) return [];
  const db = requireDb(deps);
  const now = deps.clock.now();
  const tasks = await db.selectFrom('playbook_task').selectAll().where('run_id', 'in', runs.map((r) => r.id)).orderBy('position').execute();
  return runs.map((run) => {
    const views = tasks.filter((t) => String(t.run_id) === String(run.id)).map((t) => taskView(run, t, deps.config.adminPrefix, now));
    const counts: Record<TaskState, number> = { open: 0, overdue: 0, done: 0, withdrawn: 0 };
    for (const view of views) counts[view.state]++;
    const playbook = playbookOf(run);
    return {
      id: String(run.id),
      breachId: String(run.breach_id),
      playbook: { id: run.playbook_id, version: run.playbook_version, origin: run.origin, title: playbook.title },
      exercise: run.exercise,
      startedAt: run.started_at,
      startedBy: run.started_by,
      reason: run.reason,
      counts,
      tasks: views,
    };
  });
}
