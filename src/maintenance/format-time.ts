import { instantsForWallTime, isoInZone, offsetMinutes, offsetText, pad, wallTimeIn } from '../time/zoned.js';

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
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(time);
  if (!d || !t) return undefined;
  const wall = { year: Number(d[1]), month: Number(d[2]), day: Number(d[3]), hour: Number(t[1]), minute: Number(t[2]), second: Number(t[3] ?? 0) };
  const check = new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second));
  if (wall.hour > 23 || wall.minute > 59 || wall.second > 59 || check.getUTCDate() !== wall.day || check.getUTCMonth() !== wall.month - 1) return undefined;
  return instantsForWallTime(wall, timeZone);
}

/** Today's date in the zone, as YYYY-MM-DD. */
export function dateInZone(ms: number, timeZone: string): string {
  return isoInZone(ms, timeZone).slice(0, 10);
}
