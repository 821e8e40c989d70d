import { sql, type Kysely } from 'kysely';

// Migrations never import application code: they describe the schema as it was on their day.
//
// The access log at national scale (docs/scale.md, docs/access-log.md "Storage"):
// - `audit_batch` is partitioned by day on its commit time `at`, `access_exposure` by day on its records' time
//   `at`: a window's reads, verify and the exposure report touch only their days' partitions, and retention
//   detaches and drops whole days (no DELETE of rows). Daily partitions are created ahead of time, and on demand
//   by the writer, with `vigie_audit_partition(table, day)`.
// - `audit_batch.subjects` holds the distinct data subjects of the batch's records, with a GIN index: a person's
//   records over a month ("who was shown my data", Art. 15) are found without reading the log. It is derived
//   from the records, and verify checks it.
// - Reads tolerate a tampered record: the view skips a `records` value that is not a JSON array and reads a
//   field that lost its type as null (PostgreSQL 15 has no pg_input_is_valid). Verify reports them.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function vigie_records_array(value text) returns jsonb language plpgsql immutable as $$
    declare parsed jsonb;
    begin
      begin
        parsed := value::jsonb;
      exception when others then
        return '[]'::jsonb;
      end;
      if jsonb_typeof(parsed) = 'array' then return parsed; end if;
      return '[]'::jsonb;
    end $$`.execute(db);
  // The writer's ISO form (or PostgreSQL's, for rows moved in by a migration), read without an error whatever
  // the text: the format and each field's range first, then the day within its month.
  await sql`
    create or replace function vigie_record_time(value text) returns timestamptz language sql stable as $$
      select case when value ~ '^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?(Z|[+-](0[0-9]|1[0-5]):[0-5][0-9])$'
        then case when substr(value, 9, 2)::int <= extract(day from make_date(substr(value, 1, 4)::int, substr(value, 6, 2)::int, 1) + interval '1 month - 1 day')
          then value::timestamptz end end $$`.execute(db);
  await sql`
    create or replace function vigie_records_subjects(value text) returns text[] language sql immutable as $$
      select coalesce(array_agg(distinct s order by s), '{}') from jsonb_array_elements(vigie_records_array(value)) r
      cross join lateral jsonb_array_elements_text(case when jsonb_typeof(r->8) = 'array' then r->8 else '[]'::jsonb end) s $$`.execute(db);

  await sql`drop view access_log`.execute(db);
  await sql`alter table audit_batch rename to audit_batch_unpartitioned`.execute(db);
  await sql`alter table access_exposure rename to access_exposure_unpartitioned`.execute(db);
  for (const index of ['audit_batch_at_idx', 'audit_batch_records_at_idx', 'access_exposure_at_idx', 'access_exposure_batch_idx']) {
    await sql`drop index ${sql.id(index)}`.execute(db);
  }
  await sql`alter table audit_batch_unpartitioned drop constraint audit_batch_pk`.execute(db);

  await sql`
    create table audit_batch (
      stream text not null,
      seq bigint not null,
      at timestamptz not null,
      row_count integer not null,
      row_digests text not null,
      prev_hash text not null,
      hash text not null,
      records text not null,
      first_record_at timestamptz not null,
      last_record_at timestamptz not null,
      subjects text[] not null default '{}',
      constraint audit_batch_pk primary key (stream, seq, at)
    ) partition by range (at)`.execute(db);
  await sql`create index audit_batch_at_idx on audit_batch (at)`.execute(db);
  // A window's batches: those committed from its start on (the partition key) whose first record is before its end.
  await sql`create index audit_batch_first_record_at_idx on audit_batch (first_record_at)`.execute(db);
  // Without the pending list: the writer's commits keep a steady cost (a pending-list flush would land on one of them).
  await sql`create index audit_batch_subjects_idx on audit_batch using gin (subjects) with (fastupdate = off)`.execute(db);
  await sql`create trigger audit_batch_append_only before update or delete on audit_batch for each row execute function vigie_audit_append_only()`.execute(db);

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
    ) partition by range (at)`.execute(db);
  await sql`create index access_exposure_at_idx on access_exposure (at)
    include (principal, produced_for, subjects, categories, request_id, route, session_hmac, client_hmac)`.execute(db);
  await sql`create index access_exposure_batch_idx on access_exposure (stream, seq)`.execute(db);
  await sql`create trigger access_exposure_append_only before update or delete on access_exposure for each row execute function vigie_audit_append_only()`.execute(db);

  // One day's partition of a table, made if missing. A table of the same shape attached to the parent: ATTACH
  // takes a lock that lets inserts and reads go on, where CREATE TABLE … PARTITION OF would stop them. An advisory
  // lock lets several instances call it at once.
  await sql`
    create or replace function vigie_audit_partition(parent text, day date) returns boolean language plpgsql as $$
    declare part text := parent || '_' || to_char(day, 'YYYYMMDD');
    begin
      if to_regclass(format('%I.%I', current_schema(), part)) is not null then return false; end if;
      perform pg_advisory_xact_lock(7410453);
      if to_regclass(format('%I.%I', current_schema(), part)) is not null then return false; end if;
      -- The advisory lock does not refresh this backend's catalog cache, so a partition another caller has just
      -- made can still look missing here: its CREATE then fails as a duplicate, which means the day is covered.
      begin
        execute format('create table %I.%I (like %I.%I including defaults including constraints including storage including compression)',
          current_schema(), part, current_schema(), parent);
        execute format('alter table %I.%I attach partition %I.%I for values from (%L) to (%L)', current_schema(), parent, current_schema(), part,
          day::timestamp at time zone 'UTC', (day + 1)::timestamp at time zone 'UTC');
      exception when duplicate_table or unique_violation then
        return false;
      end;
      return true;
    end $$`.execute(db);

  // Existing batches and copies move as they are (a row changed before the move is still found by verify).
  await sql`select vigie_audit_partition('audit_batch', d) from (select distinct (at at time zone 'UTC')::date as d from audit_batch_unpartitioned) days`.execute(db);
  await sql`
    insert into audit_batch (stream, seq, at, row_count, row_digests, prev_hash, hash, records, first_record_at, last_record_at, subjects)
    select stream, seq, at, row_count, row_digests, prev_hash, hash, records, first_record_at, last_record_at, vigie_records_subjects(records)
    from audit_batch_unpartitioned`.execute(db);
  await sql`select vigie_audit_partition('access_exposure', d) from (select distinct (at at time zone 'UTC')::date as d from access_exposure_unpartitioned) days`.execute(db);
  await sql`insert into access_exposure select * from access_exposure_unpartitioned`.execute(db);
  await sql`drop table access_exposure_unpartitioned`.execute(db);
  await sql`drop table audit_batch_unpartitioned`.execute(db);

  await sql`
    create view access_log as
    select vigie_record_time(r->>1) as at, b.stream, b.seq, (t.pos - 1)::integer as pos, r->>2 as request_id, r->>3 as trace_id,
      r->>4 as principal, r->>5 as principal_kind, r->>6 as session_hmac, r->>7 as produced_for,
      case when jsonb_typeof(r->8) = 'array' then array(select jsonb_array_elements_text(r->8)) end as subjects,
      case when jsonb_typeof(r->9) = 'array' then array(select jsonb_array_elements_text(r->9)) end as categories,
      r->>10 as method, r->>11 as route,
      case when jsonb_typeof(r->12) = 'number' and r->>12 ~ '^-?[0-9]{1,9}$' then (r->>12)::integer end as status,
      r->>13 as cache_status, r->>14 as client_hmac
    from audit_batch b cross join lateral jsonb_array_elements(vigie_records_array(b.records)) with ordinality as t(r, pos)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop view access_log`.execute(db);
  await sql`alter table audit_batch rename to audit_batch_partitioned`.execute(db);
  await sql`alter table access_exposure rename to access_exposure_partitioned`.execute(db);
  await sql`alter index audit_batch_at_idx rename to audit_batch_partitioned_at_idx`.execute(db);
  await sql`alter index access_exposure_at_idx rename to access_exposure_partitioned_at_idx`.execute(db);
  await sql`alter index access_exposure_batch_idx rename to access_exposure_partitioned_batch_idx`.execute(db);
  await sql`alter table audit_batch_partitioned rename constraint audit_batch_pk to audit_batch_partitioned_pk`.execute(db);
  await sql`create table audit_batch as select stream, seq, at, row_count, row_digests, prev_hash, hash, records, first_record_at, last_record_at from audit_batch_partitioned`.execute(db);
  await sql`create table access_exposure as select * from access_exposure_partitioned`.execute(db);
  await sql`drop table audit_batch_partitioned`.execute(db);
  await sql`drop table access_exposure_partitioned`.execute(db);
  await sql`alter table audit_batch add constraint audit_batch_pk primary key (stream, seq)`.execute(db);
  await sql`create index audit_batch_at_idx on audit_batch (at)`.execute(db);
  await sql`create index audit_batch_records_at_idx on audit_batch (last_record_at)`.execute(db);
  await sql`create index access_exposure_at_idx on access_exposure (at)
    include (principal, produced_for, subjects, categories, request_id, route, session_hmac, client_hmac)`.execute(db);
  await sql`create index access_exposure_batch_idx on access_exposure (stream, seq)`.execute(db);
  for (const table of ['audit_batch', 'access_exposure']) {
    await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)}
      for each row execute function vigie_audit_append_only()`.execute(db);
  }
  await sql`
    create view access_log as
    select (r->>1)::timestamptz as at, b.stream, b.seq, (t.pos - 1)::integer as pos, r->>2 as request_id, r->>3 as trace_id,
      r->>4 as principal, r->>5 as principal_kind, r->>6 as session_hmac, r->>7 as produced_for,
      array(select jsonb_array_elements_text(r->8)) as subjects, array(select jsonb_array_elements_text(r->9)) as categories,
      r->>10 as method, r->>11 as route, (r->>12)::integer as status, r->>13 as cache_status, r->>14 as client_hmac
    from audit_batch b cross join lateral jsonb_array_elements(b.records::jsonb) with ordinality as t(r, pos)`.execute(db);
  for (const fn of ['vigie_audit_partition(text, date)', 'vigie_records_subjects(text)', 'vigie_record_time(text)', 'vigie_records_array(text)']) {
    await sql`drop function ${sql.raw(fn)}`.execute(db);
  }
}
