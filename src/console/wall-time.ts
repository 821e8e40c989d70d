import { ValidationError } from '../http/errors.js';
import { formatForPeople, instantsFromZoned } from '../maintenance/format-time.js';
import { format, type ConsoleLabels, type ConsoleLanguage } from './labels.js';

/**
 * A time typed in a form, read in the organisation's zone: "2020-03-31 15:15" (or the browser's
 * "2020-03-31T15:15"). Empty → undefined. A time the clocks skip or repeat on a DST night is refused with both
 * readings spelled out, as the CLI does, rather than guessed.
 */
export function readWallTime(
  text: string | undefined,
  field: string,
  ctx: { zone: string; lang: ConsoleLanguage; l: ConsoleLabels },
): Date | undefined {
  const value = (text ?? '').trim();
  if (!value) return undefined;
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2})$/.exec(value);
  const instants = match ? instantsFromZoned(match[1]!, match[2]!, ctx.zone) : undefined;
  const l = ctx.l.maintenance;
  if (!instants) throw new ValidationError([{ path: field, message: l.badTime }]);
  if (instants.length === 0) throw new ValidationError([{ path: field, message: l.skippedTime }]);
  if (instants.length === 2) {
    const [first, second] = instants.map((ms) => formatForPeople(ms, ctx.zone, ctx.lang));
    throw new ValidationError([{ path: field, message: format(l.ambiguousTime, { time: value, first: first!, second: second! }) }]);
  }
  return new Date(instants[0]!);
}
