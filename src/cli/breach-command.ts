import { readFile } from 'node:fs/promises';
import { openBreachBody } from '../breaches/breach-facts.js';
import { eventKinds, type EventKind } from '../breaches/timeline.js';
import { formatInZone, parseDateInZone } from '../breaches/zoned-time.js';
import type { Config } from '../config.js';
import { ValidationError } from '../http/errors.js';
import type { ApiClient } from './api-client.js';
import { decisionLine, eventLine, printAssessment, printOpened, printTable, type AssessmentOutput, type TableLine } from './breach-output.js';
import { connectionOptions, withConnection } from './connect.js';
import { defineCommand, defineGroup, UsageError, type OptionSpecs, type PositionalSpec } from './spec.js';

const connection = connectionOptions;
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
  lang?: string | undefined;
  'expected-version'?: string | undefined;
  overdue?: boolean | undefined;
  status?: string | undefined;
  limit?: string | undefined;
  reference?: string | undefined;
  url?: string | undefined;
  token?: string | undefined;
}

const leaf = (name: string, summary: string, options: OptionSpecs, positionals: PositionalSpec[] = []) =>
  defineCommand({ name, summary, options: { ...options, ...connection }, positionals, run: ({ values, positionals: given, env }) => runBreach(name, given, values as Values, env) });

export const breachCommand = defineGroup({
  name: 'breach',
  summary: 'the breach register: open, show, list, edit, status, event, assess, decide, people, filing, export',
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
    leaf(
      'show',
      'a breach as a document (Markdown, HTML) or JSON',
      { format: { type: 'string', value: 'md|html|json', description: 'the output', default: 'md' }, lang: { type: 'string', value: 'fr|en', description: 'the language of the document', default: 'fr' } },
      breachId,
    ),
    leaf(
      'edit',
      'change facts (the CNIL form fields): a new version, the change and its reason kept',
      {
        facts: { type: 'string', value: 'FILE', required: true, description: 'a JSON file of the fields to change, such as {"peopleCount": 512}' },
        reason: { type: 'string', value: 'TEXT', required: true, description: 'why (kept with the version)' },
        'expected-version': { type: 'string', value: 'N', description: 'the version you read: refused (409) if someone changed it since' },
      },
      breachId,
    ),
    leaf('status', 'move the breach to another status (open, assessed, notified, closed, reopened)', { reason: { type: 'string', value: 'TEXT', required: true, description: 'why' } }, [
      ...breachId,
      { name: 'status', description: 'open, assessed, notified, closed or reopened' },
    ]),
    leaf('people import', 'add the people concerned from a CSV file (a "person" column; optional categories, dates)', {}, [
      ...breachId,
      { name: 'file.csv', description: 'the people, one line each' },
    ]),
    leaf(
      'people list',
      'the people concerned, their follow-up status and due date; --overdue: those past due',
      {
        overdue: { type: 'boolean', description: 'only those whose due date has passed while not answered, remedied or closed' },
        status: { type: 'string', value: 'STATUS', description: 'only this follow-up status' },
        limit: { type: 'string', value: 'N', description: 'at most this many (1–1000)', default: '100' },
      },
      breachId,
    ),
    leaf(
      'filing',
      'record that a notification was filed (the CNIL, by default the initial one): its clock is met',
      {
        at: { type: 'string', value: 'WHEN', required: true, description: when('when it was filed') },
        reference: { type: 'string', value: 'REF', description: "the authority's reference (receipt number)" },
        kind: { type: 'string', value: 'initial|complementary', description: 'which notification', default: 'initial' },
        'delay-reasons': { type: 'string', value: 'TEXT', description: 'reasons, when filed after the deadline' },
      },
      breachId,
    ),
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

/** Every action through the API, as the token's holder (src/cli/connect.ts). */
function runBreach(action: string, positionals: string[], values: Values, env: NodeJS.ProcessEnv): Promise<number> {
  return withConnection(values, env, ({ client, config }) => remote(client, action, positionals, values, config));
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

/** The register's routes under the admin prefix; the token's holder is the actor. */
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
        else if (format === 'md' || format === 'html') console.log(await client.text(`${base}/breaches/${id()}/document?${new URLSearchParams({ format, lang: values.lang ?? 'fr' })}`));
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
      case 'edit': {
        const changes = await readJsonFile(values.facts!, '--facts');
        const expected = values['expected-version'] === undefined ? undefined : Number(values['expected-version']);
        const edited = await client.request<{ version: number; changes: number }>('PATCH', `${base}/breaches/${id()}`, { changes, reason: values.reason, ...(expected ? { expectedVersion: expected } : {}) });
        console.log(`breach ${positionals[0]}: version ${edited.version}, ${edited.changes} change(s)`);
        return 0;
      }
      case 'status': {
        const changed = await client.request<{ status: string; version: number }>('POST', `${base}/breaches/${id()}/status`, { status: positionals[1], reason: values.reason });
        console.log(`breach ${positionals[0]}: ${changed.status} (version ${changed.version})`);
        return 0;
      }
      case 'people import': {
        let text: string;
        try {
          text = await readFile(positionals[1]!, 'utf8');
        } catch {
          fail(`cannot read ${positionals[1]}`);
        }
        const path = `${base}/breaches/${id()}/people/import`;
        const result = await client.upload<{ received: number; added: number; alreadyThere: number }>(path, text, 'text/csv');
        console.log(`breach ${positionals[0]}: ${result.received} person(s) read, ${result.added} added, ${result.alreadyThere} already there`);
        return 0;
      }
      case 'people list': {
        const query = new URLSearchParams({ limit: values.limit ?? '100', ...(values.overdue ? { overdue: 'true' } : {}), ...(values.status ? { status: values.status } : {}) });
        const answer = await client.request<{ counts: { total: number; overdue: number; byStatus: Record<string, number> }; people: { ref: string; status: string; dueAt: string | null }[] }>('GET', `${base}/breaches/${id()}/people?${query}`);
        for (const p of answer.people) console.log(`${p.ref.padEnd(24)} ${p.status.padEnd(12)} ${p.dueAt ? `due ${formatInZone(new Date(p.dueAt), zone)}` : 'no due date'}`);
        const states = Object.entries(answer.counts.byStatus).filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`).join(' · ');
        console.log(`${answer.counts.total} person(s)${states ? ` (${states})` : ''}, ${answer.counts.overdue} overdue${answer.people.length < (values.overdue ? answer.counts.overdue : answer.counts.total) ? `; ${answer.people.length} shown` : ''}`);
        return 0;
      }
      case 'filing': {
        const filedAt = whenOption(values.at, '--at', config)!;
        const body = { filedAt, kind: values.kind ?? 'initial', ...(values.reference ? { reference: values.reference } : {}), ...(values['delay-reasons'] ? { delayReasons: values['delay-reasons'] } : {}) };
        const filed = await client.request<{ regime: string; step: string; kind: string }>('POST', `${base}/breaches/${id()}/filings`, body);
        console.log(`breach ${positionals[0]}: ${filed.regime} ${filed.step} (${filed.kind}) filed at ${formatInZone(new Date(filedAt), zone)}`);
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

async function readJsonFile(path: string, flag: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    fail(`${flag} must name a readable JSON file`);
  }
}
