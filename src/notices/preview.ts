import { isPersonal, type DraftKind } from './documents.js';
import type { DraftInput } from './draft-input.js';
import type { Language } from './labels.js';
import { compilePersonalMessage, type PersonRecord } from './render-personal.js';
import { countSms, smsWarnings, type SmsCount } from './sms.js';

export interface Preview {
  /** The message as the recipient would read it (a sample person unless one is given). */
  parts: Record<string, string>;
  person: PersonRecord | null;
  sms: (SmsCount & { warnings: string[] }) | null;
}

const sampleNames: Record<Language, string> = { fr: 'Camille Exemple', en: 'Alex Example' };

/** A stand-in recipient built from the breach's own facts, so a preview never invents exposure. */
export function samplePerson(input: DraftInput | undefined, lang: Language): PersonRecord {
  return {
    name: sampleNames[lang],
    exposed: input?.breach.dataCategories.length ? input.breach.dataCategories : ['unknown'],
    firstExposedAt: input?.breach.startedAt ?? input?.breach.awareAt ?? new Date(0).toISOString(),
    lastExposedAt: input?.breach.endedAt ?? undefined,
  };
}

export function previewDraft(
  draft: { kind: DraftKind; lang: Language; parts: Record<string, string> },
  options: { timeZone: string; smsMaxSegments: number; person?: PersonRecord | undefined; source?: DraftInput | undefined },
): Preview {
  const person = isPersonal(draft.kind) ? (options.person ?? samplePerson(options.source, draft.lang)) : null;
  const parts = person ? compilePersonalMessage(draft, options.timeZone)(person) : draft.parts;
  const sms = parts.sms === undefined ? null : countSms(parts.sms);
  return { parts, person, sms: sms ? { ...sms, warnings: smsWarnings(sms, options.smsMaxSegments, draft.lang) } : null };
}
