/**
 * Dates are stored in UTC and shown in the organisation's zone with their offset (docs/architecture.md). Intl is the
 * only time-zone database every runtime we target has, so everything here builds on it, once.
 */
export interface WallTime {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function isKnownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

// Building an Intl.DateTimeFormat costs far more than using one.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** What the zone's clocks show at that whole second, written as if it were UTC (Intl's answer). */
function intlWallMs(wholeMs: number, zone: string): number {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  const p: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(wholeMs))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
}

const wholeSecond = (ms: number) => Math.floor(ms / 1000) * 1000;
const intlOffsetMs = (ms: number, zone: string) => intlWallMs(wholeSecond(ms), zone) - wholeSecond(ms);

const quarter = 900_000;
const offsets = new Map<string, number>();

/**
 * The zone's offset in milliseconds, memoised per quarter of an hour (UTC): a report formats tens of
 * thousands of dates and Intl costs microseconds per call. Offsets change on quarter-hour boundaries
 * except in some old or unusual rules (a change at 00:01): a quarter whose two ends disagree is not memoised.
 */
function offsetMs(ms: number, zone: string): number {
  const start = Math.floor(ms / quarter) * quarter;
  const key = `${zone}|${start}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = intlOffsetMs(start, zone);
    if (intlOffsetMs(start + quarter - 1000, zone) !== offset) return intlOffsetMs(ms, zone);
    if (offsets.size > 100_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

const toMs = (instant: Date | number) => (typeof instant === 'number' ? instant : instant.getTime());

/** Offset of the zone from UTC at that instant, in minutes (Paris: 60 in winter, 120 in summer). */
export function offsetMinutes(instant: Date | number, zone: string): number {
  return Math.round(offsetMs(toMs(instant), zone) / 60_000);
}

/** The wall time in the zone at that instant, as a UTC timestamp (read it with getUTC*). */
const wallMs = (ms: number, zone: string) => wholeSecond(ms) + offsetMs(ms, zone);

export function wallTimeIn(instant: Date | number, zone: string): WallTime {
  const w = new Date(wallMs(toMs(instant), zone));
  return {
    year: w.getUTCFullYear(),
    month: w.getUTCMonth() + 1,
    day: w.getUTCDate(),
    hour: w.getUTCHours(),
    minute: w.getUTCMinutes(),
    second: w.getUTCSeconds(),
  };
}

export const pad = (n: number) => String(n).padStart(2, '0');

/** "+02:00", "-05:00", "+00:00". */
export function offsetText(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** ISO 8601 with the zone's offset: "2020-03-31T11:45:00+02:00" (what the API and reports return). */
export function isoInZone(instant: Date | number, zone: string): string {
  const w = wallTimeIn(instant, zone);
  const time = `${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${time}${offsetText(offsetMinutes(instant, zone))}`;
}

const day = 86_400_000;
const wallAsUtc = (w: WallTime) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

/** Every instant at which the zone's clocks show this wall time, earliest first: none (skipped hour), one, or two (repeated hour). */
export function instantsForWallTime(wall: WallTime, zone: string): number[] {
  const asUtc = wallAsUtc(wall);
  // A day either side brackets any DST change; the offset at the naive instant covers a second change close by.
  const candidates = [asUtc - day, asUtc + day, asUtc].map((t) => asUtc - offsetMinutes(t, zone) * 60_000);
  const found = candidates.filter((t) => wallMs(t, zone) === asUtc);
  return [...new Set(found)].sort((a, b) => a - b);
}

/**
 * The instant at which the zone's clocks show this wall time. In a repeated hour, the first occurrence;
 * in a skipped hour, the wall time read with the offset in force before the change (clocks "jump" past it).
 */
export function wallTimeToUtc(wall: WallTime, zone: string): Date {
  const [first] = instantsForWallTime(wall, zone);
  return new Date(first ?? wallAsUtc(wall) - offsetMinutes(wallAsUtc(wall) - day, zone) * 60_000);
}

/**
 * Whether the calendar has this date and the clock this time: 2020-02-30 and 25:00 are refused, never rolled
 * over into the next month or day as Date.UTC and `new Date()` do. A DST gap is not this question (the wall
 * time is real, the zone skips it): see instantsForWallTime.
 */
export function isRealWallTime(w: WallTime): boolean {
  if (w.month < 1 || w.month > 12 || w.day < 1 || w.hour > 23 || w.minute > 59 || w.second > 59) return false;
  return w.day <= new Date(Date.UTC(w.year, w.month, 0)).getUTCDate();
}

/** The same check on the date and time written at the start of an ISO 8601 text ("2020-02-30T10:00+01:00"). */
export function isRealIsoText(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(text.trim());
  if (!m) return true;
  const [y, mo, d, h, mi, s] = m.slice(1).map((part) => Number(part ?? 0));
  return isRealWallTime({ year: y!, month: mo!, day: d!, hour: h!, minute: mi!, second: s! });
}
