import { readFile } from 'node:fs/promises';
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
import { apiClientFrom, type ApiClient } from './api-client.js';
import { decisionLine, eventLine, printAssessment, printOpened, printTable, type AssessmentOutput, type TableLine } from './breach-output.js';
import { loadConfig } from './config.js';
import { defineCommand, defineGroup, UsageError, type OptionSpecs, type PositionalSpec } from './spec.js';

const connection = {
  url: { type: 'string', value: 'URL', env: 'VIGIE_URL', description: 'a running Vigie, such as http://localhost:8080' },
  token: { type: 'string', value: 'TOKEN', env: 'VIGIE_TOKEN', description: 'a staff token with role dpo (read: dpo or auditor)' },
  by: { type: 'string', value: 'NAME', description: 'without --url, on DATABASE_URL: who acts (default cli:$USER)' },
} as const;
const when = (what: string) => `${what}: "2026-03-27 16:00" (in VIGIE_TIMEZONE) or 2026-03-27T16:00:00+01:00`;
const breachId = [{ name: 'id', description: 'the breach number in the register' }];

interface Values {
  title?: string | undefined;
  aware?: string | undefined;
  discovered?: string | undefined;
  started?: string | undefined;
  nature?: string[] | undefined;
  facts?: string | undefined;
  reason?: string | undefined;
  format?: string | undefined;
  kind?: string | undefined;
  at?: string | undefined;
  summary?: string | undefined;
  input?: string | undefined;
  authority?: string | undefined;
  people?: string | undefined;
  justification?: string | undefined;
  'delay-reasons'?: string | undefined;
  by?: string | undefined;
  url?: string | undefined;
  token?: string | undefined;
}

const leaf = (name: string, summary: string, options: OptionSpecs, positionals: PositionalSpec[] = []) =>
  defineCommand({ name, summary, options: { ...options, ...connection }, positionals, run: ({ values, positionals: given, env }) => runBreach(name, given, values as Values, env) });

export const breachCommand = defineGroup({
  name: 'breach',
  summary: 'the breach register: open, show, list, event, assess, decide, export',
  notes: [
    'Dates without an offset are read in VIGIE_TIMEZONE. With --url (VIGIE_URL) and --token (VIGIE_TOKEN) it works',
    "through a running Vigie's API as the token's holder; otherwise on DATABASE_URL.",
  ],
  subcommands: [
    leaf('open', 'open a breach: its clocks start from the awareness time', {
      title: { type: 'string', value: 'TEXT', description: 'a short title' },
      aware: { type: 'string', value: 'WHEN', description: when('when the organisation became aware') },
      discovered: { type: 'string', value: 'WHEN', description: when('when it was discovered') },
      started: { type: 'string', value: 'WHEN', description: when('when it started') },
      nature: { type: 'string', value: 'NATURE', multiple: true, description: 'confidentiality, integrity or availability' },
      facts: { type: 'string', value: 'FILE', description: 'a JSON file of facts (the CNIL form fields); options override it' },
      reason: { type: 'string', value: 'TEXT', description: 'why, for the history' },
    }),
    leaf('show', 'a breach as a document (Markdown, HTML) or JSON', { format: { type: 'string', value: 'md|html|json', description: 'the output', default: 'md' } }, breachId),
    leaf('list', 'the register, one line per breach with its clocks', { format: { type: 'string', value: 'table|csv|json', description: 'the output', default: 'table' } }),
    leaf(
      'event',
      'add a dated event to the timeline',
      {
        kind: { type: 'string', value: 'KIND', required: true, description: `one of ${eventKinds.join(', ')}` },
        at: { type: 'string', value: 'WHEN', required: true, description: when('when it happened') },
        summary: { type: 'string', value: 'TEXT', required: true, description: 'what happened' },
      },
      breachId,
    ),
    leaf('assess', 'ENISA score and recommendation, factor by factor', { input: { type: 'string', value: 'FILE', required: true, description: 'assessment.json (see README: easeOfIdentification, confidentiality, …)' } }, breachId),
    leaf(
      'decide',
      "record the DPO's decision: notify the authority, inform the people",
      {
        authority: { type: 'string', value: 'notify|not-notify', required: true, description: 'notify the supervisory authority or not' },
        people: { type: 'string', value: 'DECISION', required: true, description: 'inform, not-inform, public-communication or undetermined' },
        justification: { type: 'string', value: 'TEXT', required: true, description: 'why (required in writing when not notifying)' },
        'delay-reasons': { type: 'string', value: 'TEXT', description: 'reasons for a notification after 72 hours' },
      },
      breachId,
    ),
    leaf('export', 'the whole register as CSV or JSON', { format: { type: 'string', value: 'csv|json', description: 'the output', default: 'json' } }),
  ],
});

async function runBreach(action: string, positionals: string[], values: Values, env: NodeJS.ProcessEnv): Promise<number> {
  {
    const config = loadConfig(env);
    const client = apiClientFrom(values, env);
    if (client) {
      if (values.by) throw new UsageError("--by names who acts in the database; through the API the token's holder acts");
      return remote(client, action, positionals, values, config);
    }
    if (!config.databaseUrl) throw new UsageError('needs DATABASE_URL, or --url and --token to work through a running Vigie (the embedded database belongs to the running server)');
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
    } finally {
      await db.destroy();
    }
  }
}

function fail(message: string): never {
  throw new UsageError(message);
}

function whenOption(text: string | undefined, flag: string, config: Config): string | undefined {
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
    ...(values.aware ? { awareAt: whenOption(values.aware, '--aware', config) } : {}),
    ...(values.discovered ? { discoveredAt: whenOption(values.discovered, '--discovered', config) } : {}),
    ...(values.started ? { startedAt: whenOption(values.started, '--started', config) } : {}),
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
  const at = whenOption(values.at, '--at', deps.config) ?? fail('breach event: --at is required');
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
  {
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
        const at = whenOption(values.at, '--at', config) ?? fail('breach event: --at is required');
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
  }
}
