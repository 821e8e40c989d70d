import { sql } from 'kysely';
import type { StaffPrincipal } from '../auth/staff-principal.js';
import type { Db } from '../db/database.js';
import type { AccessLogRow } from '../db/tables/access-log.js';

export const readRoles = ['dpo', 'auditor'] as const;

export interface ReadFilter {
  from: Date;
  to: Date;
  subject?: string | undefined;
  principal?: string | undefined;
  limit: number;
}

/** Reading the log is itself an action: who, when, why and what was asked is kept in staff_action. */
export async function recordLogAccess(db: Db, staff: StaffPrincipal, action: string, target: object, reason: string, requestId: string): Promise<void> {
  await db
    .insertInto('staff_action')
    .values({ actor: staff.subject, roles: staff.roles, action, target: JSON.stringify(target), reason, request_id: requestId })
    .execute();
}

/**
 * Records of a time window, optionally of one subject or principal. The window's batches are found by their
 * records' times (audit_batch_records_at_idx), then expanded: the `access_log` view reads them in place.
 */
export async function readAccessLog(db: Db, filter: ReadFilter): Promise<AccessLogRow[]> {
  const batches = db
    .selectFrom('audit_batch')
    .select(['stream', 'seq'])
    .where('last_record_at', '>=', filter.from)
    .where('first_record_at', '<', filter.to);
  let query = db
    .selectFrom('access_log')
    .selectAll()
    .where(({ eb, refTuple }) => eb(refTuple('stream', 'seq'), 'in', batches as never))
    .where('at', '>=', filter.from)
    .where('at', '<', filter.to);
  if (filter.subject) query = query.where(sql<boolean>`subjects @> array[${filter.subject}]::text[]`);
  if (filter.principal) query = query.where('principal', '=', filter.principal);
  return query.orderBy('at').orderBy('stream').orderBy('seq').orderBy('pos').limit(filter.limit).execute();
}
