import type { Kysely } from 'kysely';
import type { StaffActionTable } from './tables/staff-action.js';

/** One type file per table, combined here (design.md, convention 8). */
export interface Database {
  staff_action: StaffActionTable;
}

export type Db = Kysely<Database>;
