import { isoInZone, offsetMinutes, offsetText, pad, wallTimeIn } from '../time/zoned.js';

// Month names come from Intl; one formatter per language and zone, as building one costs far more than using it.
const dateFormatters = new Map<string, Intl.DateTimeFormat>();

/** For people: "31 mars 2020 à 15:15 (UTC+02:00)" / "31 March 2020, 15:15 (UTC+02:00)". */
export function formatForPeople(ms: number, timeZone: string, language: 'fr' | 'en'): string {
  const key = `${language}|${timeZone}`;
  let formatter = dateFormatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(language === 'fr' ? 'fr-FR' : 'en-GB', { timeZone, day: 'numeric', month: 'long', year: 'numeric' });
    dateFormatters.set(key, formatter);
  }
  const date = formatter.format(new Date(ms));
  const w = wallTimeIn(ms, timeZone);
  const zone = `UTC${offsetText(offsetMinutes(ms, timeZone))}`;
  return language === 'fr' ? `${date} à ${pad(w.hour)}:${pad(w.minute)} (${zone})` : `${date}, ${pad(w.hour)}:${pad(w.minute)} (${zone})`;
}

/**
 * A wall-clock time in the zone ("2020-03-31", "15:15") → the instant, as the CLI has always read it: with
 * the offset at the naive instant, corrected once. Exact outside DST changes; in Paris a repeated time is its
 * second occurrence and a skipped one is read with the winter offset.
 */
export function instantFromZoned(date: string, time: string, timeZone: string): number | undefined {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(time);
  if (!d || !t) return undefined;
  const naive = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]), Number(t[3] ?? 0));
  if (Number(t[1]) > 23 || Number(t[2]) > 59 || Number.isNaN(naive)) return undefined;
  const guess = naive - offsetMinutes(naive, timeZone) * 60_000;
  return naive - offsetMinutes(guess, timeZone) * 60_000;
}

/** Today's date in the zone, as YYYY-MM-DD. */
export function dateInZone(ms: number, timeZone: string): string {
  return isoInZone(ms, timeZone).slice(0, 10);
}
