import type { Condition, PlaybookStep } from './playbook-schema.js';
import { factValue, type Situation } from './facts.js';

/** One condition against the breach as it stands; an unknown fact (null) satisfies only `is: null` and `known: false`. */
export function holds(condition: Condition, situation: Situation): boolean {
  const value = factValue(situation, condition.fact);
  if (condition.known !== undefined) {
    const known = value !== null && !(Array.isArray(value) && value.length === 0);
    return known === condition.known;
  }
  if ('is' in condition && condition.is !== undefined) return value === condition.is;
  if ('isNot' in condition && condition.isNot !== undefined) return value !== condition.isNot;
  if (condition.in) return condition.in.some((option) => option === value || (Array.isArray(value) && value.includes(option)));
  if (condition.includes !== undefined) return Array.isArray(value) && value.includes(condition.includes);
  if (condition.atLeast !== undefined) return typeof value === 'number' && value >= condition.atLeast;
  return false;
}

/** A step applies when every one of its conditions holds (none: always). */
export const applies = (step: Pick<PlaybookStep, 'when'>, situation: Situation): boolean => step.when.every((condition) => holds(condition, situation));
