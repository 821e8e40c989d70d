import { readInstant } from '../time/parse-instant.js';
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
 * A wall-clock time in the zone ("2020-03-31", "15:15") → every instant at which the zone's clocks show it:
 * one, none (skipped when clocks go forward) or two (repeated when they go back), earliest first; undefined
 * when the text is not a date and time. Callers decide what an ambiguous time means, rather than guess.
 */
export function instantsFromZoned(date: string, time: string, timeZone: string): number[] | undefined {
  // Hours written with one digit ("9:30") as people type them.
  const reading = readInstant(`${date} ${time.replace(/^(\d):/, '0$1:')}`, timeZone);
  return reading.kind === 'wall' ? reading.instants : undefined;
}

/** Today's date in the zone, as YYYY-MM-DD. */
export function dateInZone(ms: number, timeZone: string): string {
  return isoInZone(ms, timeZone).slice(0, 10);
}
