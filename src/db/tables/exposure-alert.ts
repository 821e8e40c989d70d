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
}

export type ExposureAlertRow = Selectable<ExposureAlertTable>;
