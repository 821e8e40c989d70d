import { ValidationError, type FieldError } from '../http/errors.js';

/**
 * The report's window: "2020-03-31 11:45" read as wall time in the organisation's zone, or an ISO instant
 * with Z or an offset. Intl is the only time-zone database every runtime has, so offsets come from it.
 */
export interface ExposureWindow {
  from: Date;
  to: Date;
  zone: string;
  /** How an ambiguous or skipped wall time (a DST change) was read, for the report's reader. */
  notes: string[];
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallMs(ms: number, zone: string): number {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  const p: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
}

export function isKnownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Offset of the zone at that instant, in minutes (Paris: 60 in winter, 120 in summer). */
export function offsetMinutes(ms: number, zone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return Math.round((wallMs(whole, zone) - whole) / 60_000);
}

/** Every instant at which the zone's clocks show this wall time: none (skipped hour), one, or two (repeated hour). */
export function instantsForWallTime(wallAsUtc: number, zone: string): number[] {
  const day = 86_400_000;
  const offsets = new Set([offsetMinutes(wallAsUtc - day, zone), offsetMinutes(wallAsUtc + day, zone), offsetMinutes(wallAsUtc, zone)]);
  const found = [...offsets].map((offset) => wallAsUtc - offset * 60_000).filter((t) => wallMs(t, zone) === wallAsUtc);
  return [...new Set(found)].sort((a, b) => a - b);
}

/** The instant of the offset change around a skipped wall time (binary search to the second). */
function changeInstant(wallAsUtc: number, zone: string): number {
  const before = offsetMinutes(wallAsUtc - 86_400_000, zone);
  let lo = wallAsUtc - 86_400_000;
  let hi = wallAsUtc + 86_400_000;
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000;
    if (offsetMinutes(mid, zone) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

const localPattern = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;
const instantPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * One bound. A wall time repeated by a DST change is read as the earliest instant for `from` and the
 * latest for `to` (the window never shrinks: a DPO would rather over- than under-count); a wall time in a
 * skipped hour is read as the moment of the change.
 */
export function parseBound(text: string, zone: string, bound: 'from' | 'to', notes: string[] = []): Date | string {
  const trimmed = text.trim();
  const local = localPattern.exec(trimmed);
  if (local) {
    const [y, mo, d, h, mi, s] = local.slice(1).map((part) => Number(part ?? 0));
    const asUtc = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
    const check = new Date(asUtc);
    if (check.getUTCMonth() !== mo! - 1 || check.getUTCDate() !== d! || h! > 23 || mi! > 59 || s! > 59) return 'is not a valid date and time';
    const instants = instantsForWallTime(asUtc, zone);
    if (instants.length === 2) {
      notes.push(`${bound}: ${trimmed} occurs twice in ${zone} (clocks go back); the ${bound === 'from' ? 'first' : 'second'} occurrence was used`);
      return new Date(bound === 'from' ? instants[0]! : instants[1]!);
    }
    if (instants.length === 0) {
      // Skipped hour: the change happens at the instant whose wall time jumps past this one.
      notes.push(`${bound}: ${trimmed} does not exist in ${zone} (clocks go forward); the moment of the change was used`);
      return new Date(changeInstant(asUtc, zone));
    }
    return new Date(instants[0]!);
  }
  if (!instantPattern.test(trimmed)) return 'must be "YYYY-MM-DD HH:MM" (local time) or an ISO 8601 instant with Z or an offset';
  const date = new Date(trimmed);
  return Number.isNaN(date.getTime()) ? 'is not a valid date and time' : date;
}

/** Reads and checks a window; every problem becomes a field error (`${prefix}.from`, `${prefix}.to`, `${prefix}.zone`). */
export function parseWindow(input: { from: string; to: string; zone?: string | undefined }, defaultZone: string, prefix = 'query'): ExposureWindow {
  const zone = input.zone ?? defaultZone;
  const errors: FieldError[] = [];
  if (!isKnownZone(zone)) throw new ValidationError([{ path: `${prefix}.zone`, message: 'is not a known IANA time zone' }]);
  const notes: string[] = [];
  const from = parseBound(input.from, zone, 'from', notes);
  const to = parseBound(input.to, zone, 'to', notes);
  if (typeof from === 'string') errors.push({ path: `${prefix}.from`, message: from });
  if (typeof to === 'string') errors.push({ path: `${prefix}.to`, message: to });
  if (errors.length > 0) throw new ValidationError(errors);
  if ((to as Date).getTime() <= (from as Date).getTime()) {
    throw new ValidationError([{ path: `${prefix}.to`, message: 'must be after from' }]);
  }
  return { from: from as Date, to: to as Date, zone, notes };
}

const pad = (n: number) => String(n).padStart(2, '0');

const offsets = new Map<string, number>();

/**
 * The zone's offset, memoised per quarter of an hour: offsets change only on quarter-hour boundaries (UTC),
 * and a report formats tens of thousands of dates (Intl costs microseconds per call).
 */
function cachedOffset(ms: number, zone: string): number {
  const key = `${zone}|${Math.floor(ms / 900_000)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    if (offsets.size > 100_000) offsets.clear();
    offset = offsetMinutes(ms, zone);
    offsets.set(key, offset);
  }
  return offset;
}

/** ISO 8601 with the zone's offset: "2020-03-31T11:45:00+02:00" (how the report shows every date). */
export function isoInZone(date: Date, zone: string): string {
  const ms = date.getTime();
  const offset = cachedOffset(ms, zone);
  const w = new Date(Math.floor(ms / 1000) * 1000 + offset * 60_000);
  const abs = Math.abs(offset);
  const sign = offset < 0 ? '-' : '+';
  return `${w.getUTCFullYear()}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}T${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}:${pad(w.getUTCSeconds())}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
