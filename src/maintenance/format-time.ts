/**
 * Dates are stored in UTC and shown in the organisation's zone with its offset (design.md). Formatters are
 * cached per zone: building an Intl.DateTimeFormat costs far more than using one.
 */
const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsIn(ms: number, timeZone: string): Record<string, number> {
  let formatter = partsFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, formatter);
  }
  const out: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(ms))) if (part.type !== 'literal') out[part.type] = Number(part.value);
  return out;
}

/** Offset of the zone from UTC at that instant, in minutes (Paris in summer: 120). */
export function zoneOffsetMinutes(ms: number, timeZone: string): number {
  const p = partsIn(ms, timeZone);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** RFC 3339 in the zone: 2020-03-31T15:15:00+02:00. */
export function formatInZone(ms: number, timeZone: string): string {
  const p = partsIn(ms, timeZone);
  const offset = zoneOffsetMinutes(ms, timeZone);
  return `${p.year}-${pad(p.month!)}-${pad(p.day!)}T${pad(p.hour!)}:${pad(p.minute!)}:${pad(p.second!)}${offsetText(offset)}`;
}

/** For people: "31 mars 2020 à 15:15 (UTC+02:00)" / "31 March 2020, 15:15 (UTC+02:00)". */
export function formatForPeople(ms: number, timeZone: string, language: 'fr' | 'en'): string {
  const date = new Intl.DateTimeFormat(language === 'fr' ? 'fr-FR' : 'en-GB', {
    timeZone,
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(ms));
  const p = partsIn(ms, timeZone);
  const time = `${pad(p.hour!)}:${pad(p.minute!)}`;
  const zone = `UTC${offsetText(zoneOffsetMinutes(ms, timeZone))}`;
  return language === 'fr' ? `${date} à ${time} (${zone})` : `${date}, ${time} (${zone})`;
}

/**
 * A wall-clock time in the zone ("2020-03-31", "15:15") → the instant. Tries the offset at the naive
 * instant, then corrects once (enough for every real zone transition).
 */
export function instantFromZoned(date: string, time: string, timeZone: string): number | undefined {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(time);
  if (!d || !t) return undefined;
  const naive = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]), Number(t[3] ?? 0));
  if (Number(t[1]) > 23 || Number(t[2]) > 59 || Number.isNaN(naive)) return undefined;
  let guess = naive - zoneOffsetMinutes(naive, timeZone) * 60_000;
  guess = naive - zoneOffsetMinutes(guess, timeZone) * 60_000;
  return guess;
}

/** Today's date in the zone, as YYYY-MM-DD. */
export function dateInZone(ms: number, timeZone: string): string {
  return formatInZone(ms, timeZone).slice(0, 10);
}
