import { sql } from 'kysely';
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
  await sql`drop index if exists access_log_at_idx`.execute(db);
  await sql`drop index if exists access_log_batch_idx`.execute(db);
  await sql`drop index if exists access_log_exposure_idx`.execute(db);
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
  await sql`
    insert into access_log (at, stream, seq, pos, request_id, principal, principal_kind, produced_for, subjects,
      categories, method, route, status)
    select at, 'bench', g / 100 + 1, g % 100, 'r' || g, who, 'user',
      case when mixup then other else who end,
      case
        when mixup then array[other]
        when r < 600 then array[who]
        when r < 880 and parent then array[who, 'C' || (p % 125000)]
        when r < 880 then array[who, 'P' || (p - 375000)]
        when r < 900 and parent then array[who, 'C' || ((p * 7 + 3) % 125000)]
        when r < 999 then array[who]
        else array['P' || ((p + 1) % 375000)]
      end,
      case when r < 600 then array['identity'] when r < 900 then array['identity', 'employment'] else array['identity', 'payslip'] end,
      'GET', '/espace/declarations', 200
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
  log(`access_log rows: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // Their batches, as the writer would have committed them (the chain's hashes are not generated: the
  // bench does not verify). A batch is formed after its records: its time is its last record's.
  await sql`insert into audit_stream (id, started_at, genesis_hash) values ('bench', '2020-03-31T00:00:00Z', '')`.execute(db);
  await sql`
    insert into audit_batch (stream, seq, at, row_count, row_digests, prev_hash, hash)
    select stream, seq, max(at), count(*), '', '', '' from access_log group by stream, seq`.execute(db);
  await sql`create index access_log_at_idx on access_log (at)`.execute(db);
  await sql`create index access_log_batch_idx on access_log (stream, seq)`.execute(db);
  // As in the exposure migration (built after the load: faster than maintaining it row by row).
  await sql`create index access_log_exposure_idx on access_log (at)
    include (principal, produced_for, subjects, categories, request_id, route, session_hmac, client_hmac)
    where cardinality(subjects) > 0
      and not (principal is not null and subjects = array[principal] and (produced_for is null or produced_for = principal))`.execute(db);
  await sql`vacuum analyze access_log`.execute(db);
  await sql`vacuum analyze exposure_relation`.execute(db);
  await sql`vacuum analyze audit_batch`.execute(db);
  log(`indexes and analyze: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
