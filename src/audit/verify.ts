import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { AccessLogRow } from '../db/tables/access-log.js';
import type { AuditBatchRow } from '../db/tables/audit-batch.js';
import type { AuditCrypto } from './audit-crypto.js';
import { allCheckpoints, type StreamHead } from './checkpoint.js';
import { batchHashInput, canonicalRow, rowDigestHexLength } from './record.js';
import { recordFromRow } from './stored-row.js';

export type IssueKind =
  | 'row-edited'
  | 'row-deleted'
  | 'row-inserted'
  | 'row-reordered'
  | 'batch-edited'
  | 'batch-deleted'
  | 'broken-link'
  | 'checkpoint-mismatch'
  | 'checkpoint-signature';

export interface VerifyIssue {
  kind: IssueKind;
  stream: string;
  seq?: number;
  pos?: number;
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  batches: number;
  rows: number;
  issues: VerifyIssue[];
  /** The first batch whose link to its predecessor (or its own hash) does not hold. */
  firstBrokenLink: { stream: string; seq: number } | null;
}

export interface VerifyOptions {
  from?: Date;
  to?: Date;
  /** Batches read per query. */
  pageSize?: number;
  onProgress?: (batches: number) => void;
}

/**
 * Recomputes every batch hash and row digest in the window and checks each link (docs/access-log.md,
 * "Verify"). Reads stream by stream, a page of batches and their rows at a time.
 */
export async function verifyAccessLog(db: Db, crypto: AuditCrypto, options: VerifyOptions = {}): Promise<VerifyReport> {
  const pageSize = options.pageSize ?? 500;
  const issues: VerifyIssue[] = [];
  let firstBrokenLink: VerifyReport['firstBrokenLink'] = null;
  const broken = (stream: string, seq: number) => {
    firstBrokenLink ??= { stream, seq };
  };
  let batchCount = 0;
  let rowCount = 0;

  const checkpoints = await allCheckpoints(db, crypto);
  for (const checkpoint of checkpoints) {
    if (!checkpoint.signatureValid) issues.push({ kind: 'checkpoint-signature', stream: '*', detail: `checkpoint ${checkpoint.id} has an invalid signature` });
  }
  const valid = checkpoints.filter((c) => c.signatureValid);
  const prunedTo = new Map<string, StreamHead[]>();
  for (const checkpoint of valid) {
    for (const [stream, head] of Object.entries(checkpoint.body.prunedTo ?? {})) prunedTo.set(stream, [...(prunedTo.get(stream) ?? []), head]);
  }
  const heads = valid.at(-1)?.body.heads ?? {};

  const streams = await db.selectFrom('audit_stream').select(['id', 'genesis_hash']).orderBy('id').execute();
  const known = new Set(streams.map((s) => s.id));
  for (const stream of Object.keys(heads)) {
    if (!known.has(stream)) issues.push({ kind: 'batch-deleted', stream, detail: 'a stream named by the latest checkpoint is gone' });
  }

  for (const stream of streams) {
    let previous: { seq: number; hash: string } | undefined;
    let afterSeq = -1;
    let lastSeen: StreamHead | undefined;
    for (;;) {
      let query = db.selectFrom('audit_batch').selectAll().where('stream', '=', stream.id).where('seq', '>', String(afterSeq) as never);
      if (options.from) query = query.where('at', '>=', options.from);
      if (options.to) query = query.where('at', '<', options.to);
      const batches = await query.orderBy('seq').limit(pageSize).execute();
      if (batches.length === 0) break;
      const first = Number(batches[0]!.seq);
      const last = Number(batches.at(-1)!.seq);
      const rows = await db
        .selectFrom('access_log')
        .selectAll()
        .where('stream', '=', stream.id)
        .where('seq', '>=', String(first) as never)
        .where('seq', '<=', String(last) as never)
        .orderBy('seq')
        .orderBy('pos')
        .execute();
      const rowsBySeq = new Map<number, AccessLogRow[]>();
      for (const row of rows) {
        const seq = Number(row.seq);
        rowsBySeq.set(seq, [...(rowsBySeq.get(seq) ?? []), row]);
      }
      for (const batch of batches) {
        const seq = Number(batch.seq);
        if (previous === undefined) previous = await predecessor(db, stream, seq, prunedTo.get(stream.id) ?? []);
        if (previous && seq !== previous.seq + 1) {
          issues.push({ kind: 'batch-deleted', stream: stream.id, seq: previous.seq + 1, detail: `batches ${previous.seq + 1}..${seq - 1} are missing` });
          broken(stream.id, seq);
        } else if (previous && batch.prev_hash !== previous.hash) {
          issues.push({ kind: 'broken-link', stream: stream.id, seq, detail: 'the batch does not chain to its predecessor' });
          broken(stream.id, seq);
        } else if (!previous) {
          issues.push({ kind: 'batch-deleted', stream: stream.id, seq: seq - 1, detail: `the batches before ${seq} are missing and no prune checkpoint covers them` });
          broken(stream.id, seq);
        }
        const recomputed = await crypto.sha256Hex(batchHashInput({ stream: stream.id, seq, at: new Date(batch.at), prevHash: batch.prev_hash, rowDigests: batch.row_digests }));
        if (recomputed !== batch.hash) {
          issues.push({ kind: 'batch-edited', stream: stream.id, seq, detail: 'the batch row does not match its hash' });
          broken(stream.id, seq);
        }
        const batchRows = rowsBySeq.get(seq) ?? [];
        rowCount += batchRows.length;
        issues.push(...(await checkRows(crypto, stream.id, batch, batchRows)));
        previous = { seq, hash: batch.hash };
        lastSeen = previous;
      }
      batchCount += batches.length;
      options.onProgress?.(batchCount);
      afterSeq = last;
    }
    // The latest checkpoint's head must still be there, unchanged, whatever the window (one lookup per
    // stream): this is what makes the deletion of a stream's last batches visible.
    const head = heads[stream.id];
    if (head) {
      const atHead = await db.selectFrom('audit_batch').select('hash').where('stream', '=', stream.id).where('seq', '=', String(head.seq) as never).executeTakeFirst();
      const pruned = (prunedTo.get(stream.id) ?? []).some((anchor) => anchor.seq >= head.seq);
      if (!atHead && !pruned) {
        issues.push({ kind: 'batch-deleted', stream: stream.id, seq: head.seq, detail: `the checkpoint saw batch ${head.seq}; it is gone (the log ends at ${lastSeen?.seq ?? 'an earlier batch'})` });
        broken(stream.id, lastSeen ? lastSeen.seq + 1 : head.seq);
      } else if (atHead && atHead.hash !== head.hash) {
        issues.push({ kind: 'checkpoint-mismatch', stream: stream.id, seq: head.seq, detail: 'the batch differs from the one the checkpoint signed' });
        broken(stream.id, head.seq);
      }
    }
  }
  issues.push(...(await orphanRows(db, options)));
  return { ok: issues.length === 0, batches: batchCount, rows: rowCount, issues, firstBrokenLink };
}

