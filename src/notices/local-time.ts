import { offsetMinutes, offsetText, pad, wallTimeIn } from '../time/zoned.js';

/**
 * Instants are stored in UTC and shown in the organisation's time zone with their offset (docs/architecture.md),
 * e.g. « 31/03/2020 11:45 (UTC+02:00) ». A campaign formats hundreds of thousands of dates: the shared
 * helpers memoise the zone's offset.
 */
export interface LocalTime {
  date: string;
  time: string;
  offset: string;
  /** Date, time and offset in one string, in the language's order. */
  full: string;
}

export function localTime(instant: Date | string, timeZone: string, lang: 'fr' | 'en'): LocalTime {
  const at = new Date(instant);
  const w = wallTimeIn(at, timeZone);
  const offset = `UTC${offsetText(offsetMinutes(at, timeZone))}`;
  const date = lang === 'fr' ? `${pad(w.day)}/${pad(w.month)}/${w.year}` : `${w.year}-${pad(w.month)}-${pad(w.day)}`;
  const time = `${pad(w.hour)}:${pad(w.minute)}`;
  return { date, time, offset, full: `${date} ${time} (${offset})` };
}

export const formatLocal = (instant: Date | string, timeZone: string, lang: 'fr' | 'en'): string =>
  localTime(instant, timeZone, lang).full;

const numberFormats = { fr: new Intl.NumberFormat('fr-FR'), en: new Intl.NumberFormat('en-GB') };
export const formatCount = (count: number, lang: 'fr' | 'en'): string => numberFormats[lang].format(count);
