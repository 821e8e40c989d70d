import { parseArgs } from 'node:util';
import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { dateInZone, instantsFromZoned } from '../maintenance/format-time.js';
import { isoInZone, offsetMinutes, offsetText } from '../time/zoned.js';
import { endAllMaintenance, startMaintenance, type MaintenanceActor } from '../maintenance/service.js';
import { loadCurrentWindows } from '../maintenance/store.js';
import { scopeText, windowInForce } from '../maintenance/window.js';
import { ValidationError } from '../http/errors.js';
import { openDatabase } from '../entry/open-database.js';
import { ApiError, apiClientFrom, type ApiClient } from './api-client.js';
import { loadConfig, UsageError, type Command } from './main.js';

const usage =
  'maintenance on --reason "…" [--scope /prefix] [--read-only] [--from 14:00] [--until 15:15] [--retry 600] | off [--reason "…"] [--scope /prefix] | status; ' +
  'with --url/VIGIE_URL and --token/VIGIE_TOKEN it talks to a running Vigie, otherwise to DATABASE_URL';

const options = {
  url: { type: 'string' },
  token: { type: 'string' },
  reason: { type: 'string' },
  scope: { type: 'string' },
  'read-only': { type: 'boolean' },
  from: { type: 'string' },
  until: { type: 'string' },
  retry: { type: 'string' },
  'no-bypass-link': { type: 'boolean' },
  actor: { type: 'string' },
} as const;

/** "15:15" (today, in VIGIE_TIMEZONE), "2020-03-31T15:15" (in the zone) or RFC 3339 with an offset. */
export function parseWhen(text: string, flag: string, now: Date, timeZone: string): Date {
  const value = text.trim();
  let ms: number | undefined;
  let local: { date: string; time: string } | undefined;
  if (/^\d{1,2}:\d{2}$/.test(value)) local = { date: dateInZone(now.getTime(), timeZone), time: value };
  else if (/^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(:\d{2})?$/.test(value)) local = { date: value.slice(0, 10), time: value.slice(11) };
  else if (/(Z|[+-]\d{2}:\d{2})$/.test(value)) ms = Date.parse(value);
  if (local) {
    const instants = instantsFromZoned(local.date, local.time, timeZone);
    const shown = `${local.date} ${local.time}`;
    // Around a DST change a wall time may not exist or exist twice: refuse rather than guess, and say how to write it.
    if (instants?.length === 0) throw new UsageError(`maintenance: ${flag} ${shown} does not exist in ${timeZone} (clocks skip it that night); give a time outside the skipped hour`);
    if (instants && instants.length > 1) {
      const spell = (t: number) => `${local!.date}T${local!.time.padStart(5, '0')}${offsetText(offsetMinutes(t, timeZone))}`;
      throw new UsageError(`maintenance: ${flag} ${shown} happens twice in ${timeZone} (clocks go back that night); write ${instants.map(spell).join(' or ')}`);
    }
    ms = instants?.[0];
  }
  if (ms === undefined || Number.isNaN(ms)) throw new UsageError(`maintenance: ${flag} must look like 15:15, 2020-03-31T15:15 or 2020-03-31T15:15:00+02:00`);
  return new Date(ms);
}

export const maintenanceCommand: Command = {
  summary: 'maintenance on|off|status: the maintenance switch (see --help)',
  async run(args, env) {
    const [action, ...rest] = args;
    if (action !== 'on' && action !== 'off' && action !== 'status') throw new UsageError(`usage: vigie ${usage}`);
    const { values } = parseArgs({ args: rest, options, strict: true });
    const config = loadConfig(env);
    const now = systemClock.now();
    const client = apiClientFrom(values, env);
    try {
      if (action === 'on') {
        if (!values.reason?.trim()) throw new UsageError('maintenance on: --reason "…" is required (it is shown to visitors and kept in the history)');
        const retry = values.retry === undefined ? undefined : Number(values.retry);
        if (retry !== undefined && (!Number.isInteger(retry) || retry < 1)) throw new UsageError('maintenance on: --retry must be a number of seconds');
        const input = {
          reason: values.reason,
          scope: values.scope,
          readOnly: values['read-only'] ?? false,
          startsAt: values.from ? parseWhen(values.from, '--from', now, config.timeZone) : undefined,
          plannedEnd: values.until ? parseWhen(values.until, '--until', now, config.timeZone) : undefined,
          retryAfterSeconds: retry,
          bypassLink: !values['no-bypass-link'],
        };
        return client ? await onViaApi(client, config, input) : await onDirect(config, input, actorOf(values.actor, env));
      }
      if (action === 'off') {
        const input = { reason: values.reason?.trim() || 'Maintenance ended from the command line', scope: values.scope };
        return client ? await offViaApi(client, config, input) : await offDirect(config, input, actorOf(values.actor, env));
      }
      return client ? await statusViaApi(client, config) : await statusDirect(config);
    } catch (error) {
      // One clear line, as for every CLI error; never a stack trace for a refused request.
      if (error instanceof ApiError) {
        console.error(`vigie: ${error.message}`);
        return 1;
      }
      if (error instanceof ValidationError) {
        console.error(`vigie: ${error.message}`);
        return 1;
      }
      throw error;
    }
  },
};

