import { instantsForWallTime, type WallTime } from './zoned.js';

/**
 * The one reader of the dates people type, for every command, route and form (docs/architecture.md, "Time"):
 *   - "2020-03-31 11:45" (or "2020-03-31T11:45", seconds optional): wall time in the organisation's zone;
 *   - "2020-03-31T09:45:00Z" or "…+02:00": that instant;
 *   - "2020-03-31" alone, where the caller allows it: the start of that day in the zone.
 * Impossible values are refused, never rolled over: "2020-02-30 10:00" is not 1 March, "25:00" is not the next
 * day (JavaScript's Date would silently do both). What a wall time means on a DST night is left to the caller,
 * which gets every instant it names: none (clocks skip it), one, or two (clocks repeat it).
 */
export type InstantReading =
  | { kind: 'instant'; at: Date }
  | { kind: 'wall'; wall: WallTime; text: string; instants: number[] }
  | { kind: 'error'; reason: string };

/** The reasons, as field errors say them (the console translates these exact words). */
export const instantReasons = {
  shape: 'must be "YYYY-MM-DD HH:MM" (local time) or an ISO 8601 instant with Z or an offset',
  impossible: 'is not a valid date and time',
} as const;

const wallPattern = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const offsetPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))$/;

function possible(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function readInstant(text: string, zone: string, options: { dateAlone?: boolean } = {}): InstantReading {
  const trimmed = text.trim();
  const wall = wallPattern.exec(trimmed);
  if (wall && (wall[4] !== undefined || options.dateAlone)) {
    const [year, month, day, hour, minute, second] = wall.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
    if (!possible(year, month, day, hour, minute, second)) return { kind: 'error', reason: instantReasons.impossible };
    const time = { year, month, day, hour, minute, second };
    return { kind: 'wall', wall: time, text: trimmed, instants: instantsForWallTime(time, zone) };
  }
  const instant = offsetPattern.exec(trimmed);
  if (!instant) return { kind: 'error', reason: instantReasons.shape };
  const [year, month, day, hour, minute, second] = instant.slice(1, 7).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const offsetOk = instant[8] === 'Z' || (Number(instant[9]) <= 23 && Number(instant[10]) <= 59);
  const at = new Date(trimmed);
  if (!possible(year, month, day, hour, minute, second) || !offsetOk || Number.isNaN(at.getTime())) return { kind: 'error', reason: instantReasons.impossible };
  return { kind: 'instant', at };
}
