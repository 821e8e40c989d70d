import { addCalendarMonths } from '../zoned-time.js';
import { clockRules } from '../vocabularies.js';

export type ClockState = 'waiting' | 'running' | 'met' | 'missed' | 'not-required';

export interface Filing {
  regime: string;
  step: string;
  filedAt: Date;
}

export interface ClockInput {
  awareAt: Date | null;
  /** DORA: when the incident was classified as major. */
  classifiedAt: Date | null;
  /** Regimes the organisation declared applicable, besides the GDPR which always is. */
  regimes: readonly string[];
  filings: readonly Filing[];
  /** The DPO decided not to notify the authority (with a justification): the GDPR clock no longer runs. */
  gdprNotificationNotRequired: boolean;
  now: Date;
  timeZone: string;
}

export interface Clock {
  regime: string;
  step: string;
  fr: string;
  en: string;
  /** Absolute time; null while the awareness time is unknown. */
  dueAt: Date | null;
  /** Counted from the due time of an earlier step not yet filed: it moves when that step is filed. */
  provisional: boolean;
  state: ClockState;
  overdue: boolean;
  satisfiedBy: string;
  satisfiedAt: Date | null;
}

interface After {
  from: string;
  hours?: number;
  months?: number;
  atMost?: { from: string; hours: number };
}

const hour = 3_600_000;

/**
 * Every regulatory clock of a breach (docs/regulation.md §1, §6). Hours are added on absolute time, so 72 h
 * after Friday 16:00 CET is Monday 17:00 CEST; months are calendar months in the organisation's zone.
 */
export function computeClocks(input: ClockInput): Clock[] {
  const applicable = clockRules.regimes.filter((regime) => regime.alwaysApplicable || input.regimes.includes(regime.code));
  const clocks: Clock[] = [];
  for (const regime of applicable) {
    const done = new Map<string, Clock>();
    for (const step of regime.steps) {
      const filing = input.filings
        .filter((f) => f.regime === regime.code && f.step === step.code)
        .sort((a, b) => a.filedAt.getTime() - b.filedAt.getTime())[0];
      const { at: base, provisional } = startOf(step.after as After, input, done);
      const dueAt = base === null ? null : addAfter(base, step.after as After, input);
      const notRequired = regime.code === 'gdpr' && input.gdprNotificationNotRequired && !filing;
      let state: ClockState;
      if (notRequired) state = 'not-required';
      else if (filing) state = dueAt !== null && filing.filedAt.getTime() > dueAt.getTime() ? 'missed' : 'met';
      else if (dueAt === null) state = 'waiting';
      else state = input.now.getTime() > dueAt.getTime() ? 'missed' : 'running';
      const clock: Clock = {
        regime: regime.code,
        step: step.code,
        fr: `${regime.fr} — ${step.fr}`,
        en: `${regime.en} — ${step.en}`,
        dueAt,
        provisional,
        state,
        overdue: state === 'missed' && !filing,
        satisfiedBy: step.satisfiedBy,
        satisfiedAt: filing?.filedAt ?? null,
      };
      done.set(step.code, clock);
      clocks.push(clock);
    }
  }
  return clocks;
}

function startOf(after: After, input: ClockInput, done: Map<string, Clock>): { at: Date | null; provisional: boolean } {
  if (after.from === 'awareness') return { at: input.awareAt, provisional: false };
  // Not classified yet: only the "at most after awareness" limit runs, and it moves once classified.
  if (after.from === 'classification') return input.classifiedAt ? { at: input.classifiedAt, provisional: false } : { at: input.awareAt, provisional: true };
  const previous = done.get(after.from.replace(/^step:/, ''));
  if (!previous) return { at: null, provisional: true };
  if (previous.satisfiedAt) return { at: previous.satisfiedAt, provisional: false };
  return { at: previous.dueAt, provisional: true };
}

function addAfter(base: Date, after: After, input: ClockInput): Date {
  if (after.from === 'classification' && !input.classifiedAt && after.atMost) return new Date(base.getTime() + after.atMost.hours * hour);
  let due = after.months ? addCalendarMonths(base, after.months, input.timeZone) : new Date(base.getTime() + (after.hours ?? 0) * hour);
  if (after.atMost) {
    const limitBase = after.atMost.from === 'awareness' ? input.awareAt : null;
    if (limitBase) {
      const limit = new Date(limitBase.getTime() + after.atMost.hours * hour);
      if (limit.getTime() < due.getTime()) due = limit;
    }
  }
  return due;
}

/** Clocks that are past due and not satisfied: shown on the register and in the API. */
export const overdueClocks = (clocks: readonly Clock[]): Clock[] => clocks.filter((clock) => clock.overdue);
