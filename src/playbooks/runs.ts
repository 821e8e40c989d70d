import { z } from '@hono/zod-openapi';
import type { Transaction } from 'kysely';
import type { BreachActor } from '../breaches/breach-store.js';
import { breachIdOf, loadBreach, parseInput, recordStaffAction, requireDb } from '../breaches/breach-store.js';
import type { AppDeps } from '../deps.js';
import type { Database, Db } from '../db/database.js';
import type { PlaybookRunRow } from '../db/tables/playbook.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../http/errors.js';
import { catalogOf, findPlaybook } from './catalog.js';
import { applies } from './conditions.js';
import { dueAt } from './due-times.js';
import type { Playbook } from './playbook-schema.js';
import { readSituation } from './situation.js';

export type PlaybookDeps = Pick<AppDeps, 'db' | 'clock' | 'config' | 'playbooks'>;
type Trx = Transaction<Database>;

const reason = z.string().trim().min(3, 'say why (at least 3 characters)').max(2000);

export const startRunBody = z
  .object({
    playbook: z.string().trim().min(1).max(63).openapi({ example: 'wrong-user-data' }),
    exercise: z.boolean().default(false).openapi({ description: 'A drill: nothing leaves for the breach (no message, no letter); the report times each step' }),
    reason,
  })
  .openapi('StartPlaybook');
export const taskChangeBody = z.object({ reason }).openapi('PlaybookTaskChange');

/** Vigie's own entries (tasks appearing, overdue alerts) are recorded under this name. */
export const playbookActor = 'vigie-playbooks';

/**
 * Starts a playbook on a breach: the run keeps the playbook as it is now, and the tasks whose conditions hold
 * appear at once with their due times; the others appear when the breach changes so that they hold. A drill
 * (exercise) and a real response never share a breach: the drill's breach is then one where nothing leaves.
 */
