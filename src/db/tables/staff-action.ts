import type { Generated, Selectable } from 'kysely';

export interface StaffActionTable {
  id: Generated<string>;
  at: Generated<Date>;
  actor: string;
  roles: string[];
  action: string;
  target: string | null;
  reason: string | null;
  request_id: string | null;
}

export type StaffAction = Selectable<StaffActionTable>;
