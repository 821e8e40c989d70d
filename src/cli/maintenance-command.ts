import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { dateInZone, instantsFromZoned } from '../maintenance/format-time.js';
import { isoInZone, offsetMinutes, offsetText } from '../time/zoned.js';
import { endAllMaintenance, startMaintenance, type MaintenanceActor } from '../maintenance/service.js';
import { loadCurrentWindows } from '../maintenance/store.js';
import { scopeText, windowInForce } from '../maintenance/window.js';
import { openDatabase } from '../entry/open-database.js';
import { apiClientFrom, type ApiClient } from './api-client.js';
import { loadConfig } from './config.js';
import { defineCommand, defineGroup, UsageError } from './spec.js';

const connection = {
  url: { type: 'string', value: 'URL', env: 'VIGIE_URL', description: 'a running Vigie, such as http://localhost:8080' },
  token: { type: 'string', value: 'TOKEN', env: 'VIGIE_TOKEN', description: 'a staff token with role sre or admin (vigie token --sub you --role sre)' },
  actor: { type: 'string', value: 'NAME', description: 'without --url, on DATABASE_URL: who acts (default cli:$USER)' },
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

const onOptions = {
  reason: { type: 'string', value: 'TEXT', required: true, description: 'why, for the register and the history (internal: visitors never see it)' },
  scope: { type: 'string', value: 'PREFIX', description: 'a path prefix such as /declarations (default: the whole site)' },
  'read-only': { type: 'boolean', description: 'let reads through, stop writes' },
  from: { type: 'string', value: 'WHEN', description: 'start later: 14:00 (today), 2020-03-31 14:00 (in VIGIE_TIMEZONE) or with an offset' },
  until: { type: 'string', value: 'WHEN', description: 'planned end, written like --from (Retry-After and the page say it)' },
  retry: { type: 'string', value: 'SECONDS', description: 'Retry-After when there is no planned end' },
  'no-bypass-link': { type: 'boolean', description: 'do not create a tester bypass link' },
  ...connection,
} as const;

const on = defineCommand({
  name: 'on',
  summary: 'open a maintenance window now (or from --from), on the whole site or a path prefix',
  options: onOptions,
  async run({ values, env }) {
    const config = loadConfig(env);
    const now = systemClock.now();
    const client = apiClientFrom(values, env);
    const retry = values.retry === undefined ? undefined : Number(values.retry);
    if (retry !== undefined && (!Number.isInteger(retry) || retry < 1)) throw new UsageError('--retry must be a number of seconds');
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
  },
});

const off = defineCommand({
  name: 'off',
  summary: 'end every window in force or planned (or those of --scope)',
  options: {
    reason: { type: 'string', value: 'TEXT', description: 'why, for the history', default: 'Maintenance ended from the command line' },
    scope: { type: 'string', value: 'PREFIX', description: 'only the windows of this scope' },
    ...connection,
  },
  async run({ values, env }) {
    const config = loadConfig(env);
    const client = apiClientFrom(values, env);
    const input = { reason: values.reason, scope: values.scope };
    return client ? await offViaApi(client, config, input) : await offDirect(config, input, actorOf(values.actor, env));
  },
});

const status = defineCommand({
  name: 'status',
  summary: 'the windows in force or planned',
  options: connection,
  async run({ values, env }) {
    const config = loadConfig(env);
    const client = apiClientFrom(values, env);
    return client ? await statusViaApi(client, config) : await statusDirect(config);
  },
});

export const maintenanceCommand = defineGroup({
  name: 'maintenance',
  summary: 'the maintenance switch: on, off, status',
  subcommands: [on, off, status],
  notes: ['With --url (VIGIE_URL) and --token (VIGIE_TOKEN) it acts through a running Vigie as the token\'s holder.'],
});

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
