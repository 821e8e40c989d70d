import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { dayOf, ensurePartitions } from './partitions.js';
import { showsOthersData, type AccessRecord } from './record.js';

export interface BatchToInsert {
  stream: string;
  /** Set on a stream's first batch: the stream row goes in with it, in the same statement. */
  streamStart?: { startedAt: Date; genesisHash: string };
  seq: number;
  at: Date;
  rowDigests: string;
  prevHash: string;
  hash: string;
  /** The records, in position order. */
  records: AccessRecord[];
  /** Their canonical rows (record.ts), in the same order: the very text the row digests cover. */
  rows: string[];
  /** NOTIFY vigie_audit_batch with `stream seq at` once committed (edge writers: a Node instance checks their batches). */
  notify?: boolean;
}

/** The channel edge writers announce their batches on (payload: stream, seq and ISO time, space-separated). */
export const auditBatchChannel = 'vigie_audit_batch';

/**
 * One statement, hence one implicit transaction and one round trip: the batch row with its records, for a
 * new stream its stream row, and the records the exposure report reads (docs/access-log.md, "Storage").
 * The records are stored as the JSON array of the canonical rows the writer has already built to hash them:
 * one text value per batch, which PostgreSQL does not parse on the way in.
 */
export async function insertBatch(db: Db, batch: BatchToInsert): Promise<void> {
  const streamCte = batch.streamStart
    ? sql`s as (insert into audit_stream (id, started_at, genesis_hash)
        values (${batch.stream}, ${batch.streamStart.startedAt.toISOString()}::timestamptz, ${batch.streamStart.genesisHash}))`
    : undefined;
  let first = batch.records[0]!.at.getTime();
  let last = first;
  const exposed: string[] = [];
  const exposedDays = new Set<string>();
  const subjects = new Set<string>();
  batch.records.forEach((record, pos) => {
    const at = record.at.getTime();
    if (at < first) first = at;
    if (at > last) last = at;
    for (const subject of record.subjects) subjects.add(subject);
    if (showsOthersData(record)) {
      exposed.push(`[${pos},${batch.rows[pos]}]`);
      exposedDays.add(dayOf(record.at));
    }
  });
  const insertBatchRow = sql`insert into audit_batch (stream, seq, at, row_count, row_digests, prev_hash, hash, records, first_record_at, last_record_at, subjects)
    values (${batch.stream}, ${batch.seq}, ${batch.at.toISOString()}::timestamptz, ${batch.rows.length}, ${batch.rowDigests}, ${batch.prevHash},
      ${batch.hash}, ${`[${batch.rows.join(',')}]`}, ${new Date(first).toISOString()}::timestamptz, ${new Date(last).toISOString()}::timestamptz,
      ${[...subjects].sort()}::text[])`;
  // [pos, canonical row]; canonical positions: 1 at, 2 requestId, 4 principal, 6 sessionHmac, 7 producedFor,
  // 8 subjects, 9 categories, 11 route, 14 clientHmac.
  const exposureInsert = sql`insert into access_exposure (at, stream, seq, pos, request_id, principal, session_hmac, produced_for, subjects, categories, route, client_hmac)
    select (e->1->>1)::timestamptz, ${batch.stream}, ${batch.seq}, (e->>0)::integer, e->1->>2, e->1->>4, e->1->>6, e->1->>7,
      array(select jsonb_array_elements_text(e->1->8)), array(select jsonb_array_elements_text(e->1->9)), e->1->>11, e->1->>14
    from jsonb_array_elements(${`[${exposed.join(',')}]`}::jsonb) as e`;
  // Announced in the same statement (data-modifying CTEs always run; the final SELECT sends the notification),
  // so that a listener hears of the batch only once it is committed, in one round trip.
  const statement = batch.notify
    ? sql`with ${streamCte ? sql`${streamCte},` : sql``} b as (${insertBatchRow})${exposed.length > 0 ? sql`, x as (${exposureInsert})` : sql``}
      select pg_notify(${auditBatchChannel}, ${`${batch.stream} ${batch.seq} ${batch.at.toISOString()}`})`
    : exposed.length === 0
      ? streamCte
        ? sql`with ${streamCte} ${insertBatchRow}`
        : insertBatchRow
      : sql`with ${streamCte ? sql`${streamCte},` : sql``} b as (${insertBatchRow}) ${exposureInsert}`;
  try {
    await statement.execute(db);
  } catch (error) {
    // 23514: no partition for the row's day (partitions.ts). Made ahead for the days around now; a day far from
    // now (an injected clock, an import of old traffic) gets its partition here, and the statement runs again.
    if ((error as { code?: unknown }).code !== '23514') throw error;
    await ensurePartitions(db, 'audit_batch', [dayOf(batch.at)]);
    await ensurePartitions(db, 'access_exposure', exposedDays);
    await statement.execute(db);
  }
}
