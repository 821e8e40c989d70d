import { listPlaybooks } from '../../playbooks/describe.js';
import type { RunView } from '../../playbooks/tasks.js';
import { ActionForm, ErrorSummary, Field, Time, errorOf } from '../components.js';
import { format } from '../labels.js';
import type { FormState, PageContext } from '../page.js';
import { Choice } from './breach-sections.js';

const twelveHours = 12 * 3600_000;

/**
 * The breach's playbook tasks (issue 19): owner role, due time in Paris time (red when overdue or under 12 h),
 * done/undo with a reason; and the form that starts a playbook. Done/undo is offered to the roles the API
 * allows; the service still checks the task's own owner role.
 */
export function Tasks(props: { ctx: PageContext; runs: RunView[]; form: FormState | undefined; page: string; canStart: boolean; canChange: boolean }) {
  const { ctx, runs, form } = props;
  const l = ctx.l.breach;
  const roles = ctx.l.layout.roles as Record<string, string>;
  const states = l.taskStates as Record<string, string>;
  const playbooks = props.canStart ? listPlaybooks(ctx.deps) : [];
  const taskError = errorOf(form, 'task', 'form') ?? errorOf(form, 'task', 'reason');
  return (
    <section aria-labelledby="tasks-title" class="fr-mb-6w">
      <h2 id="tasks-title">{l.tasksTitle}</h2>
      {runs.length === 0 ? <p id="tasks-none">{l.noRuns}</p> : null}
      {taskError ? (
        <p class="fr-error-text" id="task-error" role="alert">
          {taskError}
        </p>
      ) : null}
      {runs.map((run) => (
        <div class="fr-mb-4w" id={`run-${run.id}`}>
          <h3 class="fr-h6">
            {run.playbook.title[ctx.lang]} {run.exercise ? <span class="fr-badge fr-badge--sm fr-badge--info">{l.exercise}</span> : null}
          </h3>
          <div class="fr-table">
            <table>
              <caption>{format(l.tasksCaption, { title: run.playbook.title[ctx.lang] })}</caption>
              <thead>
                <tr>
                  <th scope="col">{l.task}</th>
                  <th scope="col">{l.owner}</th>
                  <th scope="col">{l.taskDue}</th>
                  <th scope="col">{l.taskState}</th>
                  {props.canChange ? <th scope="col">{l.taskChange}</th> : null}
                </tr>
              </thead>
              <tbody>
                {run.tasks.map((task) => {
                  const soon = task.state === 'open' && task.dueAt !== null && task.dueAt.getTime() - ctx.now.getTime() < twelveHours;
                  const red = task.state === 'overdue' || soon;
                  const change = task.state === 'done' ? 'undo' : 'done';
                  return (
                    <tr data-task={task.id}>
                      <td>{task.title[ctx.lang]}</td>
                      <td>{roles[task.owner] ?? task.owner}</td>
                      <td>{task.dueAt ? <Time at={task.dueAt} ctx={ctx} /> : task.waitingFor ? format(l.waitingFor, { what: task.waitingFor }) : '—'}</td>
                      <td>
                        <span class={`fr-badge fr-badge--sm ${red ? 'fr-badge--error' : task.state === 'done' ? 'fr-badge--success' : ''}`}>{states[task.state] ?? task.state}</span>
                        {task.doneBy ? <span class="fr-text--xs"> ({task.doneBy})</span> : null}
                      </td>
                      {props.canChange ? (
                        <td>
                          {task.state === 'withdrawn' ? null : (
                            <ActionForm ctx={ctx} page={props.page} action="task" class="vigie-inline-form">
                              <input type="hidden" name="taskId" value={task.id} />
                              <input type="hidden" name="change" value={change} />
                              <label class="fr-label fr-sr-only" for={`task-${task.id}-reason`}>
                                {format(l.taskReasonLabel, { task: task.title[ctx.lang] })}
                              </label>
                              <input class="fr-input" id={`task-${task.id}-reason`} name="reason" required autocomplete="off" placeholder={ctx.l.common.reason} />
                              <button type="submit" class="fr-btn fr-btn--sm fr-btn--secondary" id={`task-${task.id}-${change}`}>
                                {change === 'done' ? l.markDone : l.undo}
                              </button>
                            </ActionForm>
                          )}
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </div>
      ))}
      {props.canStart && playbooks.length > 0 ? (
        <details open={form?.action === 'playbook'}>
          <summary>{l.startPlaybook}</summary>
          <ErrorSummary form={form} action="playbook" title={ctx.l.common.errorSummary} />
          <ActionForm ctx={ctx} page={props.page} action="playbook" id="playbook-form">
            <Choice ctx={ctx} form={form} action="playbook" name="playbook" label={l.playbook} options={Object.fromEntries(playbooks.map((p) => [p.id, p.title[ctx.lang]]))} />
            <div class="fr-checkbox-group fr-mb-3w">
              <input type="checkbox" id="playbook-exercise" name="exercise" value="on" />
              <label class="fr-label" for="playbook-exercise">
                {l.exerciseLabel}
              </label>
            </div>
            <Field form={form} action="playbook" name="reason" label={ctx.l.common.reason} hint={ctx.l.common.reasonHint} required />
            <button type="submit" class="fr-btn fr-btn--secondary" id="playbook-submit">
              {l.startPlaybookSubmit}
            </button>
          </ActionForm>
        </details>
      ) : null}
    </section>
  );
}