type OnInput = Parameters<typeof startMaintenance>[1];

const actorOf = (name: string | undefined, env: NodeJS.ProcessEnv): MaintenanceActor => ({
  subject: name ?? `cli:${env.USER ?? env.USERNAME ?? 'unknown'}`,
  roles: [],
});

async function direct<T>(config: Config, work: (deps: Parameters<typeof startMaintenance>[0]) => Promise<T>): Promise<T> {
  if (!config.databaseUrl) {
    // The embedded database belongs to the one process that opened it: talk to that process instead.
    throw new UsageError('maintenance: without --url (or VIGIE_URL) this needs DATABASE_URL; with the embedded database, pass --url of the running Vigie');
  }
  const { db } = await openDatabase(config);
  try {
    return await work({ db, clock: systemClock, config });
  } finally {
    await db.destroy();
  }
}

const at = (value: string | Date | null | undefined, config: Config) =>
  value ? isoInZone(new Date(value), config.timeZone) : 'open-ended';

async function onViaApi(client: ApiClient, config: Config, input: OnInput) {
  const body = {
    ...input,
    startsAt: input.startsAt?.toISOString(),
    plannedEnd: input.plannedEnd?.toISOString(),
  };
  const result = await client.request<{ window: { id: string; scope: string; startedAt: string; plannedEnd: string | null; status: string }; bypassLink: string | null }>(
    'POST',
    `${config.adminPrefix}/maintenance/windows`,
    body,
  );
  const w = result.window;
  console.log(`maintenance ${w.status}: window ${w.id}, scope ${w.scope}, from ${w.startedAt} until ${w.plannedEnd ?? 'open-ended'}`);
  if (result.bypassLink) console.log(`bypass link (give it to testers only): ${result.bypassLink}`);
}

async function onDirect(config: Config, input: OnInput, actor: MaintenanceActor) {
  const { event, bypassSecret } = await direct(config, (deps) => startMaintenance(deps, input, actor));
  const status = event.starts_at && event.starts_at > new Date() ? 'scheduled' : 'in-force';
  console.log(`maintenance ${status}: window ${event.window_id}, scope ${event.scope}, from ${at(event.starts_at, config)} until ${at(event.planned_end, config)}`);
  if (bypassSecret) console.log(`bypass link (give it to testers only): <your Vigie address>${config.adminPrefix}/maintenance/bypass/${bypassSecret}`);
}

async function offViaApi(client: ApiClient, config: Config, input: { reason: string; scope?: string | undefined }) {
  const { ended } = await client.request<{ ended: string[] }>('POST', `${config.adminPrefix}/maintenance/end`, input);
  console.log(ended.length === 0 ? 'no maintenance window was in force or planned' : `ended ${ended.length} window(s): ${ended.join(', ')}`);
}

async function offDirect(config: Config, input: { reason: string; scope?: string | undefined }, actor: MaintenanceActor) {
  const ended = await direct(config, (deps) => endAllMaintenance(deps, input, actor));
  console.log(ended.length === 0 ? 'no maintenance window was in force or planned' : `ended ${ended.length} window(s): ${ended.map((e) => e.window_id).join(', ')}`);
}

interface StateWindow {
  id: string;
  scope: string;
  readOnly: boolean;
  status: string;
  startsAt: string;
  plannedEnd: string | null;
  reason: string;
}

function printState(windows: StateWindow[]) {
  if (windows.length === 0) {
    console.log('no maintenance: the service is open');
    return;
  }
  for (const w of windows) {
    console.log(`${w.status.padEnd(9)} ${w.scope}${w.readOnly ? ' (read-only)' : ''} from ${w.startsAt} until ${w.plannedEnd ?? 'open-ended'} — ${w.id}`);
  }
}

async function statusViaApi(client: ApiClient, config: Config) {
  const state = await client.request<{ windows: StateWindow[] }>('GET', `${config.adminPrefix}/maintenance/state`);
  printState(state.windows);
}

async function statusDirect(config: Config) {
  const now = new Date();
  const windows = await direct(config, (deps) => loadCurrentWindows(deps.db!, now));
  printState(
    windows.map((w) => ({
      id: w.id,
      scope: scopeText(w.scope),
      readOnly: w.readOnly,
      status: windowInForce(w, now.getTime()) ? 'in-force' : 'scheduled',
      startsAt: at(new Date(w.startsAt), config),
      plannedEnd: w.plannedEnd === null ? null : at(new Date(w.plannedEnd), config),
      reason: w.reason,
    })),
  );
}