export async function startRun(deps: PlaybookDeps, breachId: string, input: unknown, actor: BreachActor): Promise<{ runId: string; tasks: number }> {
  const db = requireDb(deps);
  const id = breachIdOf(breachId);
  const body = parseInput(startRunBody, input);
  const entry = findPlaybook(catalogOf(deps), body.playbook);
  const now = deps.clock.now();
  return db.transaction().execute(async (trx) => {
    await loadBreach(trx, id, { forUpdate: true });
    const others = await trx.selectFrom('playbook_run').select(['playbook_id', 'exercise']).where('breach_id', '=', id).execute();
    if (others.some((o) => o.playbook_id === entry.playbook.id)) throw new ConflictError(`The playbook "${entry.playbook.id}" already runs on breach ${id}`);
    if (body.exercise && others.some((o) => !o.exercise)) throw new ConflictError('A drill cannot run on a breach under a real response: open a breach for the exercise');
    if (!body.exercise && others.some((o) => o.exercise)) throw new ConflictError('This breach is a drill: a real response needs a breach of its own');
    const run = await trx
      .insertInto('playbook_run')
      .values({
        breach_id: id,
        playbook_id: entry.playbook.id,
        playbook_version: entry.playbook.version,
        playbook: JSON.stringify(entry.playbook),
        origin: entry.origin,
        exercise: body.exercise,
        started_at: now,
        started_by: actor.subject,
        reason: body.reason,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const tasks = await syncRun(trx, deps, run, now);
    const what = body.exercise ? 'Exercice' : 'Playbook';
    await timelineNote(trx, id, now, `${what} « ${entry.playbook.title.fr} » démarré : ${body.reason}`, `playbook:${run.id}`, actor.subject);
    await recordStaffAction(trx, actor, body.exercise ? 'playbook.drill.start' : 'playbook.start', id, body.reason, now);
    return { runId: String(run.id), tasks };
  });
}

export const playbookOf = (run: PlaybookRunRow): Playbook => run.playbook as Playbook;

/**
 * Brings a run's tasks in line with the breach as it is now: a step whose conditions hold gets its task (once),
 * a task whose conditions no longer hold is withdrawn (kept, with its history), due times follow their anchors.
 * Idempotent, so every reader and the overdue check may call it; returns the number of tasks that apply.
 */
export async function syncRun(trx: Trx | Db, deps: Pick<PlaybookDeps, 'config'>, run: PlaybookRunRow, now: Date): Promise<number> {
  const playbook = playbookOf(run);
  const { situation, anchors } = await readSituation(trx, run.breach_id, { exercise: run.exercise, startedAt: run.started_at }, deps.config, now);
  const existing = new Map((await trx.selectFrom('playbook_task').selectAll().where('run_id', '=', run.id).execute()).map((t) => [t.step_id, t]));
  const doneAt = new Map<string, Date>();
  for (const task of existing.values()) if (task.done_at) doneAt.set(task.step_id, task.done_at);
  let applying = 0;
  for (const [position, step] of playbook.steps.entries()) {
    const holds = applies(step, situation);
    const due = dueAt(step.due, anchors, doneAt);
    const task = existing.get(step.id);
    if (holds) applying++;
    if (!task) {
      if (!holds) continue;
      const inserted = await trx
        .insertInto('playbook_task')
        .values({ run_id: run.id, step_id: step.id, position, owner: step.owner, action: step.action, due_at: due, applies: true, appeared_at: now, done_at: null, done_by: null, done_reason: null, overdue_alerted_at: null })
        .onConflict((oc) => oc.columns(['run_id', 'step_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) await trx.insertInto('playbook_task_event').values({ task_id: inserted.id, kind: 'appeared', at: now, actor: playbookActor, reason: null }).execute();
      continue;
    }
    const sameDue = (task.due_at?.getTime() ?? null) === (due?.getTime() ?? null);
    if (task.applies === holds && sameDue) continue;
    await trx.updateTable('playbook_task').set({ applies: holds, due_at: due }).where('id', '=', task.id).execute();
    if (task.applies !== holds) {
      await trx.insertInto('playbook_task_event').values({ task_id: task.id, kind: holds ? 'appeared' : 'withdrawn', at: now, actor: playbookActor, reason: null }).execute();
    }
  }
  return applying;
}

/**
 * Re-reads every run of a breach (or every run) against the breach as it is now. `openOnly`: only runs of
 * breaches not closed (the periodic check; the register keeps closed ones as they were).
 */
export async function syncRuns(deps: PlaybookDeps, options: { breachId?: string; openOnly?: boolean } = {}): Promise<PlaybookRunRow[]> {
  const db = requireDb(deps);
  const now = deps.clock.now();
  let query = db.selectFrom('playbook_run').selectAll('playbook_run').orderBy('playbook_run.id');
  if (options.breachId) query = query.where('playbook_run.breach_id', '=', options.breachId);
  if (options.openOnly) query = query.innerJoin('breach', 'breach.id', 'playbook_run.breach_id').where('breach.status', '!=', 'closed');
  const runs = await query.execute();
  for (const run of runs) await db.transaction().execute((trx) => syncRun(trx, deps, run, now));
  return runs;
}

/**
 * Marks a task done, or undoes it, saying why: on the task's history and on the breach's timeline (who, when,
 * why). The task's owner role, the DPO or an admin may; a withdrawn task (its conditions no longer hold) may
 * not be done.
 */
export async function changeTask(deps: PlaybookDeps, taskId: string, done: boolean, input: unknown, actor: BreachActor) {
  const db = requireDb(deps);
  const id = breachIdOf(taskId, 'task');
  const body = parseInput(taskChangeBody, input);
  const now = deps.clock.now();
  const result = await db.transaction().execute(async (trx) => {
    const task = await trx.selectFrom('playbook_task').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!task) throw new NotFoundError(`No task ${id}`);
    if (!actor.roles.some((role) => role === task.owner || role === 'dpo' || role === 'admin')) {
      throw new ForbiddenError(`This task belongs to the ${task.owner} role (or the DPO, or an admin)`);
    }
    if (done && task.done_at) throw new ConflictError(`Task ${id} is already done (by ${task.done_by})`);
    if (!done && !task.done_at) throw new ConflictError(`Task ${id} is not done`);
    if (done && !task.applies) throw new ConflictError(`Task ${id} no longer applies: its conditions do not hold`);
    const run = await trx.selectFrom('playbook_run').selectAll().where('id', '=', task.run_id).executeTakeFirstOrThrow();
    await trx
      .updateTable('playbook_task')
      .set(done ? { done_at: now, done_by: actor.subject, done_reason: body.reason } : { done_at: null, done_by: null, done_reason: null })
      .where('id', '=', id)
      .execute();
    await trx.insertInto('playbook_task_event').values({ task_id: id, kind: done ? 'done' : 'undone', at: now, actor: actor.subject, reason: body.reason }).execute();
    const step = playbookOf(run).steps.find((s) => s.id === task.step_id);
    const title = step?.title.fr ?? task.step_id;
    await timelineNote(trx, run.breach_id, now, `Tâche « ${title} » ${done ? 'faite' : 'rouverte'} : ${body.reason}`, `playbook-task:${id}`, actor.subject);
    await recordStaffAction(trx, actor, done ? 'playbook.task.done' : 'playbook.task.undo', run.breach_id, body.reason, now);
    // A step counted from this one moves with it.
    await syncRun(trx, deps, run, now);
    return { id, step: task.step_id, breachId: String(run.breach_id), done, at: now, by: actor.subject };
  });
  return result;
}

/** A dated note on the breach timeline, written in the run's transaction (the timeline's own service opens one). */
export async function timelineNote(trx: Trx | Db, breachId: string, at: Date, summary: string, source: string, actor: string, kind: 'note' | 'alert' = 'note') {
  await trx
    .insertInto('breach_event')
    .values({ breach_id: breachId, kind, occurred_at: at, summary: summary.slice(0, 2000), source, data: null, recorded_at: at, recorded_by: actor })
    .execute();
}
