import { join } from 'node:path';
import type { BreachActor } from '../breaches/breach-store.js';
import { inZone } from '../breaches/view.js';
import { formatInZone } from '../breaches/zoned-time.js';
import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { loadPlaybookOverrides, readPlaybookDir } from '../entry/load-playbooks.js';
import { ValidationError } from '../http/errors.js';
import { checkPlaybookFiles, type PlaybookFiles } from '../playbooks/catalog.js';
import { describePlaybook, listPlaybooks } from '../playbooks/describe.js';
import { formatProblem } from '../playbooks/parse-playbook.js';
import { runReport, type RunReport } from '../playbooks/report.js';
import { changeTask, startRun, type PlaybookDeps } from '../playbooks/runs.js';
import { breachRuns, type RunView } from '../playbooks/tasks.js';
import type { ApiClient } from './api-client.js';
import { loadConfig } from './config.js';
import { connectionOptions, withConnection } from './connect.js';
import { defineCommand, defineGroup, UsageError, type OptionSpecs, type PositionalSpec } from './spec.js';

/** What the command asks of Vigie, the same whether it goes through the API or straight to the database. */
export interface PlaybookOperations {
  list(): Promise<ReturnType<typeof listPlaybooks>>;
  show(id: string): Promise<unknown>;
  start(breachId: string, body: { playbook: string; reason: string | undefined; exercise: boolean }): Promise<{ runId: string; tasks: number }>;
  tasks(breachId: string): Promise<RunView[]>;
  change(taskId: string, done: boolean, reason: string | undefined): Promise<unknown>;
  report(runId: string): Promise<RunReport>;
}

/** The operations over the service functions (the API's routes call the same ones). */
export function localOperations(deps: PlaybookDeps, actor: BreachActor): PlaybookOperations {
  return {
    list: async () => listPlaybooks(deps),
    show: async (id) => describePlaybook(deps, id),
    start: (breachId, body) => startRun(deps, breachId, body, actor),
    tasks: (breachId) => breachRuns(deps, breachId),
    change: (taskId, done, reason) => changeTask(deps, taskId, done, { reason }, actor),
    report: (runId) => runReport(deps, runId),
  };
}

/** The operations through a running Vigie's API; dates come back as ISO text with the zone's offset. */
export function remoteOperations(client: ApiClient): PlaybookOperations {
  const revive = (runs: RunView[]) =>
    runs.map((run) => ({ ...run, tasks: run.tasks.map((task) => ({ ...task, dueAt: task.dueAt ? new Date(task.dueAt) : null })) }));
  return {
    list: async () => (await client.request<{ playbooks: ReturnType<typeof listPlaybooks> }>('GET', '/_vigie/playbooks')).playbooks,
    show: (id) => client.request('GET', `/_vigie/playbooks/${encodeURIComponent(id)}`),
    start: (breachId, body) => client.request('POST', `/_vigie/breaches/${encodeURIComponent(breachId)}/playbooks`, body),
    tasks: async (breachId) => revive((await client.request<{ runs: RunView[] }>('GET', `/_vigie/breaches/${encodeURIComponent(breachId)}/playbooks`)).runs),
    change: (taskId, done, reason) => client.request('POST', `/_vigie/playbook-tasks/${encodeURIComponent(taskId)}/${done ? 'done' : 'undo'}`, { reason }),
    report: (runId) => client.request('GET', `/_vigie/playbook-runs/${encodeURIComponent(runId)}/report`),
  };
}

/** `vigie playbook check DIR`: every file's problems, one per line; 0 when all are good. */
export async function checkDirectory(dir: string, out: (line: string) => void): Promise<number> {
  const files: PlaybookFiles = await readPlaybookDir(dir, `playbook check: ${dir} is not a readable directory`);
  const { playbooks, problems } = checkPlaybookFiles(files);
  for (const problem of problems) out(formatProblem({ ...problem, file: join(dir, problem.file) }));
  if (Object.keys(files).length === 0) {
    out(`${dir}: no .yaml file`);
    return 1;
  }
  out(`${playbooks.length} playbook(s) valid, ${problems.length} problem(s)`);
  return problems.length > 0 ? 1 : 0;
}

