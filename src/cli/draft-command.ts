import { readFile } from 'node:fs/promises';
import { systemClock } from '../clock.js';
import { loadTemplateOverrides } from '../entry/load-templates.js';
import { ValidationError } from '../http/errors.js';
import { draftKinds, type DraftKind } from '../notices/documents.js';
import { draftInputSchema, personSchema, type DraftInput } from '../notices/draft-input.js';
import type { Language } from '../notices/labels.js';
import { previewDraft, type Preview } from '../notices/preview.js';
import { renderDraft } from '../notices/render-draft.js';
import { createTemplateSet } from '../notices/template-set.js';
import { loadConfig } from './config.js';
import { connectionOptions, withConnection } from './connect.js';
import { defineCommand, defineGroup, UsageError, type OptionSpecs, type PositionalSpec } from './spec.js';

const lang = { type: 'string', value: 'fr|en', description: 'the language', default: 'fr' } as const;
const input = { type: 'string', value: 'FILE', description: 'a DraftInput JSON file instead of the facts of the register' } as const;
const reason = { type: 'string', value: 'TEXT', description: 'why, for the history' } as const;
const dryRun = { type: 'boolean', description: 'print it, save nothing' } as const;
const person = { type: 'string', value: 'FILE', description: 'a person JSON file to fill the message with (default: a sample person)' } as const;
const kind = { type: 'string', value: 'KIND', description: `one of ${draftKinds.join(', ')}`, default: 'notice' } as const;
const channel = { type: 'string', value: 'CHANNEL', description: 'sms, email, letter or web' } as const;
const breach = [{ name: 'breach', description: 'the breach number in the register' }];
const draft = [{ name: 'draft', description: 'the draft id' }];

interface Values {
  lang: string;
  channel?: string | undefined;
  kind?: string | undefined;
  input?: string | undefined;
  person?: string | undefined;
  complementary?: boolean | undefined;
  'dry-run'?: boolean | undefined;
  reason?: string | undefined;
  version?: string | undefined;
  url?: string | undefined;
  token?: string | undefined;
}

const leaf = (name: string, summary: string, options: OptionSpecs, positionals: PositionalSpec[]) =>
  defineCommand({ name, summary, options, positionals, run: ({ values, positionals: given, env }) => runDraft(name, given, values as unknown as Values, env) });

export const draftCommand = defineGroup({
  name: 'draft',
  summary: 'the CNIL notification and the messages to people: cnil, notice, preview, show, approve',
  notes: [
    'Facts come from the breach register unless --input gives a DraftInput JSON file. Drafts are saved as version 1 (through the API,',
    "as the holder of --token: dpo or comms; approving: dpo). A preview or a --dry-run of an --input file renders it here and saves nothing.",
  ],
  subcommands: [
    leaf('cnil', 'write the CNIL notification from the register', { complementary: { type: 'boolean', description: 'the complementary notification (after the initial one)' }, lang, input, 'dry-run': dryRun, reason, ...connectionOptions }, breach),
    leaf('notice', 'write a message to the people concerned', { channel: { ...channel, required: true }, kind, lang, input, 'dry-run': dryRun, reason, ...connectionOptions }, breach),
    leaf('preview', 'a draft as its recipient sees it (a saved draft, or --input without saving)', { kind, channel, input, person, lang, ...connectionOptions }, [{ ...draft[0]!, optional: true }]),
    leaf('show', 'a saved draft, its parts as written', { ...connectionOptions }, draft),
    leaf('approve', 'approve a version of a draft (the DPO), so it may be sent', { version: { type: 'string', value: 'N', required: true, description: 'the version you read' }, reason: { ...reason, required: true }, ...connectionOptions }, draft),
  ],
});

async function readJson(path: string, flag: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw new UsageError(`draft: ${flag} must name a readable JSON file`);
  }
}

/** Field errors of a DraftInput file, as one line each; the same paths the API answers with. */
function parseWith<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })));
}

function print(preview: Preview, heading: string): void {
  console.log(heading);
  for (const [part, text] of Object.entries(preview.parts)) console.log(`\n──── ${part} ────\n${text.trimEnd()}`);
  if (preview.sms) {
    const sms = preview.sms;
    console.log(`\nSMS: ${sms.encoding}, ${sms.characters} characters, ${sms.units} ${sms.encoding === 'GSM-7' ? 'septets' : 'units'}, ${sms.segments} segment(s) of ${sms.perSegment}`);
    for (const warning of sms.warnings) console.log(`warning: ${warning}`);
  }
}

