import type { Generated, Selectable } from 'kysely';

/** One person of a breach's population, by the service's own identifier (never a name or an address). */
export interface BreachPersonTable {
  breach_id: string;
  person_ref: string;
  status: string;
  due_at: Date | null;
  notes: string | null;
  exposed: unknown;
  first_at: Date | null;
  last_at: Date | null;
  source: string;
  added_at: Date;
  updated_at: Date;
}

export interface BreachPersonEventTable {
  id: Generated<string>;
  breach_id: string;
  person_ref: string;
  at: Date;
  actor: string;
  from_status: string | null;
  to_status: string;
  reason: string;
  source: string;
}

export type BreachPersonRow = Selectable<BreachPersonTable>;
