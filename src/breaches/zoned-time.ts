import { isRealIsoText, isRealWallTime, offsetMinutes, offsetText, pad, wallTimeIn, wallTimeToUtc } from '../time/zoned.js';

/** "2020-03-31 11:45 +02:00": how people read a date in the register and the documents. */
export function formatInZone(date: Date, zone: string): string {
  const w = wallTimeIn(date, zone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)} ${offsetText(offsetMinutes(date, zone))}`;
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
    const wall = { year: y!, month: mo!, day: d!, hour: h!, minute: mi!, second: s! };
    // 2020-02-30 or 25:00 is a mistake to name, not 1 March or the next day.
    if (!isRealWallTime(wall)) return undefined;
    return wallTimeToUtc(wall, zone);
  }
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(trimmed) || !isRealIsoText(trimmed)) return undefined;
  const date = new Date(trimmed);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
