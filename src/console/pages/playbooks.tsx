import { ValidationError } from '../../http/errors.js';
import { changeTask } from '../../playbooks/runs.js';
import { openRuns, type RunView, type TaskView } from '../../playbooks/tasks.js';
import { ActionForm, ErrorSummary, Field, Notice, PageTitle, Time } from '../components.js';
import { format } from '../labels.js';
import { definePage, type FormState, type PageContext } from '../page.js';

const path = '/playbooks';
const changeApi = 'POST /playbook-tasks/{id}/{change}' as const;

/** May this person mark the task? The service checks again: the owner role, the DPO, an admin. */
const mayChange = (ctx: PageContext, task: TaskView) => ctx.can(changeApi) && ctx.actor.roles.some((role) => role === task.owner || role === 'dpo' || role === 'admin');

function Due(props: { ctx: PageContext; task: TaskView }) {
  const { ctx, task } = props;
  const l = ctx.l.playbooks;
  if (task.dueAt) return <Time at={task.dueAt} ctx={ctx} />;
  if (!task.waitingFor) return <>{l.noDue}</>;
  const anchor = task.waitingFor.startsWith('step:') ? format(l.anchors.step, { step: task.waitingFor.slice(5) }) : ((l.anchors as Record<string, string>)[task.waitingFor] ?? task.waitingFor);
  return <>{format(l.waiting, { anchor })}</>;
}

const badge: Record<TaskView['state'], string> = { open: 'fr-badge--info', overdue: 'fr-badge--error', done: 'fr-badge--success', withdrawn: '' };

function Run(props: { ctx: PageContext; run: RunView & { breachTitle: string } }) {
  const { ctx, run } = props;
  const l = ctx.l.playbooks;
  const title = run.playbook.title[ctx.lang];
  return (
    <section class="fr-mb-6w" aria-labelledby={`run-${run.id}`} id={`run-${run.id}-section`}>
      <h2 id={`run-${run.id}`}>
        {format(l.run, { breach: run.breachId, title: run.breachTitle })} {run.exercise ? <span class="fr-badge fr-badge--warning fr-badge--sm">{l.drill}</span> : null}
      </h2>
      <p>
        <strong>{title}</strong> — {format(l.counts, { open: run.counts.open, overdue: run.counts.overdue, done: run.counts.done })}
      </p>
      <div class="fr-table">
        <table>
          <caption class="fr-sr-only">{format(l.tableCaption, { title })}</caption>
          <thead>
            <tr>
              <th scope="col">{l.task}</th>
              <th scope="col">{l.owner}</th>
              <th scope="col">{l.due}</th>
              <th scope="col">{l.state}</th>
            </tr>
          </thead>
          <tbody>
            {run.tasks
              .filter((task) => task.state !== 'withdrawn')
              .map((task) => (
                <tr id={`task-${task.id}`}>
                  <td>
                    {task.title[ctx.lang]}
                    {task.action.code !== 'none' ? <span class="fr-hint-text">{`${l.open} ${task.action[ctx.lang]}${task.action.api ? ` (${task.action.api})` : ''}`}</span> : null}
                    {task.doneAt ? <span class="fr-hint-text">{format(l.doneBy, { who: task.doneBy ?? '', why: task.doneReason ?? '' })}</span> : null}
                  </td>
                  <td>{task.owner}</td>
                  <td>
                    <Due ctx={ctx} task={task} />
                  </td>
                  <td>
                    <p class={`fr-badge fr-badge--sm ${badge[task.state]}`}>{l.states[task.state]}</p>
                    {mayChange(ctx, task) ? (
                      <a class="fr-link fr-link--sm" href={ctx.href(path, { task: task.id })} aria-label={`${task.doneAt ? l.reopen : l.markDone} : ${task.title[ctx.lang]}`}>
                        {task.doneAt ? l.reopen : l.markDone}
                      </a>
                    ) : null}
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** One task's form, at the top of the page: why it is done (or reopened). One form per page keeps field ids unique. */
function ChangeForm(props: { ctx: PageContext; task: TaskView; form: FormState | undefined }) {
  const { ctx, task, form } = props;
  const l = ctx.l.playbooks;
  const action = task.doneAt ? 'undo' : 'done';
  return (
    <section class="fr-mb-4w" aria-labelledby="change-title">
      <h2 id="change-title">{format(l.formTitle, { title: task.title[ctx.lang] })}</h2>
      <ErrorSummary form={form} action={action} title={l.errors} />
      <ActionForm ctx={ctx} page={path} action={action} id="change-form">
        <input type="hidden" name="task" value={task.id} />
        <Field form={form} action={action} name="reason" label={ctx.l.common.reason} hint={ctx.l.common.reasonHint} required />
        <button class="fr-btn" type="submit">
          {task.doneAt ? l.reopen : l.markDone}
        </button>
      </ActionForm>
    </section>
  );
}

async function change(ctx: PageContext, form: Record<string, string>, done: boolean) {
  const task = form.task ?? '';
  try {
    await changeTask(ctx.deps, task, done, { reason: form.reason ?? '' }, ctx.actor);
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(error.errors.map((e) => ({ ...e, path: e.path === 'task' ? 'form' : e.path })));
    throw error;
  }
  return { redirect: ctx.href(path, { changed: done ? 'done' : 'undone' }) };
}

/** The tasks of every playbook running on an open breach; marking one done or reopening it, saying why. */
export const playbooksPage = definePage({
  path,
  api: ['GET /breaches/{id}/playbooks'],
  title: (l) => l.playbooks.title,
  nav: { order: 45, label: (l) => l.nav.playbooks },
  async render(ctx, form) {
    const l = ctx.l.playbooks;
    const runs = await openRuns(ctx.deps);
    const wanted = form?.values.task ?? ctx.c.req.query('task');
    const selected = wanted ? runs.flatMap((run) => run.tasks).find((task) => task.id === wanted && mayChange(ctx, task)) : undefined;
    const changed = ctx.c.req.query('changed');
    return (
      <>
        <PageTitle title={l.title} intro={l.intro} />
        {changed === 'done' || changed === 'undone' ? (
          <Notice kind="success" id="task-notice">
            <p>{changed === 'done' ? l.markedDone : l.reopened}</p>
          </Notice>
        ) : null}
        {selected ? <ChangeForm ctx={ctx} task={selected} form={form} /> : null}
        {runs.length === 0 ? <p id="runs-none">{l.none}</p> : runs.map((run) => <Run ctx={ctx} run={run} />)}
      </>
    );
  },
  actions: {
    done: { api: [changeApi], run: (ctx, form) => change(ctx, form, true) },
    undo: { api: [changeApi], run: (ctx, form) => change(ctx, form, false) },
  },
});
