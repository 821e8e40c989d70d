import { readInstant } from '../time/parse-instant.js';
import { offsetMinutes, offsetText, pad, wallTimeIn, wallTimeToUtc } from '../time/zoned.js';

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

/**
 * Reads "2026-03-27 16:00" as wall time in the zone (a repeated hour: its first occurrence; a skipped one: read
 * with the offset before the change), or an ISO date with an offset or Z as that instant (src/time/parse-instant.ts).
 * Returns undefined for anything else, impossible dates included (callers turn it into a field error).
 */
export function parseDateInZone(text: string, zone: string): Date | undefined {
  const reading = readInstant(text, zone);
  if (reading.kind === 'error') return undefined;
  return reading.kind === 'instant' ? reading.at : wallTimeToUtc(reading.wall, zone);
}
