import { sql } from 'kysely';
import { ensurePartitions } from '../src/audit/partitions.js';
import type { Db } from '../src/db/database.js';

/**
 * A day of Pajemploi-like traffic, generated in SQL (INSERT … SELECT over generate_series: minutes, not
 * hours, for 10 million rows). 500,000 principals: parents P0…P374999 and childminders C0…C124999; each
 * parent employs two childminders (relations both ways, valid since 2019; the second ended on 1 February
 * 2020). Records come in sessions of 20 requests, spread evenly over 31 March 2020 (UTC), in time order as an append-only log is.
 *   60 % own data; 28 % a parent's page with their first childminder (legitimate); 2 % with the second
 *   (illegitimate for one parent in ten: the relation ended before); 9.9 % own data (other categories);
 *   0.1 % someone unrelated's data; and during the incident (09:45–13:15 UTC) 1 % cache mix-ups.
 */
export async function generateExposureData(db: Db, records: number, log: (line: string) => void): Promise<void> {
  const started = performance.now();
  await sql`drop index if exists access_exposure_at_idx`.execute(db);
  await sql`drop index if exists access_exposure_batch_idx`.execute(db);
  await sql`
    insert into exposure_relation (principal, subject, valid_from, valid_to, kind, source, updated_at, updated_by)
    select x.principal, x.subject, '2019-01-01T00:00:00Z', x.valid_to, 'employment', 'bench', now(), 'bench'
    from generate_series(0, 374999) i
    cross join lateral (values
      ('P' || i, 'C' || (i % 125000), null::timestamptz),
      ('C' || (i % 125000), 'P' || i, null::timestamptz),
      ('P' || i, 'C' || ((i * 7 + 3) % 125000), case when i % 10 = 0 then timestamptz '2020-02-01T00:00:00Z' end),
      ('C' || ((i * 7 + 3) % 125000), 'P' || i, case when i % 10 = 0 then timestamptz '2020-02-01T00:00:00Z' end)
    ) as x(principal, subject, valid_to)
    on conflict do nothing`.execute(db);
  log(`relations: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // Traffic comes in sessions of 20 page views (a monthly declaration: dashboard, forms, payslips), each
  // session one principal's; sessions are spread over the principals by a multiplicative hash.
  // The records, one row each in a scratch table first; then into their batches as the writer stores them.
  await sql`
    create unlogged table bench_generated as
    select at, 'bench'::text as stream, g / 100 + 1 as seq, (g % 100)::integer as pos, 'r' || g as request_id, who as principal, 'user' as principal_kind,
      case when mixup then other else who end as produced_for,
      case
        when mixup then array[other]
        when r < 600 then array[who]
        when r < 880 and parent then array[who, 'C' || (p % 125000)]
        when r < 880 then array[who, 'P' || (p - 375000)]
        when r < 900 and parent then array[who, 'C' || ((p * 7 + 3) % 125000)]
        when r < 999 then array[who]
        else array['P' || ((p + 1) % 375000)]
      end as subjects,
      case when r < 600 then array['identity'] when r < 900 then array['identity', 'employment'] else array['identity', 'payslip'] end as categories,
      'GET' as method, '/espace/declarations' as route, 200 as status
    from (
      select g, at, p, r, who, parent,
        at >= timestamptz '2020-03-31T09:45:00Z' and at < timestamptz '2020-03-31T13:15:00Z' and g % 100 = 7 as mixup,
        case when p + 1 < 375000 then 'P' || (p + 1) else 'C' || ((p + 1) % 125000) end as other
      from (
        select g, timestamptz '2020-03-31T00:00:00Z' + (g::float8 * 86400 / ${records}) * interval '1 second' as at,
          ((g / 20) * 2654435761) % 500000 as p, (g * 37) % 1000 as r
        from generate_series(0, ${records - 1}::bigint) g
      ) s0
      cross join lateral (select case when p < 375000 then 'P' || p else 'C' || (p - 375000) end as who, p < 375000 as parent) s1
    ) s`.execute(db);
  log(`records: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // Their batches, as the writer would have committed them (the chain's hashes are not generated: the
  // bench does not verify). A batch is formed after its records: its time is its last record's.
  await sql`insert into audit_stream (id, started_at, genesis_hash) values ('bench', '2020-03-31T00:00:00Z', '')`.execute(db);
  // The day's partitions (the writer would make them on demand), and each batch's subject index.
  await ensurePartitions(db, 'audit_batch', ['2020-03-31', '2020-04-01']);
  await ensurePartitions(db, 'access_exposure', ['2020-03-31']);
  await sql`
    with subject_index as (
      select stream, seq, array_agg(distinct s order by s) as subjects from bench_generated cross join lateral unnest(subjects) s group by stream, seq
    )
    insert into audit_batch (stream, seq, at, row_count, row_digests, prev_hash, hash, records, first_record_at, last_record_at, subjects)
    select g.stream, g.seq, max(at), count(*), '', '', '',
      '[' || string_agg(jsonb_build_array(1, to_jsonb(at), request_id, null, principal, principal_kind, null, produced_for,
        to_jsonb(g.subjects), to_jsonb(categories), method, route, status, null, null)::text, ',' order by pos) || ']',
      min(at), max(at), coalesce(i.subjects, '{}')
    from bench_generated g left join subject_index i on i.stream = g.stream and i.seq = g.seq
    group by g.stream, g.seq, i.subjects`.execute(db);
  // The copies the report reads (record.ts, showsOthersData).
  await sql`
    insert into access_exposure (at, stream, seq, pos, request_id, principal, session_hmac, produced_for, subjects, categories, route, client_hmac)
    select at, stream, seq, pos, request_id, principal, null, produced_for, subjects, categories, route, null from bench_generated
    where cardinality(subjects) > 0
      and not (principal is not null and subjects = array[principal] and (produced_for is null or produced_for = principal))`.execute(db);
  await sql`drop table bench_generated`.execute(db);
  // As in the migration (built after the load: faster than maintaining them row by row).
  await sql`create index access_exposure_at_idx on access_exposure (at)
    include (principal, produced_for, subjects, categories, request_id, route, session_hmac, client_hmac)`.execute(db);
  await sql`create index access_exposure_batch_idx on access_exposure (stream, seq)`.execute(db);
  await sql`vacuum analyze access_exposure`.execute(db);
  await sql`vacuum analyze exposure_relation`.execute(db);
  await sql`vacuum analyze audit_batch`.execute(db);
  log(`indexes and analyze: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
