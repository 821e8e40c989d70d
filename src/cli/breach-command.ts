import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { openBreachBody } from '../breaches/breach-facts.js';
import type { BreachActor, BreachDeps } from '../breaches/breach-store.js';
import { assessBreach, decideBody, decideBreach } from '../breaches/decide.js';
import { openBreach } from '../breaches/edit-breach.js';
import { breachHtml, breachMarkdown, registerCsv } from '../breaches/exports.js';
import { getBreach, listBreaches } from '../breaches/get-breach.js';
import { addTimelineEvent, eventKinds, type EventKind } from '../breaches/timeline.js';
import { inZone } from '../breaches/view.js';
import { parseDateInZone } from '../breaches/zoned-time.js';
import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { migrateToLatest } from '../db/migrate.js';
import { openDatabase } from '../entry/open-database.js';
import { ValidationError } from '../http/errors.js';
import { ApiError, apiClientFrom, type ApiClient } from './api-client.js';
import { decisionLine, eventLine, printAssessment, printOpened, printTable, type AssessmentOutput, type TableLine } from './breach-output.js';
import { loadConfig, UsageError, type Command } from './main.js';

const usage = `breach open --title "…" [--aware "2026-03-27 16:00"] [--discovered …] [--started …] [--nature confidentiality] [--facts facts.json] [--reason "…"]
       breach show <id> [--format md|html|json]
       breach list [--format table|csv|json]
       breach event <id> --kind note|discovered|contained|ended|… --at "2020-03-31 11:45" --summary "…"
       breach assess <id> --input assessment.json      (ENISA score and recommendation, factor by factor)
       breach decide <id> --authority notify|not-notify --people inform|not-inform|public-communication|undetermined --justification "…" [--delay-reasons "…"]
       breach export [--format csv|json]
Dates without an offset are read in VIGIE_TIMEZONE. With --url (or VIGIE_URL) and --token (or VIGIE_TOKEN, a staff token
with role dpo) it works through a running Vigie's API, as the token's holder; otherwise it needs DATABASE_URL (the
embedded database belongs to the running server) and --by names who acts (default: cli:$USER).`;

const options = {
  title: { type: 'string' },
  aware: { type: 'string' },
  discovered: { type: 'string' },
  started: { type: 'string' },
  nature: { type: 'string', multiple: true },
  facts: { type: 'string' },
  reason: { type: 'string' },
  format: { type: 'string' },
  kind: { type: 'string' },
  at: { type: 'string' },
  summary: { type: 'string' },
  input: { type: 'string' },
  authority: { type: 'string' },
  people: { type: 'string' },
  justification: { type: 'string' },
  'delay-reasons': { type: 'string' },
  by: { type: 'string' },
  url: { type: 'string' },
  token: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ args: string[]; options: typeof options; allowPositionals: true }>>['values'];

export const breachCommand: Command = {
  summary: 'breach open|show|list|event|assess|decide|export: the breach register (see --help)',
  async run(args, env) {
    const [action, ...rest] = args;
    if (!action || action === '--help' || !['open', 'show', 'list', 'event', 'assess', 'decide', 'export'].includes(action)) {
      throw new UsageError(`usage: vigie ${usage}`);
    }
    const { values, positionals } = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
    const config = loadConfig(env);
    const client = apiClientFrom(values, env);
    if (client) {
      if (values.by) throw new UsageError("breach: --by names who acts in the database; through the API the token's holder acts");
      return remote(client, action, positionals, values, config);
    }
    if (!config.databaseUrl) throw new UsageError('breach: needs DATABASE_URL, or --url and --token to work through a running Vigie (the embedded database belongs to the running server)');
    const actor: BreachActor = { subject: values.by ?? `cli:${env.USER ?? env.USERNAME ?? 'unknown'}`, roles: ['dpo'] };
    const { db } = await openDatabase(config);
    try {
      await migrateToLatest(db);
      const deps: BreachDeps = { db, clock: systemClock, config };
      const id = () => positionals[0] ?? fail(`breach ${action}: the breach id is required`);
      switch (action) {
        case 'open':
          return await open(deps, values, actor);
        case 'show':
          return await show(deps, id(), values.format ?? 'md');
        case 'list':
          return await list(deps, values.format ?? 'table');
        case 'event':
          return await event(deps, id(), values, actor);
        case 'assess':
          return await assess(deps, id(), values, actor);
        case 'decide': {
          const body = decideBody.safeParse({ authority: values.authority, people: values.people, justification: values.justification, delayReasons: values['delay-reasons'] });
          if (!body.success) throw new ValidationError(body.error.issues.map((i) => ({ path: `--${String(i.path[0])}`, message: i.message })));
          await decideBreach(deps, id(), body.data, actor);
          console.log(decisionLine(id(), body.data));
          return 0;
        }
        default: {
          const lines = await listBreaches(db, { config, now: systemClock.now() });
          console.log(values.format === 'csv' ? registerCsv(lines, config.timeZone) : JSON.stringify(inZone({ timeZone: config.timeZone, breaches: lines }, config.timeZone), null, 2));
          return 0;
        }
      }
    } catch (error) {
      if (error instanceof ValidationError) {
        for (const e of error.errors) console.error(`vigie: ${e.path}: ${e.message}`);
        return 1;
      }
      if (error instanceof Error && 'status' in error && typeof error.status === 'number' && error.status < 500) {
        console.error(`vigie: ${error.message}`);
        return 1;
      }
      throw error;
    } finally {
      await db.destroy();
    }
  },
};

