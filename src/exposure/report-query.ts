import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database.js';

/** One row of the report's aggregate: an exposed person and a receiver (kind "pair"), or a total. */
export interface PairRow {
  subject: string;
  receiver: string;
  first_at: Date;
  last_at: Date;
  times: number;
  reasons: string[];
  categories: string[];
}

export interface ChunkTotals {
  responses: number;
  byCategory: Record<string, number>;
}

/**
 * Illegitimate accesses in [from, to): a subject in a response whose receiver is not that subject and
 * either (a) the response was produced for someone else (a cache mix-up), or (b) the receiver is anonymous,
 * or (c) no relation between receiver and subject was valid at the time of the access, and (d) the
 * receiver held no broad-access role then.
 *
 * Plan (docs/exposure.md): only responses carrying someone else's data or served to someone they were not
 * produced for are read (most traffic is a user's own pages): the writer keeps those in access_exposure
 * (audit/record.ts, showsOthersData, the clause below), read by an index-only scan of access_exposure_at_idx.
 * The relation check is made once per distinct (receiver, others) group over the span it was seen in — a
 * hash join of those few groups against the relations, not a probe per request; only groups not covered by
 * one relation over their whole span are checked request by request, at each access's own time (exact with
 * overlapping relations too).
 */
export function illegitimateAccesses(scope: RawBuilder<unknown>, broadRoles: string[]) {

  const window = sql`${scope}
    and cardinality(w.subjects) > 0
    and not (w.principal is not null and w.subjects = array[w.principal] and (w.produced_for is null or w.produced_for = w.principal))`;
  const ownPage = sql`w.principal is not null and (w.produced_for is null or w.produced_for = w.principal)`;
  // Broad access entitles to every subject, not to a page produced for someone else (as live detection).
  const broad = broadRoles.length > 0
    ? sql`and (not (${ownPage}) or not exists (select 1 from exposure_principal_role pr where pr.principal = w.principal
        and pr.role = any(${broadRoles}::text[]) and pr.valid_from <= w.at and (pr.valid_to is null or pr.valid_to > w.at)))`
    : sql``;
  return sql`
    with grouped as materialized (
      select w.principal, array_remove(w.subjects, w.principal) as others, min(w.at) as first_at, max(w.at) as last_at
      from access_exposure w where ${window} and ${ownPage}
      group by 1, 2
    ),
    pairs as materialized (
      select g.principal, g.others, s.subject, g.first_at, g.last_at from grouped g cross join lateral unnest(g.others) as s(subject)
    ),
    covered as materialized (
      select distinct p.principal, p.subject, p.others from pairs p
      join exposure_relation r on r.principal = p.principal and r.subject = p.subject
      where r.valid_from <= p.first_at and (r.valid_to is null or r.valid_to > p.last_at)
    ),
    uncovered as materialized (
      select distinct p.principal, p.others from pairs p
      where not exists (select 1 from covered c where c.principal = p.principal and c.others = p.others and c.subject = p.subject)
    )
    select w.at, w.request_id, w.route, w.categories, s.subject, w.stream, w.seq, w.pos, w.principal,
      coalesce(w.principal, 'anonymous:' || coalesce(w.session_hmac, w.client_hmac, w.request_id)) as receiver,
      case when w.produced_for is not null and w.produced_for is distinct from w.principal then 'mix-up'
           when w.principal is null then 'anonymous' else 'not-entitled' end as reason
    from access_exposure w cross join lateral unnest(w.subjects) as s(subject)
    where ${window}
      and (not (${ownPage}) or (w.principal, array_remove(w.subjects, w.principal)) in (select principal, others from uncovered))
      and s.subject is distinct from w.principal
      and (not (${ownPage}) or not exists (select 1 from exposure_relation r where r.principal = w.principal and r.subject = s.subject
        and r.valid_from <= w.at and (r.valid_to is null or r.valid_to > w.at)))
      ${broad}`;
}

/** Records whose time is in [from, to). */
export const timeScope = (from: Date, to: Date) =>
  sql`w.at >= ${from.toISOString()}::timestamptz and w.at < ${to.toISOString()}::timestamptz`;

/**
 * A chunk read from kept verdicts (verdicts.ts, temporary tables prepared), plus what must be checked now.
 * Absent: every record of the chunk is checked now.
 */
