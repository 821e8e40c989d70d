import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { AuditCrypto } from './audit-crypto.js';
import { writeCheckpoint, type StreamHead } from './checkpoint.js';
import { dropPartitionsBefore } from './partitions.js';

export interface PruneResult {
  batches: number;
  rows: number;
  checkpointId: string;
  /** The cut actually applied: `before` rounded down to a UTC midnight (whole days go). */
  prunedBefore: string;
  /** Partitions dropped, both tables. */
  partitions: number;
}

/**
 * Retention: drops whole days. Batches committed before the cut (`before` rounded down to a UTC midnight) go
 * with their partitions, and so do the exposure copies of records timed before it (docs/access-log.md,
 * "Retention"). First it signs a prune checkpoint naming, per stream, the last removed batch: the first
 * remaining batch chains to it, so what remains still verifies. Batches are committed in time order within a
 * stream (writer.ts), so what goes is a prefix of each stream. Nothing is deleted row by row: the cost does not
 * grow with the log (the counts below are read from the dropped days' batch rows, not their records).
 */
export async function pruneAccessLog(db: Db, crypto: AuditCrypto, clock: Clock, before: Date): Promise<PruneResult> {
  const cut = new Date(Date.UTC(before.getUTCFullYear(), before.getUTCMonth(), before.getUTCDate()));
  const { rows: anchors } = await sql<{ stream: string; seq: string; hash: string }>`
    select distinct on (stream) stream, seq, hash from audit_batch
    where at < ${cut.toISOString()}::timestamptz order by stream, seq desc`.execute(db);
  const { rows: counts } = await sql<{ batches: string; rows: string }>`
    select count(*) as batches, coalesce(sum(row_count), 0) as rows from audit_batch where at < ${cut.toISOString()}::timestamptz`.execute(db);
  const prunedTo: Record<string, StreamHead> = Object.fromEntries(anchors.map((a) => [a.stream, { seq: Number(a.seq), hash: a.hash }]));
  const checkpoint = await writeCheckpoint(db, crypto, clock, 'prune', { prunedTo, prunedBefore: cut.toISOString() });
  const dropped = await dropPartitionsBefore(db, cut);
  return { batches: Number(counts[0]!.batches), rows: Number(counts[0]!.rows), checkpointId: checkpoint.id, prunedBefore: cut.toISOString(), partitions: dropped.length };
}
