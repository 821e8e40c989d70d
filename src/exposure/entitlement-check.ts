import { sql } from 'kysely';
import type { CommittedRecord } from '../audit/record.js';
import type { Db } from '../db/database.js';
import { showsOthersData } from '../audit/record.js';

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
  /** The record's place in the log, and its principal (null when anonymous). */
  stream: string;
  seq: number;
  pos: number;
  principal: string | null;
}

export interface BatchVerdict {
  found: IllegitimateAccess[];
  /** Oldest transaction the check's snapshot may not have seen (xid8 as text; verdicts.ts). */
  xmin: string | null;
}

const receiverOf = (r: CommittedRecord) => r.principal ?? `anonymous:${r.sessionHmac ?? r.clientHmac ?? r.requestId}`;

/**
 * The same rule as the report (report-query.ts), for records as they are written: mix-ups and anonymous
 * receivers are decided without the database; the rest in one query for the whole batch (relations and
 * broad-access roles valid at each access's time).
 */
export async function checkBatch(db: Db, records: CommittedRecord[], broadRoles: string[]): Promise<BatchVerdict> {
  const found: IllegitimateAccess[] = [];
  const toCheck: { record: CommittedRecord; subject: string }[] = [];
  for (const record of records) {
    if (!showsOthersData(record)) continue;
    for (const subject of record.subjects) {
      if (subject === record.principal) continue;
      const access = accessOf(record, subject);
      if (record.producedFor !== null && record.producedFor !== record.principal) found.push({ ...access, reason: 'mix-up' });
      else if (record.principal === null) found.push({ ...access, reason: 'anonymous' });
      else toCheck.push({ record, subject });
    }
  }
  if (toCheck.length === 0) return { found, xmin: null };
  const broad = broadRoles.length > 0
    ? sql`and not exists (select 1 from exposure_principal_role pr where pr.principal = t.principal
        and pr.role = any(${broadRoles}::text[]) and pr.valid_from <= t.at and (pr.valid_to is null or pr.valid_to > t.at))`
    : sql``;
  // The snapshot's xmin comes with the verdicts, from the same statement (the same snapshot).
  const { rows } = await sql<{ i: string | null; xmin: string }>`
    select t.i, pg_snapshot_xmin(pg_current_snapshot())::text as xmin from (select 1) one left join lateral (
      select t.i from unnest(${toCheck.map((c) => c.record.principal)}::text[], ${toCheck.map((c) => c.subject)}::text[],
      ${toCheck.map((c) => c.record.at.toISOString())}::timestamptz[]) with ordinality as t(principal, subject, at, i)
    where not exists (select 1 from exposure_relation r where r.principal = t.principal and r.subject = t.subject
      and r.valid_from <= t.at and (r.valid_to is null or r.valid_to > t.at))
    ${broad}) t on true`.execute(db);
  for (const row of rows) {
    if (row.i === null) continue;
    const { record, subject } = toCheck[Number(row.i) - 1]!;
    found.push({ ...accessOf(record, subject), reason: 'not-entitled' });
  }
  return { found, xmin: rows[0]!.xmin };
}

const accessOf = (record: CommittedRecord, subject: string) => ({
  at: record.at,
  requestId: record.requestId,
  receiver: receiverOf(record),
  subject,
  route: record.route,
  categories: record.categories,
  stream: record.stream,
  seq: record.seq,
  pos: record.pos,
  principal: record.principal,
});
