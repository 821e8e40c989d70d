import { sql, type Kysely } from 'kysely';

// Migrations never import application code: they describe the schema as it was on their day.
//
// A batch's records are stored in the batch row itself: `records` is the JSON array of their canonical rows,
// the very values their digests cover (docs/access-log.md, "Storage"). A row per record cost PostgreSQL about
// 20 µs per record (heap row, indexes, turning the payload into rows); a text value per batch costs a few.
// `access_log` becomes a view that expands the batches, with the columns the table had.
//
// The exposure report reads only the records that show someone other than the receiver's own data, or that
// went to someone they were not produced for (most traffic is a user's own pages). Those are also written, in
// the same statement, to `access_exposure`, with the columns the report reads and its covering index: the
// report's plans do not change. Verify checks that table against the batches.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table audit_batch add column records text, add column first_record_at timestamptz, add column last_record_at timestamptz`.execute(db);

  // Existing records move into their batches, as they are: a row edited, deleted or inserted behind Vigie's
  // back stays visible to verify (the digests are untouched). The append-only trigger is lifted for this
  // statement only, inside the migration's transaction.
  await sql`alter table audit_batch disable trigger audit_batch_append_only`.execute(db);
  await sql`
    update audit_batch b set records = r.records, first_record_at = r.first_at, last_record_at = r.last_at
    from (
      select stream, seq, min(at) as first_at, max(at) as last_at,
        '[' || string_agg(jsonb_build_array(1, to_jsonb(at), request_id, trace_id, principal, principal_kind, session_hmac,
          produced_for, to_jsonb(subjects), to_jsonb(categories), method, route, status, cache_status, client_hmac)::text, ',' order by pos) || ']' as records
      from access_log group by stream, seq
    ) r
    where r.stream = b.stream and r.seq = b.seq`.execute(db);
  // A batch whose rows were all deleted keeps an empty list (verify reports each missing row); its times fall back
  // to the batch's own.
  await sql`update audit_batch set records = '[]', first_record_at = at, last_record_at = at where records is null`.execute(db);
  await sql`alter table audit_batch enable trigger audit_batch_append_only`.execute(db);
  await sql`alter table audit_batch alter column records set not null, alter column first_record_at set not null, alter column last_record_at set not null`.execute(db);
  // Window reads find their batches by their records' times.
  await sql`create index audit_batch_records_at_idx on audit_batch (last_record_at)`.execute(db);

  await sql`
    create table access_exposure (
      at timestamptz not null,
      stream text not null,
      seq bigint not null,
      pos integer not null,
      request_id text not null,
      principal text,
      session_hmac text,
      produced_for text,
      subjects text[] not null,
      categories text[] not null,
      route text not null,
      client_hmac text
    )`.execute(db);
  await sql`
    insert into access_exposure (at, stream, seq, pos, request_id, principal, session_hmac, produced_for, subjects, categories, route, client_hmac)
    select at, stream, seq, pos, request_id, principal, session_hmac, produced_for, subjects, categories, route, client_hmac
    from access_log
    where cardinality(subjects) > 0
      and not (principal is not null and subjects = array[principal] and (produced_for is null or produced_for = principal))`.execute(db);
  // The report reads a window by an index-only scan of this index (the table is append-only, so the visibility
  // map stays set); the live check and prune read by batch.
  await sql`create index access_exposure_at_idx on access_exposure (at)
    include (principal, produced_for, subjects, categories, request_id, route, session_hmac, client_hmac)`.execute(db);
  await sql`create index access_exposure_batch_idx on access_exposure (stream, seq)`.execute(db);
  await sql`create trigger access_exposure_append_only before update or delete on access_exposure
    for each row execute function vigie_audit_append_only()`.execute(db);

  await sql`drop table access_log`.execute(db);
  await sql`
    create view access_log as
    select (r->>1)::timestamptz as at, b.stream, b.seq, (t.pos - 1)::integer as pos, r->>2 as request_id, r->>3 as trace_id,
      r->>4 as principal, r->>5 as principal_kind, r->>6 as session_hmac, r->>7 as produced_for,
      array(select jsonb_array_elements_text(r->8)) as subjects, array(select jsonb_array_elements_text(r->9)) as categories,
      r->>10 as method, r->>11 as route, (r->>12)::integer as status, r->>13 as cache_status, r->>14 as client_hmac
    from audit_batch b cross join lateral jsonb_array_elements(b.records::jsonb) with ordinality as t(r, pos)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter view access_log rename to access_log_expanded`.execute(db);
  await sql`create table access_log as select * from access_log_expanded`.execute(db);
  await sql`drop view access_log_expanded`.execute(db);
  for (const column of ['at', 'stream', 'seq', 'pos', 'request_id', 'principal_kind', 'subjects', 'categories', 'method', 'route', 'status']) {
    await sql`alter table access_log alter column ${sql.id(column)} set not null`.execute(db);
  }
  await sql`create index access_log_at_idx on access_log (at)`.execute(db);
  await sql`create index access_log_batch_idx on access_log (stream, seq)`.execute(db);
  await sql`create index access_log_exposure_idx on access_log (at)
    include (principal, produced_for, subjects, categories, request_id, route, session_hmac, client_hmac)
    where cardinality(subjects) > 0
      and not (principal is not null and subjects = array[principal] and (produced_for is null or produced_for = principal))`.execute(db);
  await sql`create trigger access_log_append_only before update or delete on access_log
    for each row execute function vigie_audit_append_only()`.execute(db);
  await sql`drop table access_exposure`.execute(db);
  await sql`drop index audit_batch_records_at_idx`.execute(db);
  await sql`alter table audit_batch drop column records, drop column first_record_at, drop column last_record_at`.execute(db);
}
