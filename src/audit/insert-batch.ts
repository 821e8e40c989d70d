import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { AccessRecord } from './record.js';

export interface BatchToInsert {
  stream: string;
  /** Set on a stream's first batch: the stream row goes in with it, in the same statement. */
  streamStart?: { startedAt: Date; genesisHash: string };
  seq: number;
  at: Date;
  rowDigests: string;
  prevHash: string;
  hash: string;
  records: AccessRecord[];
}

/**
 * One statement, hence one implicit transaction and one round trip: the batch row, its records and, for a
 * new stream, its stream row. The records travel as ONE JSON parameter (JSON.stringify is native and
 * cheap; the server unpacks it with json_to_recordset), which keeps the Node side's cost per record low:
 * the writer shares its process with the requests it records.
 */
export async function insertBatch(db: Db, batch: BatchToInsert): Promise<void> {
  const streamCte = batch.streamStart
    ? sql`s as (insert into audit_stream (id, started_at, genesis_hash)
        values (${batch.stream}, ${batch.streamStart.startedAt.toISOString()}::timestamptz, ${batch.streamStart.genesisHash})),`
    : sql``;
  await sql`
    with ${streamCte} b as (
      insert into audit_batch (stream, seq, at, row_count, row_digests, prev_hash, hash)
      values (${batch.stream}, ${batch.seq}, ${batch.at.toISOString()}::timestamptz, ${batch.records.length}, ${batch.rowDigests}, ${batch.prevHash}, ${batch.hash})
    )
    insert into access_log (at, stream, seq, pos, request_id, trace_id, principal, principal_kind, session_hmac,
      produced_for, subjects, categories, method, route, status, cache_status, client_hmac)
    select t.at, ${batch.stream}, ${batch.seq}, t.pos - 1, t."requestId", t."traceId", t.principal, t."principalKind",
      t."sessionHmac", t."producedFor", t.subjects, t.categories, t.method, t.route, t.status, t."cacheStatus", t."clientHmac"
    from rows from (json_to_recordset(${JSON.stringify(batch.records)}::json) as (
      at timestamptz, "requestId" text, "traceId" text, principal text, "principalKind" text, "sessionHmac" text,
      "producedFor" text, subjects text[], categories text[], method text, route text, status int, "cacheStatus" text,
      "clientHmac" text)) with ordinality as t(at, "requestId", "traceId", principal, "principalKind", "sessionHmac",
      "producedFor", subjects, categories, method, route, status, "cacheStatus", "clientHmac", pos)
  `.execute(db);
}
