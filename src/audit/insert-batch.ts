import { sql } from 'kysely';
import type { Db } from '../db/database.js';

export interface BatchToInsert {
  stream: string;
  /** Set on a stream's first batch: the stream row goes in with it, in the same statement. */
  streamStart?: { startedAt: Date; genesisHash: string };
  seq: number;
  at: Date;
  rowDigests: string;
  prevHash: string;
  hash: string;
  /** The records' canonical rows (record.ts), in position order: the very text the row digests cover. */
  rows: string[];
}

/**
 * One statement, hence one implicit transaction and one round trip: the batch row, its records and, for a
 * new stream, its stream row. The records travel as ONE parameter, the JSON array of their canonical rows
 * that the writer has already built to hash them: Node serialises each record once, and the server reads
 * each field by its position in canonicalRow (record.ts), from jsonb, parsed once per batch.
 */
export async function insertBatch(db: Db, batch: BatchToInsert): Promise<void> {
  const streamCte = batch.streamStart
    ? sql`s as (insert into audit_stream (id, started_at, genesis_hash)
        values (${batch.stream}, ${batch.streamStart.startedAt.toISOString()}::timestamptz, ${batch.streamStart.genesisHash})),`
    : sql``;
  // Positions: 0 version, 1 at, 2 requestId, 3 traceId, 4 principal, 5 principalKind, 6 sessionHmac,
  // 7 producedFor, 8 subjects, 9 categories, 10 method, 11 route, 12 status, 13 cacheStatus, 14 clientHmac.
  await sql`
    with ${streamCte} b as (
      insert into audit_batch (stream, seq, at, row_count, row_digests, prev_hash, hash)
      values (${batch.stream}, ${batch.seq}, ${batch.at.toISOString()}::timestamptz, ${batch.rows.length}, ${batch.rowDigests}, ${batch.prevHash}, ${batch.hash})
    )
    insert into access_log (at, stream, seq, pos, request_id, trace_id, principal, principal_kind, session_hmac,
      produced_for, subjects, categories, method, route, status, cache_status, client_hmac)
    select (r->>1)::timestamptz, ${batch.stream}, ${batch.seq}, t.pos - 1, r->>2, r->>3, r->>4, r->>5, r->>6, r->>7,
      array(select jsonb_array_elements_text(r->8)), array(select jsonb_array_elements_text(r->9)),
      r->>10, r->>11, (r->>12)::int, r->>13, r->>14
    from jsonb_array_elements(${`[${batch.rows.join(',')}]`}::jsonb) with ordinality as t(r, pos)
  `.execute(db);
}
