import { readFile } from 'node:fs/promises';
import { systemClock } from '../clock.js';
import { openDatabase } from '../entry/open-database.js';
import { loadTemplateOverrides } from '../entry/load-templates.js';
import { ValidationError } from '../http/errors.js';
import { draftKinds, type DraftKind } from '../notices/documents.js';
import { draftInputSchema, personSchema, type DraftInput } from '../notices/draft-input.js';
import { approveDraft, createDraft, getDraft } from '../notices/drafts-service.js';
import { draftInputFromRegister } from '../notices/from-breach.js';
import type { Language } from '../notices/labels.js';
import type { Actor, NoticeDeps } from '../notices/notice-deps.js';
import { previewDraft, type Preview } from '../notices/preview.js';
import { renderDraft } from '../notices/render-draft.js';
import { createTemplateSet } from '../notices/template-set.js';
import { loadConfig } from './config.js';
import { defineCommand, defineGroup, UsageError, type OptionSpecs, type PositionalSpec } from './spec.js';

const lang = { type: 'string', value: 'fr|en', description: 'the language', default: 'fr' } as const;
const input = { type: 'string', value: 'FILE', description: 'a DraftInput JSON file instead of the facts of the register' } as const;
const by = { type: 'string', value: 'NAME', description: 'who acts (default $USER)' } as const;
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
  by?: string | undefined;
  reason?: string | undefined;
  version?: string | undefined;
}

const leaf = (name: string, summary: string, options: OptionSpecs, positionals: PositionalSpec[]) =>
  defineCommand({ name, summary, options, positionals, run: ({ values, positionals: given, env }) => runDraft(name, given, values as unknown as Values, env) });

export const draftCommand = defineGroup({
  name: 'draft',
  summary: 'the CNIL notification and the messages to people: cnil, notice, preview, show, approve',
  notes: ['Facts come from the breach register unless --input gives a DraftInput JSON file. Drafts are saved as version 1 unless --dry-run.'],
  subcommands: [
    leaf('cnil', 'write the CNIL notification from the register', { complementary: { type: 'boolean', description: 'the complementary notification (after the initial one)' }, lang, input, 'dry-run': dryRun, by, reason }, breach),
    leaf('notice', 'write a message to the people concerned', { channel: { ...channel, required: true }, kind, lang, input, 'dry-run': dryRun, by, reason }, breach),
    leaf('preview', 'a draft as its recipient sees it (a saved draft, or --input without saving)', { kind, channel, input, person, lang }, [{ ...draft[0]!, optional: true }]),
    leaf('show', 'a saved draft, its parts as written', {}, draft),
    leaf('approve', 'approve a version of a draft (the DPO), so it may be sent', { version: { type: 'string', value: 'N', required: true, description: 'the version you read' }, reason: { ...reason, required: true }, by }, draft),
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

async function runDraft(action: string, positionals: string[], values: Values, env: NodeJS.ProcessEnv): Promise<number> {
  {
    const lang = (values.lang ?? 'fr') as Language;
    if (lang !== 'fr' && lang !== 'en') throw new UsageError('draft: --lang must be fr or en');
    const config = loadConfig(env);
    const overrides = config.notices.templatesDir ? await loadTemplateOverrides(config.notices.templatesDir) : undefined;
    const actor: Actor = { subject: `cli:${values.by ?? env.USER ?? 'unknown'}`, roles: ['dpo', 'comms'] };
    const target = positionals[0];
    const input = values.input ? parseWith<DraftInput>(draftInputSchema, await readJson(values.input, '--input')) : undefined;
    const person = values.person ? parseWith(personSchema, await readJson(values.person, '--person')) : undefined;

    // Rendering from a file needs no database.
    if (input && (values['dry-run'] || (action === 'preview' && !target))) {
      const { kind, channel } = kindAndChannel(action, values);
      return reportInvalid(() => {
        const draft = renderDraft(createTemplateSet(overrides), { kind, channel, lang, input, timeZone: config.timeZone, at: systemClock.now() });
        print(previewDraft(draft, { timeZone: config.timeZone, smsMaxSegments: config.notices.smsMaxSegments, person, source: input }), `${kind} / ${channel} / ${lang} (not saved)`);
      });
    }
    if (!target) throw new UsageError(`a ${action === 'cnil' || action === 'notice' ? 'breach' : 'draft'} id is required`);
    const { db } = await openDatabase(config);
    const deps: NoticeDeps = { db, clock: systemClock, config, noticeTemplates: overrides };
    try {
      if (action === 'show' || action === 'preview') {
        const draft = await getDraft(deps, target);
        const source = draftInputSchema.safeParse(draft.source);
        const preview = previewDraft(draft, { timeZone: config.timeZone, smsMaxSegments: config.notices.smsMaxSegments, person, source: source.success ? source.data : undefined });
        const state = draft.isApproved ? `approved by ${draft.approval?.by}` : 'not approved';
        print(action === 'show' ? { ...preview, parts: draft.parts } : preview, `draft ${draft.id}: ${draft.kind} / ${draft.channel} / ${draft.lang}, version ${draft.version} (${draft.origin}), ${state}`);
        return 0;
      }
      if (action === 'approve') {
        const version = Number(values.version);
        if (!Number.isInteger(version) || version < 1) throw new UsageError('draft approve: --version N is required (the version you read)');
        if (!values.reason?.trim()) throw new UsageError('draft approve: --reason "…" is required');
        const draft = await approveDraft(deps, target, { version, reason: values.reason }, actor);
        console.log(`draft ${draft.id} version ${draft.version} approved by ${actor.subject}`);
        return 0;
      }
      const { kind, channel } = kindAndChannel(action, values);
      const facts = input ?? (await draftInputFromRegister(deps, target));
      const draft = await createDraft(deps, { breachId: target, kind, channel, lang, input: facts, reason: values.reason ?? `written with vigie draft ${action}` }, actor);
      const preview = previewDraft(draft, { timeZone: config.timeZone, smsMaxSegments: config.notices.smsMaxSegments, source: facts });
      print({ ...preview, parts: draft.parts }, `draft ${draft.id} saved: ${kind} / ${channel} / ${lang}, version 1 — a DPO approves it before it is sent`);
      return 0;
    } catch (error) {
      return reportInvalid(() => {
        throw error;
      });
    } finally {
      await db.destroy();
    }
  }
}

/** Missing or invalid fields: one line naming them, exit code 1 (the draft was not written). */
function reportInvalid(run: () => void): number {
  try {
    run();
    return 0;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    console.error(`vigie draft: ${error.message}`);
    return 1;
  }
}

function kindAndChannel(action: string, values: { kind?: string | undefined; channel?: string | undefined; complementary?: boolean | undefined }): { kind: DraftKind; channel: string } {
  if (action === 'cnil') return { kind: values.complementary ? 'cnil-complementary' : 'cnil-initial', channel: 'form' };
  const kind = (values.kind ?? 'notice') as DraftKind;
  if (!draftKinds.includes(kind)) throw new UsageError(`draft: --kind must be one of ${draftKinds.join(', ')}`);
  const channel = values.channel ?? (kind.startsWith('cnil') ? 'form' : undefined);
  if (!channel) throw new UsageError('draft: --channel is required (sms, email, letter, web)');
  return { kind, channel };
}