const breachOption = { type: 'string', value: 'ID', description: 'the breach number in the register', required: true } as const;
const reasonOption = { type: 'string', value: 'TEXT', description: 'why, for the breach timeline' } as const;
const format = { type: 'string', value: 'table|json', description: 'the output', default: 'table' } as const;
const playbookId = [{ name: 'playbook', description: 'the playbook id (vigie playbook list)' }];

type Action = 'list' | 'show' | 'check' | 'start' | 'tasks' | 'done' | 'undo' | 'report';

/** A subcommand that acts on the register: through the API, as the holder of --token (src/cli/connect.ts). */
const acting = (name: Action, summary: string, options: OptionSpecs, positionals: PositionalSpec[]) =>
  defineCommand({
    name,
    summary,
    options: { ...options, ...connectionOptions },
    positionals,
    run: ({ values, positionals: given, env }) =>
      withConnection(values as { url?: string; token?: string }, env, (connection) =>
        perform(remoteOperations(connection.client), name, positional(name, given), values as Values, connection.config),
      ),
  });

/** Reading the catalogue needs no database: the bundled playbooks and VIGIE_PLAYBOOKS_DIR's. */
const reading = (name: 'list' | 'show', summary: string, positionals: PositionalSpec[]) =>
  defineCommand({
    name,
    summary,
    options: {},
    positionals,
    run: async ({ positionals: given, env }) => {
      const config = loadConfig(env);
      const playbooks = config.playbooks.dir ? await loadPlaybookOverrides(config.playbooks.dir) : undefined;
      const offline: PlaybookDeps = { db: undefined, clock: systemClock, config, ...(playbooks ? { playbooks } : {}) };
      return perform(localOperations(offline, { subject: 'cli', roles: [] }), name, positional(name, given), {}, config);
    },
  });

const positional = (action: string, given: string[]) => (what: string) => given[0] ?? fail(`playbook ${action}: ${what} is required`);

export const playbookCommand = defineGroup({
  name: 'playbook',
  summary: 'what to do, who does it and by when: list, show, check, start, tasks, done, undo, report',
  notes: [
    'VIGIE_PLAYBOOKS_DIR adds or replaces playbooks (docs/playbooks.md). start, tasks, done, undo and report act through the API as the',
    "holder of --token: a running Vigie with --url, or this machine's database.",
  ],
  subcommands: [
    reading('list', 'the playbooks, bundled and your own', []),
    reading('show', 'one playbook, its steps as JSON', playbookId),
    defineCommand({
      name: 'check',
      summary: 'check a directory of playbooks: every problem as file:line:column: field: reason',
      options: {},
      positionals: [{ name: 'dir', description: 'the directory of .yaml files' }],
      run: ({ positionals: given }) => checkDirectory(positional('check', given)('the directory'), (line) => console.log(line)),
    }),
    acting('start', 'start a playbook on a breach: its tasks with their due times', { breach: breachOption, reason: { ...reasonOption, required: true }, exercise: { type: 'boolean', description: 'a drill: nothing leaves for this breach' } }, playbookId),
    acting('tasks', "a breach's playbook tasks, due times in the organisation's zone", { breach: breachOption, format }, []),
    acting('done', 'mark a task done', { reason: { ...reasonOption, required: true } }, [{ name: 'task', description: 'the task id' }]),
    acting('undo', 'reopen a task', { reason: { ...reasonOption, required: true } }, [{ name: 'task', description: 'the task id' }]),
    acting('report', "a run's report: time from start to each step against its due time", { format }, [{ name: 'run', description: 'the run id' }]),
  ],
});

