/**
 * Dates are stored in UTC and shown in the organisation's zone with their offset (design.md). Intl is the
 * only time-zone database every runtime we target has, so these helpers build on it.
 */
interface WallTime {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

export function wallTimeIn(date: Date, zone: string): WallTime {
  const parts = Object.fromEntries(formatterFor(zone).formatToParts(date).map((part) => [part.type, part.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

const wallAsUtcMs = (w: WallTime) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

/** Offset of the zone from UTC at that instant, in minutes (Paris: 60 in winter, 120 in summer). */
export function offsetMinutes(date: Date, zone: string): number {
  const whole = new Date(Math.floor(date.getTime() / 1000) * 1000);
  return Math.round((wallAsUtcMs(wallTimeIn(whole, zone)) - whole.getTime()) / 60_000);
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

function offsetText(minutes: number): string {
  return `${minutes < 0 ? '-' : '+'}${pad(Math.trunc(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}

/** "2020-03-31 11:45 +02:00": how people read a date in the register and the documents. */
export function formatInZone(date: Date, zone: string): string {
  const w = wallTimeIn(date, zone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)} ${offsetText(offsetMinutes(date, zone))}`;
}

/** ISO 8601 with the zone's offset: "2020-03-31T11:45:00+02:00" (what the API returns). */
export function isoInZone(date: Date, zone: string): string {
  const w = wallTimeIn(date, zone);
  const time = `${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${time}${offsetText(offsetMinutes(date, zone))}`;
}

/**
 * The instant at which the zone's clocks show this wall time. In the hour skipped by a DST change the
 * later offset is used; in a repeated hour, the first occurrence.
 */
export function wallTimeToUtc(wall: WallTime, zone: string): Date {
  const asUtc = wallAsUtcMs(wall);
  const day = 86_400_000;
  const before = offsetMinutes(new Date(asUtc - day), zone);
  const after = offsetMinutes(new Date(asUtc + day), zone);
  const matches = [before, after]
    .map((offset) => asUtc - offset * 60_000)
    .filter((t) => wallAsUtcMs(wallTimeIn(new Date(t), zone)) === asUtc);
  // Skipped hour (no match): read it with the offset in force before the change, as clocks "jump" past it.
  return new Date(matches.length > 0 ? Math.min(...matches) : asUtc - before * 60_000);
}

/**
 * A calendar month later, as people in the zone count it: 30 April 17:00 after 30 March 17:00, whatever
 * the DST change between; 31 January + 1 month = 28/29 February (the month has no 31st).
 */
export function addCalendarMonths(date: Date, months: number, zone: string): Date {
  const w = wallTimeIn(date, zone);
  const monthIndex = w.month - 1 + months;
  const year = w.year + Math.floor(monthIndex / 12);
  const month = (((monthIndex % 12) + 12) % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return wallTimeToUtc({ ...w, year, month, day: Math.min(w.day, lastDay) }, zone);
}

const localPattern = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * Reads "2026-03-27 16:00" as wall time in the zone, or an ISO date with an offset or Z as that instant.
 * Returns undefined for anything else (callers turn it into a field error).
 */
export function parseDateInZone(text: string, zone: string): Date | undefined {
  const trimmed = text.trim();
  const local = localPattern.exec(trimmed);
  if (local) {
    const [y, mo, d, h, mi, s] = local.slice(1).map((part) => Number(part ?? 0));
    return wallTimeToUtc({ year: y!, month: mo!, day: d!, hour: h!, minute: mi!, second: s! }, zone);
  }
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(trimmed)) return undefined;
  const date = new Date(trimmed);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
