import { ValidationError, type FieldError } from '../http/errors.js';
import { readInstant } from '../time/parse-instant.js';
import { isKnownZone, offsetMinutes } from '../time/zoned.js';

/**
 * The report's window: "2020-03-31 11:45" read as wall time in the organisation's zone, or an ISO instant
 * with Z or an offset.
 */
export interface ExposureWindow {
  from: Date;
  to: Date;
  zone: string;
  /** How an ambiguous or skipped wall time (a DST change) was read, for the report's reader. */
  notes: string[];
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

/**
 * One bound. A wall time repeated by a DST change is read as the earliest instant for `from` and the
 * latest for `to` (the window never shrinks: a DPO would rather over- than under-count); a wall time in a
 * skipped hour is read as the moment of the change. A date alone is the start of that day, where allowed.
 */
export function parseBound(text: string, zone: string, bound: 'from' | 'to', notes: string[] = [], options: { dateAlone?: boolean } = {}): Date | string {
  const reading = readInstant(text, zone, options);
  if (reading.kind === 'error') return reading.reason;
  if (reading.kind === 'instant') return reading.at;
  const { instants, text: trimmed, wall } = reading;
  if (instants.length === 2) {
    notes.push(`${bound}: ${trimmed} occurs twice in ${zone} (clocks go back); the ${bound === 'from' ? 'first' : 'second'} occurrence was used`);
    return new Date(bound === 'from' ? instants[0]! : instants[1]!);
  }
  if (instants.length === 0) {
    // Skipped hour: the change happens at the instant whose wall time jumps past this one.
    notes.push(`${bound}: ${trimmed} does not exist in ${zone} (clocks go forward); the moment of the change was used`);
    return new Date(changeInstant(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second), zone));
  }
  return new Date(instants[0]!);
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