export interface ChunkSources {
  /** Check records of unchecked batches (pg_temp.vigie_unchecked). */
  unchecked: boolean;
  /** Check records of principals whose relations or roles changed (pg_temp.vigie_dirty). */
  dirty: boolean;
}

export function illegitimateIn(from: Date, to: Date, broadRoles: string[], sources: ChunkSources | undefined) {
  if (!sources) return illegitimateAccesses(timeScope(from, to), broadRoles);
  const parts: RawBuilder<unknown>[] = [sql`
    select a.at, a.request_id, a.route, a.categories, a.subject, a.stream, a.seq, a.pos, a.principal, a.receiver, a.reason
    from exposure_alert_access a join pg_temp.vigie_marks m on m.stream = a.stream and a.seq <= m.seq
    where a.at >= ${from.toISOString()}::timestamptz and a.at < ${to.toISOString()}::timestamptz
      and (a.principal is null or a.principal not in (select principal from pg_temp.vigie_dirty))
      -- a pruned record's verdict goes with it
      and exists (select 1 from audit_batch b where b.stream = a.stream and b.seq = a.seq and b.at >= a.at)`];
  if (sources.unchecked) {
    parts.push(illegitimateAccesses(sql`${timeScope(from, to)} and (w.stream, w.seq) in (select stream, seq from pg_temp.vigie_unchecked)`, broadRoles));
  }
  if (sources.dirty) {
    parts.push(illegitimateAccesses(sql`${timeScope(from, to)} and w.principal in (select principal from pg_temp.vigie_dirty)`, broadRoles));
  }
  // `union` (not `all`): a record both unchecked and of a changed principal is checked twice, counted once.
  return sql.join(parts.map((part) => sql`(${part})`), sql` union `);
}

/**
 * The aggregates of one chunk of the window, in one statement (the illegitimate rows are read once): one
 * row per (exposed person, receiver) with its categories, then the totals. Times come as epoch
 * milliseconds, which costs Node nothing to read (tens of thousands of pairs on a big incident).
 */
export async function queryChunk(db: Db, from: Date, to: Date, broadRoles: string[], sources?: ChunkSources): Promise<{ pairs: PairRow[]; totals: ChunkTotals }> {
  const { rows } = await sql<{
    kind: 'pair' | 'responses' | 'category';
    subject: string | null;
    receiver: string | null;
    category: string | null;
    first_ms: number | null;
    last_ms: number | null;
    times: number;
    reasons: string[] | null;
    categories: string[] | null;
  }>`
    with bad as materialized (${illegitimateIn(from, to, broadRoles, sources)}),
    pair as (
      select subject, receiver, min(at) as first_at, max(at) as last_at, count(*)::int as times, array_agg(distinct reason order by reason) as reasons
      from bad group by subject, receiver
    ),
    pair_category as (
      select subject, receiver, array_agg(c order by c) as categories
      from (select distinct subject, receiver, c from bad cross join lateral unnest(bad.categories) c) x group by subject, receiver
    )
    select 'pair' as kind, p.subject, p.receiver, null as category,
      (extract(epoch from p.first_at) * 1000)::float8 as first_ms, (extract(epoch from p.last_at) * 1000)::float8 as last_ms,
      p.times, p.reasons, coalesce(pc.categories, '{}') as categories
    from pair p left join pair_category pc on pc.subject = p.subject and pc.receiver = p.receiver
    union all
    select 'responses', null, null, null, null, null, count(distinct request_id)::int, null, null from bad
    union all
    select 'category', null, null, c, null, null, count(distinct request_id)::int, null, null
    from bad cross join lateral unnest(bad.categories) c group by c`.execute(db);
  const pairs: PairRow[] = [];
  const totals: ChunkTotals = { responses: 0, byCategory: {} };
  for (const row of rows) {
    if (row.kind === 'pair') {
      pairs.push({
        subject: row.subject!,
        receiver: row.receiver!,
        first_at: new Date(Math.round(row.first_ms!)),
        last_at: new Date(Math.round(row.last_ms!)),
        times: Number(row.times),
        reasons: row.reasons ?? [],
        categories: row.categories ?? [],
      });
    } else if (row.kind === 'responses') totals.responses = Number(row.times);
    else if (row.kind === 'category') totals.byCategory[row.category!] = Number(row.times);
  }
  return { pairs, totals };
}
