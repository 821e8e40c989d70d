import { ValidationError } from '../http/errors.js';
import { assertComplete, IncompleteDraftError } from './completeness.js';
import { channelParts, mediumOf, partsOf, type DraftKind } from './documents.js';
import type { DraftInput } from './draft-input.js';
import type { Language } from './labels.js';
import { escapeHtml, renderStrict, TemplateValueError } from './strict-render.js';
import type { TemplateSet } from './template-set.js';
import { fitSms } from './sms-fit.js';
import { buildView } from './view-model.js';

/** VIGIE_SMS_MAX_SEGMENTS's default, for callers that pass no budget. */
const defaultSmsSegments = 3;

export interface RenderRequest {
  kind: DraftKind;
  channel: string;
  lang: Language;
  input: DraftInput;
  timeZone: string;
  /** When the draft is written (injected clock). */
  at: Date;
  /** SMS segment budget (VIGIE_SMS_MAX_SEGMENTS): the wording is chosen to fit it. */
  smsMaxSegments?: number;
}

export interface RenderedDraft {
  kind: DraftKind;
  channel: string;
  lang: Language;
  /** One text per part (`email-subject`, `email-html`, `sms`, `form` …). */
  parts: Record<string, string>;
}

/**
 * Person fields are `[[…]]` placeholders that this first pass leaves as they are (render-personal.ts fills
 * them per person). A breach-level value must not smuggle one in, so `[[` in values is broken up here.
 */
const breakPlaceholders = (text: string) => text.replaceAll('[[', '[ [');
const stage1Escape = {
  html: (value: unknown) => escapeHtml(value).replaceAll('[', '&#91;'),
  text: (value: unknown) => breakPlaceholders(String(value)),
  sms: (value: unknown) => breakPlaceholders(String(value)),
};

export function assertChannel(kind: DraftKind, channel: string): readonly string[] {
  const parts = partsOf(kind, channel);
  if (!parts) {
    const allowed = Object.keys(channelParts[kind]).join(', ');
    throw new ValidationError([{ path: 'channel', message: `a ${kind} draft goes out on: ${allowed}` }]);
  }
  return parts;
}

/**
 * Checks completeness, then renders every part of the document, each escaped for its medium. Throws
 * IncompleteDraftError naming the missing fields (nothing is rendered), also when a template uses a value
 * the input lacks.
 */
export function renderDraft(templates: TemplateSet, request: RenderRequest): RenderedDraft {
  const { kind, channel, lang, input, timeZone, at } = request;
  const parts = assertChannel(kind, channel);
  assertComplete(kind, channel, input, at);
  const partials = templates.partials(lang);
  const rendered: Record<string, string> = {};
  for (const part of parts) {
    const { name, text } = templates.template(lang, kind, part);
    const write = (smsWithExposed: boolean) => renderStrict(name, text, buildView(input, { lang, timeZone, at, smsWithExposed }), { escape: stage1Escape[mediumOf(part)], partials });
    try {
      if (part === 'sms') {
        // The fullest wording that fits the budget for every recipient (sms-fit.ts).
        rendered[part] = fitSms([write(true).trimEnd(), write(false).trimEnd()], input, lang, timeZone, request.smsMaxSegments ?? defaultSmsSegments);
        continue;
      }
      const output = write(true);
      rendered[part] = part.endsWith('subject') ? output.replace(/\s+/g, ' ').trim() : output.trimEnd() + '\n';
    } catch (error) {
      if (error instanceof TemplateValueError) {
        throw new IncompleteDraftError([{ path: error.field, message: `used by the template ${error.template} but has no value` }]);
      }
      throw error;
    }
  }
  return { kind, channel, lang, parts: rendered };
}
