import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { AuditCrypto } from './audit-crypto.js';
import { writeCheckpoint, type StreamHead } from './checkpoint.js';

export interface PruneResult {
  batches: number;
  rows: number;
  checkpointId: string;
}

/**
 * Retention: removes whole batches committed before `before`, with their records and their copies in
 * access_exposure. First it signs a prune checkpoint naming, per stream, the last removed batch: the first
 * remaining batch chains to it, so what remains still verifies. The only DELETE on the log, and the database refuses it outside this transaction.
 */
export async function pruneAccessLog(db: Db, crypto: AuditCrypto, clock: Clock, before: Date): Promise<PruneResult> {
  const { rows: anchors } = await sql<{ stream: string; seq: string; hash: string }>`
    select distinct on (stream) stream, seq, hash from audit_batch
    where at < ${before.toISOString()}::timestamptz order by stream, seq desc`.execute(db);
  const prunedTo: Record<string, StreamHead> = Object.fromEntries(anchors.map((a) => [a.stream, { seq: Number(a.seq), hash: a.hash }]));
  const checkpoint = await writeCheckpoint(db, crypto, clock, 'prune', { prunedTo, prunedBefore: before.toISOString() });
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('vigie.audit_prune', 'on', true)`.execute(trx);
    let rows = 0;
    let batches = 0;
    for (const anchor of anchors) {
      // Per stream, up to the anchor: a batch committed late with an earlier time stays with its successors.
      await sql`delete from access_exposure where stream = ${anchor.stream} and seq <= ${anchor.seq}`.execute(trx);
      const removed = await sql<{ row_count: number }>`delete from audit_batch where stream = ${anchor.stream} and seq <= ${anchor.seq} returning row_count`.execute(trx);
      rows += removed.rows.reduce((sum, batch) => sum + batch.row_count, 0);
      batches += removed.rows.length;
    }
    return { batches, rows, checkpointId: checkpoint.id };
  });
}
