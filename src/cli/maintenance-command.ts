import { systemClock } from '../clock.js';
import { dateInZone, instantsFromZoned } from '../maintenance/format-time.js';
import { offsetMinutes, offsetText } from '../time/zoned.js';
import { connectionOptions, withConnection } from './connect.js';
import { defineCommand, defineGroup, UsageError } from './spec.js';

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
  'public-message': { type: 'string', value: 'TEXT', description: 'what visitors read on the maintenance page (default: a neutral text)' },
  scope: { type: 'string', value: 'PREFIX', description: 'a path prefix such as /declarations (default: the whole site)' },
  'read-only': { type: 'boolean', description: 'let reads through, stop writes' },
  from: { type: 'string', value: 'WHEN', description: 'start later: 14:00 (today), 2020-03-31 14:00 (in VIGIE_TIMEZONE) or with an offset' },
  until: { type: 'string', value: 'WHEN', description: 'planned end, written like --from (Retry-After and the page say it)' },
  retry: { type: 'string', value: 'SECONDS', description: 'Retry-After when there is no planned end' },
  'no-bypass-link': { type: 'boolean', description: 'do not create a tester bypass link' },
  ...connectionOptions,
} as const;

const on = defineCommand({
  name: 'on',
  summary: 'open a maintenance window now (or from --from), on the whole site or a path prefix',
  options: onOptions,
  async run({ values, env }) {
    const retry = values.retry === undefined ? undefined : Number(values.retry);
    if (retry !== undefined && (!Number.isInteger(retry) || retry < 1)) throw new UsageError('--retry must be a number of seconds');
    return withConnection(values, env, async ({ client, config }) => {
      const now = systemClock.now();
      const body = {
        reason: values.reason,
        ...(values['public-message'] ? { publicMessage: values['public-message'] } : {}),
        scope: values.scope,
        readOnly: values['read-only'] ?? false,
        startsAt: values.from ? parseWhen(values.from, '--from', now, config.timeZone).toISOString() : undefined,
        plannedEnd: values.until ? parseWhen(values.until, '--until', now, config.timeZone).toISOString() : undefined,
        retryAfterSeconds: retry,
        bypassLink: !values['no-bypass-link'],
      };
      const result = await client.request<{ window: { id: string; scope: string; startedAt: string; plannedEnd: string | null; status: string }; bypassLink: string | null }>(
        'POST',
        `${config.adminPrefix}/maintenance/windows`,
        body,
      );
      const w = result.window;
      console.log(`maintenance ${w.status}: window ${w.id}, scope ${w.scope}, from ${w.startedAt} until ${w.plannedEnd ?? 'open-ended'}`);
      if (result.bypassLink) console.log(`bypass link (give it to testers only): ${result.bypassLink}`);
    });
  },
});

const off = defineCommand({
  name: 'off',
  summary: 'end every window in force or planned (or those of --scope)',
  options: {
    reason: { type: 'string', value: 'TEXT', description: 'why, for the history', default: 'Maintenance ended from the command line' },
    scope: { type: 'string', value: 'PREFIX', description: 'only the windows of this scope' },
    ...connectionOptions,
  },
  run: ({ values, env }) =>
    withConnection(values, env, async ({ client, config }) => {
      const { ended } = await client.request<{ ended: string[] }>('POST', `${config.adminPrefix}/maintenance/end`, { reason: values.reason, scope: values.scope });
      console.log(ended.length === 0 ? 'no maintenance window was in force or planned' : `ended ${ended.length} window(s): ${ended.join(', ')}`);
    }),
});

interface StateWindow {
  id: string;
  scope: string;
  readOnly: boolean;
  status: string;
  startsAt: string;
  plannedEnd: string | null;
}

const status = defineCommand({
  name: 'status',
  summary: 'the windows in force or planned',
  options: connectionOptions,
  run: ({ values, env }) =>
    withConnection(values, env, async ({ client, config }) => {
      const state = await client.request<{ windows: StateWindow[] }>('GET', `${config.adminPrefix}/maintenance/state`);
      printState(state.windows);
    }),
});

function printState(windows: StateWindow[]) {
  if (windows.length === 0) {
    console.log('no maintenance: the service is open');
    return;
  }
  for (const w of windows) {
    console.log(`${w.status.padEnd(9)} ${w.scope}${w.readOnly ? ' (read-only)' : ''} from ${w.startsAt} until ${w.plannedEnd ?? 'open-ended'} — ${w.id}`);
  }
}

const record = defineCommand({
  name: 'record',
  summary: 'record a window that already happened, for the history and the breach timelines (never applied to traffic)',
  options: {
    from: { type: 'string', value: 'WHEN', required: true, description: 'when it took effect: 2020-03-31 11:45 (in VIGIE_TIMEZONE) or with an offset' },
    until: { type: 'string', value: 'WHEN', required: true, description: 'when it stopped, in the past' },
    reason: { type: 'string', value: 'TEXT', required: true, description: 'why, for the register (internal: the public message is what visitors saw)' },
    scope: { type: 'string', value: 'PREFIX', description: 'a path prefix (default: the whole site)' },
    'read-only': { type: 'boolean', description: 'reads went through' },
    ...connectionOptions,
  },
  notes: ['Marked as recorded after the fact, with who recorded it and when.'],
  run: ({ values, env }) =>
    withConnection(values, env, async ({ client, config }) => {
      const now = systemClock.now();
      const body = {
        reason: values.reason,
        scope: values.scope,
        readOnly: values['read-only'] ?? false,
        startedAt: parseWhen(values.from, '--from', now, config.timeZone).toISOString(),
        endedAt: parseWhen(values.until, '--until', now, config.timeZone).toISOString(),
      };
      const { window: w } = await client.request<{ window: { id: string; scope: string; startedAt: string; endedAt?: string | null } }>('POST', `${config.adminPrefix}/maintenance/history`, body);
      console.log(`maintenance window ${w.id} recorded after the fact: scope ${w.scope}, from ${w.startedAt} until ${w.endedAt ?? values.until}`);
    }),
});

export const maintenanceCommand = defineGroup({
  name: 'maintenance',
  summary: 'the maintenance switch: on, off, status; record a past window',
  subcommands: [on, off, status, record],
  notes: ["Through a running Vigie (--url) or this machine's database, as the holder of --token (role sre or admin)."],
});