function fail(message: string): never {
  throw new UsageError(message);
}

function when(text: string | undefined, flag: string, config: Config): string | undefined {
  if (text === undefined) return undefined;
  const date = parseDateInZone(text, config.timeZone);
  if (!date) fail(`breach: ${flag} must look like "2026-03-27 16:00" (in ${config.timeZone}) or 2026-03-27T16:00:00+01:00`);
  return date.toISOString();
}

async function openInput(values: Values, config: Config) {
  const fromFile = values.facts ? JSON.parse(await readFile(values.facts, 'utf8')) : {};
  const given = {
    ...fromFile,
    ...(values.title ? { title: values.title } : {}),
    ...(values.aware ? { awareAt: when(values.aware, '--aware', config) } : {}),
    ...(values.discovered ? { discoveredAt: when(values.discovered, '--discovered', config) } : {}),
    ...(values.started ? { startedAt: when(values.started, '--started', config) } : {}),
    ...(values.nature ? { natures: values.nature } : {}),
    ...(values.reason ? { reason: values.reason } : {}),
  };
  const parsed = openBreachBody.safeParse(given);
  if (!parsed.success) throw new ValidationError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  return parsed.data;
}

async function open(deps: BreachDeps, values: Values, actor: BreachActor) {
  const { id } = await openBreach(deps, await openInput(values, deps.config), actor);
  const record = await getBreach(deps.db!, id, { config: deps.config, now: deps.clock.now() });
  printOpened(id, record.title, record.clocks, deps.config.timeZone);
  return 0;
}

async function show(deps: BreachDeps, id: string, format: string) {
  const record = await getBreach(deps.db!, id, { config: deps.config, now: deps.clock.now() });
  const zone = deps.config.timeZone;
  if (format === 'json') console.log(JSON.stringify(inZone(record, zone), null, 2));
  else if (format === 'html') console.log(breachHtml(record, zone));
  else if (format === 'md') console.log(breachMarkdown(record, zone));
  else fail('breach show: --format must be md, html or json');
  return 0;
}

async function list(deps: BreachDeps, format: string) {
  const lines = await listBreaches(deps.db!, { config: deps.config, now: deps.clock.now() });
  const zone = deps.config.timeZone;
  if (format === 'csv') console.log(registerCsv(lines, zone));
  else if (format === 'json') console.log(JSON.stringify(inZone(lines, zone), null, 2));
  else if (format === 'table') printTable(lines, zone);
  else fail('breach list: --format must be table, csv or json');
  return 0;
}

async function event(deps: BreachDeps, id: string, values: Values, actor: BreachActor) {
  const kind = values.kind as EventKind | undefined;
  if (!kind || !eventKinds.includes(kind)) fail(`breach event: --kind must be one of ${eventKinds.join(', ')}`);
  const at = when(values.at, '--at', deps.config) ?? fail('breach event: --at is required');
  if (!values.summary?.trim()) fail('breach event: --summary is required');
  await addTimelineEvent(deps, id, { kind, at: new Date(at), summary: values.summary.trim() }, actor);
  console.log(eventLine(id, new Date(at), kind, deps.config.timeZone));
  return 0;
}

