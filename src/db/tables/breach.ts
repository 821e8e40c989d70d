import type { Generated, Selectable } from 'kysely';

/** One breach of the register (src/breaches). Facts follow the CNIL form; see src/breaches/breach-facts.ts. */
export interface BreachTable {
  id: Generated<string>;
  title: string;
  status: 'open' | 'assessed' | 'notified' | 'closed' | 'reopened';
  version: number;
  facts: unknown;
  aware_at: Date | null;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
}

/** Every change of a breach: who, when, what (field, before, after), why. */
export interface BreachRevisionTable {
  id: Generated<string>;
  breach_id: string;
  version: number;
  at: Date;
  actor: string;
  action: string;
  reason: string;
  changes: unknown;
}

export interface BreachEventTable {
  id: Generated<string>;
  breach_id: string;
  kind: string;
  occurred_at: Date;
  summary: string;
  source: string;
  data: unknown;
  recorded_at: Date;
  recorded_by: string;
}

export interface BreachAssessmentTable {
  id: Generated<string>;
  breach_id: string;
  at: Date;
  actor: string;
  input: unknown;
  score: unknown;
  recommendation: unknown;
  note: string | null;
}

export interface BreachDecisionTable {
  id: Generated<string>;
  breach_id: string;
  at: Date;
  actor: string;
  authority: 'notify' | 'not-notify';
  people: 'inform' | 'not-inform' | 'public-communication' | 'undetermined';
  justification: string;
  delay_reasons: string | null;
  /** The assessment whose recommendation the decision answered, and that advice as it stood (null before it existed). */
  assessment_id: string | null;
  recommendation: unknown;
}

export interface BreachFilingTable {
  id: Generated<string>;
  breach_id: string;
  regime: string;
  step: string;
  kind: string;
  filed_at: Date;
  reference: string | null;
  delay_reasons: string | null;
  recorded_at: Date;
  recorded_by: string;
}

export type BreachRow = Selectable<BreachTable>;