interface DraftDocument {
  id: string;
  kind: string;
  channel: string;
  lang: string;
  version: number;
  origin: string;
  parts: Record<string, string>;
  isApproved: boolean;
  approval: { by: string } | null;
}

async function runDraft(action: string, positionals: string[], values: Values, env: NodeJS.ProcessEnv): Promise<number> {
  const lang = (values.lang ?? 'fr') as Language;
  if (lang !== 'fr' && lang !== 'en') throw new UsageError('--lang must be fr or en');
  const target = positionals[0];
  const input = values.input ? parseWith<DraftInput>(draftInputSchema, await readJson(values.input, '--input')) : undefined;
  const person = values.person ? parseWith(personSchema, await readJson(values.person, '--person')) : undefined;

  // Rendering a file acts on no data: no database, no token (the same functions the preview route calls).
  if (input && (values['dry-run'] || (action === 'preview' && !target))) {
    const config = loadConfig(env);
    const overrides = config.notices.templatesDir ? await loadTemplateOverrides(config.notices.templatesDir) : undefined;
    const { kind, channel } = kindAndChannel(action, values);
    const rendered = renderDraft(createTemplateSet(overrides), { kind, channel, lang, input, timeZone: config.timeZone, at: systemClock.now() });
    print(previewDraft(rendered, { timeZone: config.timeZone, smsMaxSegments: config.notices.smsMaxSegments, person, source: input }), `${kind} / ${channel} / ${lang} (not saved)`);
    return 0;
  }
  if (values['dry-run']) throw new UsageError('--dry-run renders an --input file; without --input the draft is written from the register and saved');
  if (!target) throw new UsageError(`a ${action === 'cnil' || action === 'notice' ? 'breach' : 'draft'} id is required`);
  return withConnection(values, env, async ({ client, config }) => {
    const base = config.adminPrefix;
    const id = encodeURIComponent(target);
    if (action === 'show' || action === 'preview') {
      const saved = await client.request<DraftDocument>('GET', `${base}/drafts/${id}`);
      const state = saved.isApproved ? `approved by ${saved.approval?.by}` : 'not approved';
      const heading = `draft ${saved.id}: ${saved.kind} / ${saved.channel} / ${saved.lang}, version ${saved.version} (${saved.origin}), ${state}`;
      const preview = await client.request<Preview>('POST', `${base}/drafts/${id}/preview`, person ? { person } : {});
      print(action === 'show' ? { ...preview, parts: saved.parts } : preview, heading);
      return 0;
    }
    if (action === 'approve') {
      const version = Number(values.version);
      if (!Number.isInteger(version) || version < 1) throw new UsageError('--version N is required (the version you read)');
      const approved = await client.request<DraftDocument>('POST', `${base}/drafts/${id}/approval`, { version, reason: values.reason });
      console.log(`draft ${approved.id} version ${approved.version} approved by ${approved.approval?.by}`);
      return 0;
    }
    const { kind, channel } = kindAndChannel(action, values);
    const saved = await client.request<DraftDocument>('POST', `${base}/breaches/${id}/drafts`, { kind, channel, lang, ...(input ? { input } : {}), reason: values.reason ?? `written with vigie draft ${action}` });
    const preview = await client.request<Preview>('POST', `${base}/drafts/${encodeURIComponent(saved.id)}/preview`, {});
    print({ ...preview, parts: saved.parts }, `draft ${saved.id} saved: ${kind} / ${channel} / ${lang}, version 1 — a DPO approves it before it is sent`);
    return 0;
  });
}

function kindAndChannel(action: string, values: { kind?: string | undefined; channel?: string | undefined; complementary?: boolean | undefined }): { kind: DraftKind; channel: string } {
  if (action === 'cnil') return { kind: values.complementary ? 'cnil-complementary' : 'cnil-initial', channel: 'form' };
  const kind = (values.kind ?? 'notice') as DraftKind;
  if (!draftKinds.includes(kind)) throw new UsageError(`draft: --kind must be one of ${draftKinds.join(', ')}`);
  const channel = values.channel ?? (kind.startsWith('cnil') ? 'form' : undefined);
  if (!channel) throw new UsageError('draft: --channel is required (sms, email, letter, web)');
  return { kind, channel };
}