/** What the first batch seen of a stream must chain to: the genesis, the batch before, or a prune anchor. */
async function predecessor(db: Db, stream: { id: string; genesis_hash: string }, seq: number, anchors: StreamHead[]): Promise<StreamHead | undefined> {
  if (seq === 1) return { seq: 0, hash: stream.genesis_hash };
  const before = await db.selectFrom('audit_batch').select(['seq', 'hash']).where('stream', '=', stream.id).where('seq', '<', String(seq) as never).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (before) return { seq: Number(before.seq), hash: before.hash };
  return anchors.filter((anchor) => anchor.seq < seq).sort((a, b) => b.seq - a.seq)[0];
}

/** Compares a batch's rows with its ordered digest list: each kind of change has its own signature. */
async function checkRows(crypto: AuditCrypto, stream: string, batch: AuditBatchRow, rows: AccessLogRow[]): Promise<VerifyIssue[]> {
  const seq = Number(batch.seq);
  const expected: string[] = [];
  for (let i = 0; i < batch.row_digests.length; i += rowDigestHexLength) expected.push(batch.row_digests.slice(i, i + rowDigestHexLength));
  const issues: VerifyIssue[] = [];
  const seen = new Set<number>();
  for (const row of rows) {
    const digest = (await crypto.sha256Hex(canonicalRow(recordFromRow(row)))).slice(0, rowDigestHexLength);
    const pos = row.pos;
    if (pos < 0 || pos >= expected.length || seen.has(pos)) {
      issues.push({ kind: expected.includes(digest) ? 'row-reordered' : 'row-inserted', stream, seq, pos, detail: 'the row is not one of the batch' });
      continue;
    }
    seen.add(pos);
    if (expected[pos] === digest) continue;
    const elsewhere = expected.indexOf(digest);
    issues.push(
      elsewhere >= 0
        ? { kind: 'row-reordered', stream, seq, pos, detail: `the row was written at position ${elsewhere}` }
        : { kind: 'row-edited', stream, seq, pos, detail: 'the row differs from what was written' },
    );
  }
  for (let pos = 0; pos < expected.length; pos++) {
    if (!seen.has(pos)) issues.push({ kind: 'row-deleted', stream, seq, pos, detail: 'a row written here is missing' });
  }
  return issues;
}

/** Rows that claim a stream or batch that does not exist (inserted behind Vigie's back). */
async function orphanRows(db: Db, options: VerifyOptions): Promise<VerifyIssue[]> {
  const { rows } = await sql<{ stream: string; seq: string; pos: number }>`
    select l.stream, l.seq, l.pos from access_log l
    where not exists (select 1 from audit_batch b where b.stream = l.stream and b.seq = l.seq)
    ${options.from ? sql`and l.at >= ${options.from.toISOString()}::timestamptz` : sql``}
    ${options.to ? sql`and l.at < ${options.to.toISOString()}::timestamptz` : sql``}
    order by l.stream, l.seq, l.pos limit 1000`.execute(db);
  return rows.map((row) => ({ kind: 'row-inserted' as const, stream: row.stream, seq: Number(row.seq), pos: row.pos, detail: 'the row belongs to no batch' }));
}