async function assess(deps: BreachDeps, id: string, values: Values, actor: BreachActor) {
  if (!values.input) fail('breach assess: --input assessment.json is required (see README: easeOfIdentification, confidentiality, …)');
  const input = JSON.parse(await readFile(values.input, 'utf8'));
  printAssessment(await assessBreach(deps, id, input, actor));
  return 0;
}

/**
 * The same commands through a running Vigie's API (`--url`, `--token`): the zero-setup server keeps its
 * embedded database to itself, and a DPO works from their own machine. The token's holder is the actor.
 */
async function remote(client: ApiClient, action: string, positionals: string[], values: Values, config: Config): Promise<number> {
  const zone = config.timeZone;
  const base = config.adminPrefix;
  const id = () => encodeURIComponent(positionals[0] ?? fail(`breach ${action}: the breach id is required`));
  try {
    switch (action) {
      case 'open': {
        const { id: created } = await client.request<{ id: string }>('POST', `${base}/breaches`, await openInput(values, config));
        const record = await client.request<{ title: string; clocks: { en: string; dueAt: string | null; state: string }[] }>('GET', `${base}/breaches/${created}`);
        printOpened(created, record.title, record.clocks, zone);
        return 0;
      }
      case 'show': {
        const format = values.format ?? 'md';
        if (format === 'json') console.log(JSON.stringify(await client.request('GET', `${base}/breaches/${id()}`), null, 2));
        else if (format === 'md' || format === 'html') console.log(await client.text(`${base}/breaches/${id()}/document?format=${format}`));
        else fail('breach show: --format must be md, html or json');
        return 0;
      }
      case 'list': {
        const format = values.format ?? 'table';
        if (format === 'csv') console.log((await client.text(`${base}/breaches/export?format=csv`)));
        else if (format === 'json') console.log(JSON.stringify((await client.request<{ breaches: unknown[] }>('GET', `${base}/breaches`)).breaches, null, 2));
        else if (format === 'table') printTable((await client.request<{ breaches: TableLine[] }>('GET', `${base}/breaches`)).breaches, zone);
        else fail('breach list: --format must be table, csv or json');
        return 0;
      }
      case 'event': {
        const kind = values.kind as EventKind | undefined;
        if (!kind || !eventKinds.includes(kind)) fail(`breach event: --kind must be one of ${eventKinds.join(', ')}`);
        const at = when(values.at, '--at', config) ?? fail('breach event: --at is required');
        if (!values.summary?.trim()) fail('breach event: --summary is required');
        await client.request('POST', `${base}/breaches/${id()}/events`, { kind, at, summary: values.summary.trim() });
        console.log(eventLine(positionals[0]!, new Date(at), kind, zone));
        return 0;
      }
      case 'assess': {
        if (!values.input) fail('breach assess: --input assessment.json is required (see README: easeOfIdentification, confidentiality, …)');
        printAssessment(await client.request<AssessmentOutput>('POST', `${base}/breaches/${id()}/assessments`, JSON.parse(await readFile(values.input, 'utf8'))));
        return 0;
      }
      case 'decide': {
        const body = { authority: values.authority, people: values.people, justification: values.justification, ...(values['delay-reasons'] ? { delayReasons: values['delay-reasons'] } : {}) };
        await client.request('POST', `${base}/breaches/${id()}/decisions`, body);
        console.log(decisionLine(positionals[0]!, { authority: String(values.authority), people: String(values.people) }));
        return 0;
      }
      default: {
        const format = values.format === 'csv' ? 'csv' : 'json';
        console.log(format === 'csv' ? (await client.text(`${base}/breaches/export?format=csv`)) : await client.text(`${base}/breaches/export?format=json`));
        return 0;
      }
    }
  } catch (error) {
    // One clear line, as for every CLI error; never a stack trace for a refused request.
    if (error instanceof ApiError) {
      console.error(`vigie: ${error.message}`);
      return 1;
    }
    if (error instanceof ValidationError) {
      for (const e of error.errors) console.error(`vigie: ${e.path}: ${e.message}`);
      return 1;
    }
    throw error;
  }
}
