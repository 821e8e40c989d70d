import { sql } from 'kysely';
import { auditBatchChannel } from '../audit/insert-batch.js';
import type { CommittedRecord } from '../audit/record.js';
import { recordsFromBatch } from '../audit/stored-row.js';
import type { Db } from '../db/database.js';
import type { Notifications } from '../db/notifications.js';
import type { Logger } from '../logger.js';

/** `stream seq at` as an edge writer announces a batch (insert-batch.ts). */
export function parseBatchAnnouncement(payload: string): { stream: string; seq: number; at: Date } | undefined {
  const [stream, seq, at] = payload.split(' ');
  const time = at ? new Date(at) : undefined;
  if (!stream || !seq || !/^\d+$/.test(seq) || !time || Number.isNaN(time.getTime())) return undefined;
  return { stream, seq: Number(seq), at: time };
}

/**
 * Live detection of the batches other writers commit: Workers isolates cannot run the detector after their
 * responses within the second (no connection kept, CPU billed per request, a breaker that would count per
 * isolate), so they announce each batch (NOTIFY vigie_audit_batch, in the batch's own statement) and a Node
 * instance's detector checks it as it checks its own writer's. Announcements are handled one at a time, in
 * commit order, so that a stream's batches reach the detector in sequence. One missed while this instance
 * was away is left to the catch-up (its stream's mark holds), as a crashed instance's batches are.
 */
export async function followAnnouncedBatches(deps: {
  db: Db;
  notifications: Notifications;
  logger: Logger;
  onBatchCommitted: (records: CommittedRecord[]) => void | Promise<void>;
}): Promise<() => Promise<void>> {
  let chain: Promise<void> = Promise.resolve();
  const handle = async (payload: string) => {
    const batch = parseBatchAnnouncement(payload);
    if (!batch) return;
    // The batch's day is known (its time): one partition's primary key.
    const { rows } = await sql<{ records: string }>`
      select records from audit_batch where stream = ${batch.stream} and seq = ${batch.seq} and at = ${batch.at.toISOString()}::timestamptz`.execute(deps.db);
    const text = rows[0]?.records;
    if (text === undefined) return; // another database's batch (a shared server), or pruned already
    const records: CommittedRecord[] = [];
    (recordsFromBatch(text) ?? []).forEach((record, pos) => {
      if (record) records.push({ ...record, stream: batch.stream, seq: batch.seq, pos });
    });
    // Handed over, not awaited: batches announced while the detector is at the database join its next round.
    if (records.length > 0) void Promise.resolve(deps.onBatchCommitted(records)).catch(() => {});
  };
  const stop = await deps.notifications.listen(auditBatchChannel, (payload) => {
    chain = chain.then(() => handle(payload)).catch(() => deps.logger.error('announced access-log batch could not be checked'));
  });
  return async () => {
    await stop();
    await chain;
  };
}
