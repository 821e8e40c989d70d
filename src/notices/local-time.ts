/**
 * Instants are stored in UTC and shown in the organisation's time zone with their offset
 * (design.md), e.g. « 31/03/2020 11:45 (UTC+02:00) ». Formatters are cached: a campaign formats
 * hundreds of thousands of dates.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export interface LocalTime {
  date: string;
  time: string;
  offset: string;
  /** Date, time and offset in one string, in the language's order. */
  full: string;
}

export function localTime(instant: Date | string, timeZone: string, lang: 'fr' | 'en'): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) parts[part.type] = part.value;
  const zone = parts.timeZoneName ?? 'GMT';
  const offset = zone === 'GMT' ? 'UTC+00:00' : zone.replace('GMT', 'UTC');
  const date = lang === 'fr' ? `${parts.day}/${parts.month}/${parts.year}` : `${parts.year}-${parts.month}-${parts.day}`;
  const time = `${parts.hour}:${parts.minute}`;
  return { date, time, offset, full: `${date} ${time} (${offset})` };
}

export const formatLocal = (instant: Date | string, timeZone: string, lang: 'fr' | 'en'): string =>
  localTime(instant, timeZone, lang).full;

const numberFormats = { fr: new Intl.NumberFormat('fr-FR'), en: new Intl.NumberFormat('en-GB') };
export const formatCount = (count: number, lang: 'fr' | 'en'): string => numberFormats[lang].format(count);
