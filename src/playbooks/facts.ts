import { factsShape, type BreachFacts } from '../breaches/breach-facts.js';

/**
 * What a step's conditions may read: the breach's facts (named as the register names them), the latest
 * decision and assessment, the GDPR filing, the population, the delivery of campaigns, and the run itself.
 * A closed list so that a misspelt fact is a refused playbook, not a step that never appears.
 */
const derived = [
  'decision.authority',
  'decision.people',
  'assessment.band',
  'assessment.authority',
  'assessment.people',
  'notification.initialFiled',
  'notification.partial',
  'people.total',
  'delivery.campaigns',
  'delivery.failing',
  'run.exercise',
] as const;

export const factPaths = [...Object.keys(factsShape).map((name) => `facts.${name}`), ...derived] as string[] as [string, ...string[]];

/** The breach as conditions see it, read when a run is synchronised (src/playbooks/situation.ts). */
export interface Situation {
  facts: BreachFacts;
  decision: { authority: string; people: string } | null;
  assessment: { band: string; authority: string; people: string } | null;
  notification: { initialFiled: boolean; partial: boolean };
  people: { total: number };
  delivery: { campaigns: number; failing: boolean };
  run: { exercise: boolean };
}

export function factValue(situation: Situation, path: string): unknown {
  const dot = path.indexOf('.');
  const group = path.slice(0, dot);
  const name = path.slice(dot + 1);
  const source = (situation as unknown as Record<string, Record<string, unknown> | null>)[group];
  return source ? (source[name] ?? null) : null;
}
