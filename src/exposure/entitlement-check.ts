import { sql } from 'kysely';
import type { CommittedRecord } from '../audit/record.js';
import type { Db } from '../db/database.js';

export type Reason = 'mix-up' | 'anonymous' | 'not-entitled';

/** One (response, exposed person) pair found illegitimate. */
export interface IllegitimateAccess {
  at: Date;
  requestId: string;
  receiver: string;
  subject: string;
  reason: Reason;
  route: string;
  categories: string[];
}

const receiverOf = (r: CommittedRecord) => r.principal ?? `anonymous:${r.sessionHmac ?? r.clientHmac ?? r.requestId}`;

/**
 * The same rule as the report (report-query.ts), for records as they are written: mix-ups and anonymous
 * receivers are decided without the database; the rest in one query for the whole batch (relations and
 * broad-access roles valid at each access's time).
 */
export async function checkBatch(db: Db, records: CommittedRecord[], broadRoles: string[]): Promise<IllegitimateAccess[]> {
  const found: IllegitimateAccess[] = [];
  const toCheck: { record: CommittedRecord; subject: string }[] = [];
  for (const record of records) {
    if (record.subjects.length === 0) continue;
    const own = record.principal !== null && (record.producedFor === null || record.producedFor === record.principal);
    if (own && record.subjects.length === 1 && record.subjects[0] === record.principal) continue;
    for (const subject of record.subjects) {
      if (subject === record.principal) continue;
      const access = { at: record.at, requestId: record.requestId, receiver: receiverOf(record), subject, route: record.route, categories: record.categories };
      if (record.producedFor !== null && record.producedFor !== record.principal) found.push({ ...access, reason: 'mix-up' });
      else if (record.principal === null) found.push({ ...access, reason: 'anonymous' });
      else toCheck.push({ record, subject });
    }
  }
  if (toCheck.length > 0) {
    const broad = broadRoles.length > 0
      ? sql`and not exists (select 1 from exposure_principal_role pr where pr.principal = t.principal
          and pr.role = any(${broadRoles}::text[]) and pr.valid_from <= t.at and (pr.valid_to is null or pr.valid_to > t.at))`
      : sql``;
    const { rows } = await sql<{ i: string }>`
      select t.i from unnest(${toCheck.map((c) => c.record.principal)}::text[], ${toCheck.map((c) => c.subject)}::text[],
        ${toCheck.map((c) => c.record.at.toISOString())}::timestamptz[]) with ordinality as t(principal, subject, at, i)
      where not exists (select 1 from exposure_relation r where r.principal = t.principal and r.subject = t.subject
        and r.valid_from <= t.at and (r.valid_to is null or r.valid_to > t.at))
      ${broad}`.execute(db);
    for (const row of rows) {
      const { record, subject } = toCheck[Number(row.i) - 1]!;
      found.push({ at: record.at, requestId: record.requestId, receiver: receiverOf(record), subject, reason: 'not-entitled', route: record.route, categories: record.categories });
    }
  }
  return found;
}
