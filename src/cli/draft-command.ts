import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
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
import { loadConfig, UsageError, type Command } from './main.js';

const usage = `usage:
  vigie draft cnil <breach> [--complementary] [--lang fr|en] [--input facts.json] [--dry-run] [--by name] [--reason "…"]
  vigie draft notice <breach> --channel sms|email|letter [--kind notice|apology|public-notice|partner-notice] [--lang fr|en] [--input facts.json] [--dry-run]
  vigie draft preview <draft-id> [--person person.json]
  vigie draft preview --kind notice --channel sms --input facts.json [--person person.json] [--lang fr|en]
  vigie draft show <draft-id>
  vigie draft approve <draft-id> --version N --reason "…" [--by name]
Facts come from the breach register (DATABASE_URL, or the embedded database) unless --input gives a DraftInput JSON file.
Drafts are saved as version 1 (print the id) unless --dry-run; the CLI acts as the person named by --by (default $USER).`;

const options = {
  lang: { type: 'string', default: 'fr' },
  channel: { type: 'string' },
  kind: { type: 'string' },
  input: { type: 'string' },
  person: { type: 'string' },
  complementary: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  by: { type: 'string' },
  reason: { type: 'string' },
  version: { type: 'string' },
} as const;

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

export const draftCommand: Command = {
  summary: 'draft cnil|notice|preview|show|approve: CNIL notification and messages to people (see --help)',
  async run(args, env) {
    const [action, ...rest] = args;
    if (!action || action === '--help' || !['cnil', 'notice', 'preview', 'show', 'approve'].includes(action)) {
      console.log(usage);
      return action === '--help' ? 0 : 2;
    }
    const { values, positionals } = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
    const lang = values.lang as Language;
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
    if (!target) throw new UsageError(`draft ${action}: a ${action === 'cnil' || action === 'notice' ? 'breach' : 'draft'} id is required\n${usage}`);
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
  },
};

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
