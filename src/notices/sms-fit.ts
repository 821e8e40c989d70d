import type { DraftInput } from './draft-input.js';
import type { Language } from './labels.js';
import { compilePersonalMessage, type PersonRecord } from './render-personal.js';
import { countSms, foldPunctuation, foldToGsm } from './sms.js';

/** The person whose message is the longest the breach can give: every category of the breach, a time range. */
export function longestPerson(input: DraftInput): PersonRecord {
  const { breach } = input;
  const first = breach.startedAt ?? breach.awareAt;
  const last = breach.endedAt && breach.endedAt !== first ? breach.endedAt : new Date(Date.parse(first) + 3_600_000).toISOString();
  return { name: 'X'.repeat(40), exposed: breach.dataCategories.length > 0 ? breach.dataCategories : ['unknown'], firstExposedAt: first, lastExposedAt: last };
}

/**
 * Picks the first SMS wording that fits the segment budget for every recipient (measured on the longest
 * message the breach can give), from the fullest to the plainest; typographic punctuation is always folded,
 * French accents outside GSM-7 only as a last resort. Returns the plainest when none fits (the preview warns).
 */
export function fitSms(candidates: string[], input: DraftInput, lang: Language, timeZone: string, maxSegments: number): string {
  const person = longestPerson(input);
  const segments = (text: string) => countSms(compilePersonalMessage({ lang, parts: { sms: text } }, timeZone)(person).sms!).segments;
  const folded = candidates.map(foldPunctuation);
  for (const text of folded) if (segments(text) <= maxSegments) return text;
  return foldToGsm(folded[folded.length - 1]!);
}
