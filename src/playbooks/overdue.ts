import { requireDb } from '../breaches/breach-store.js';
import { formatInZone } from '../breaches/zoned-time.js';
import type { Logger } from '../logger.js';
import type { WebhookSender } from '../http/signed-webhooks.js';
import { playbookActor, playbookOf, syncRuns, timelineNote, type PlaybookDeps } from './runs.js';

export interface OverdueAlert {
  kind: 'playbook.task.overdue';
  breachId: string;
  runId: string;
  taskId: string;
  step: string;
  owner: string;
  title: { fr: string; en: string };
  dueAt: string;
  /** The due time as people read it, in the organisation's zone with its offset. */
  dueAtLocal: string;
  exercise: boolean;
  /** Where to read the tasks, with a token. */
  href: string;
}

/**
 * Raises one alert per overdue task, once: the claim (`overdue_alerted_at`) is a conditional update, so
 * several instances checking at once alert once. The alert goes on the breach's timeline and to the
 * playbook webhooks, signed as the other alerts are; it carries the step, its owner role and times, never
 * personal data. Runs are re-read first, so a task that just appeared or whose anchor just became known counts.
 */
export async function raiseOverdueAlerts(deps: PlaybookDeps & { logger: Logger }, sender: WebhookSender | undefined): Promise<OverdueAlert[]> {
  const db = requireDb(deps);
  await syncRuns(deps, { openOnly: true });
  const now = deps.clock.now();
  const due = await db
    .selectFrom('playbook_task')
    .innerJoin('playbook_run', 'playbook_run.id', 'playbook_task.run_id')
    .selectAll('playbook_task')
    .select(['playbook_run.breach_id', 'playbook_run.exercise'])
    .where('playbook_task.done_at', 'is', null)
    .where('playbook_task.applies', '=', true)
    .where('playbook_task.overdue_alerted_at', 'is', null)
    .where('playbook_task.due_at', '<', now)
    .innerJoin('breach', 'breach.id', 'playbook_run.breach_id')
    .where('breach.status', '!=', 'closed')
    .orderBy('playbook_task.due_at')
    .execute();
  const alerts: OverdueAlert[] = [];
  for (const task of due) {
    const alert = await db.transaction().execute(async (trx) => {
      const claimed = await trx.updateTable('playbook_task').set({ overdue_alerted_at: now }).where('id', '=', task.id).where('overdue_alerted_at', 'is', null).where('done_at', 'is', null).returning('id').executeTakeFirst();
      if (!claimed) return undefined;
      const run = await trx.selectFrom('playbook_run').selectAll().where('id', '=', task.run_id).executeTakeFirstOrThrow();
      const step = playbookOf(run).steps.find((s) => s.id === task.step_id);
      const title = step?.title ?? { fr: task.step_id, en: task.step_id };
      const dueLocal = formatInZone(task.due_at!, deps.config.timeZone);
      await trx.insertInto('playbook_task_event').values({ task_id: task.id, kind: 'overdue', at: now, actor: playbookActor, reason: null }).execute();
      await timelineNote(trx, run.breach_id, now, `Tâche en retard : « ${title.fr} » (${task.owner}), due le ${dueLocal}`, `playbook-task:${task.id}`, playbookActor, 'alert');
      const created: OverdueAlert = {
        kind: 'playbook.task.overdue',
        breachId: String(run.breach_id),
        runId: String(run.id),
        taskId: String(task.id),
        step: task.step_id,
        owner: task.owner,
        title,
        dueAt: task.due_at!.toISOString(),
        dueAtLocal: dueLocal,
        exercise: run.exercise,
        href: `${deps.config.adminPrefix}/breaches/${run.breach_id}/playbooks`,
      };
      return created;
    });
    if (alert) alerts.push(alert);
  }
  // After the commits: a slow or unreachable receiver never holds a transaction open.
  for (const alert of alerts) {
    try {
      await sender?.send({ ...alert });
    } catch (error) {
      deps.logger.warn('playbook alert not sent', { task: alert.taskId, error: (error as Error)?.name ?? 'Error' });
    }
  }
  return alerts;
}