type Values = { breach?: string | undefined; reason?: string | undefined; exercise?: boolean | undefined; format?: string | undefined };

async function perform(ops: PlaybookOperations, action: Action, positional: (what: string) => string, values: Values, config: Config): Promise<number> {
  const breach = () => values.breach ?? fail(`playbook ${action}: --breach <id> is required`);
  try {
    switch (action) {
      case 'list':
        for (const p of await ops.list()) console.log(`${p.id.padEnd(28)} v${p.version}  ${p.origin.padEnd(12)} ${p.steps} steps  ${p.title.fr}`);
        return 0;
      case 'show':
        console.log(JSON.stringify(await ops.show(positional('the playbook id')), null, 2));
        return 0;
      case 'start': {
        const started = await ops.start(breach(), { playbook: positional('the playbook id'), reason: values.reason, exercise: values.exercise ?? false });
        console.log(`run ${started.runId} started on breach ${breach()}${values.exercise ? ' (drill: nothing leaves for this breach)' : ''}: ${started.tasks} task(s)`);
        return 0;
      }
      case 'tasks': {
        const runs = await ops.tasks(breach());
        if (values.format === 'json') console.log(JSON.stringify(inZone({ runs }, config.timeZone), null, 2));
        else printRuns(runs, config.timeZone);
        return 0;
      }
      case 'done':
      case 'undo': {
        const task = positional('the task id');
        await ops.change(task, action === 'done', values.reason);
        console.log(`task ${task} ${action === 'done' ? 'done' : 'reopened'}`);
        return 0;
      }
      case 'report': {
        const report = await ops.report(positional('the run id'));
        if (values.format === 'json') console.log(JSON.stringify(report, null, 2));
        else printReport(report);
        return 0;
      }
      default:
        return 2;
    }
  } catch (error) {
    if (error instanceof ValidationError) {
      for (const e of error.errors) console.error(`vigie: ${e.path === 'reason' ? '--reason' : e.path}: ${e.message}`);
      return 1;
    }
    if (error instanceof Error && 'status' in error && typeof error.status === 'number' && error.status < 500) {
      console.error(`vigie: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function printRuns(runs: RunView[], zone: string): void {
  if (runs.length === 0) console.log('no playbook runs on this breach');
  for (const run of runs) {
    const c = run.counts;
    console.log(`run ${run.id}: ${run.playbook.id} v${run.playbook.version}${run.exercise ? ' (drill)' : ''} — ${c.open} open, ${c.overdue} overdue, ${c.done} done, ${c.withdrawn} withdrawn`);
    for (const t of run.tasks) {
      const due = t.dueAt ? formatInZone(new Date(t.dueAt), zone) : `waiting for ${t.waitingFor ?? '—'}`;
      console.log(`  ${t.id.padStart(5)}  ${t.state.padEnd(9)} ${t.owner.padEnd(6)} ${due.padEnd(24)} ${t.title.fr}`);
    }
  }
}

function printReport(report: RunReport): void {
  const s = report.summary;
  console.log(`run ${report.runId}: ${report.playbook}${report.exercise ? ' (drill)' : ''}, started ${report.startedAt}`);
  console.log(`  ${s.done}/${s.steps} done (${s.onTime} on time, ${s.late} late), ${s.open} open, ${s.overdue} overdue`);
  const time = (m: number | null) => (m === null ? '—' : `${Math.floor(m / 60)} h ${String(Math.abs(m) % 60).padStart(2, '0')}`);
  for (const l of report.lines) {
    const late = l.lateByMinutes === null ? '' : l.lateByMinutes > 0 ? `  late by ${time(l.lateByMinutes)}` : '  on time';
    console.log(`  ${l.step.padEnd(28)} allowed ${time(l.allowedMinutes).padStart(9)}  took ${time(l.tookMinutes).padStart(9)}${late}`);
  }
}

function fail(message: string): never {
  throw new UsageError(message);
}
