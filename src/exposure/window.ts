import { ValidationError, type FieldError } from '../http/errors.js';
import { instantsForWallTime, isKnownZone, offsetMinutes } from '../time/zoned.js';

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
    const instants = instantsForWallTime({ year: y!, month: mo!, day: d!, hour: h!, minute: mi!, second: s! }, zone);
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
