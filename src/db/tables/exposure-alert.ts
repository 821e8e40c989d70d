import type { Generated, Selectable } from 'kysely';

/** One burst of illegitimate accesses found by live detection. */
export interface ExposureAlertTable {
  id: Generated<string>;
  first_at: Date;
  last_at: Date;
  stored_at: Date;
  updated_at: Date;
  accesses: number;
  status: string;
  breaker_at: Date | null;
  breaker_scope: string | null;
}

export interface ExposureAlertAccessTable {
  alert_id: string;
  at: Date;
  request_id: string;
  receiver: string;
  subject: string;
  reason: string;
  route: string;
  categories: string[];
  /** The record's place in the log (null on alerts stored before verdicts were kept). */
  stream: string | null;
  seq: string | null;
  pos: number | null;
  principal: string | null;
}

/** How far a log stream has been checked (exposure/verdicts.ts). */
export interface ExposureCheckMarkTable {
  stream: string;
  seq: string;
  broad_roles: string[];
  first_xmin: string;
  updated_at: Date;
}

export type ExposureAlertRow = Selectable<ExposureAlertTable>;
