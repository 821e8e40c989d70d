import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { AccessExposureRow } from '../db/tables/access-log.js';
import type { AuditBatchRow } from '../db/tables/audit-batch.js';
import type { AuditCrypto } from './audit-crypto.js';
import { allCheckpoints, type StreamHead } from './checkpoint.js';
import { batchHashInput, canonicalRow, rowDigestHexLength, showsOthersData, type AccessRecord } from './record.js';
import { recordsFromBatch } from './stored-row.js';

export type IssueKind =
  | 'row-edited'
  | 'row-deleted'
  | 'row-inserted'
  | 'row-reordered'
  | 'batch-edited'
  | 'batch-deleted'
  | 'broken-link'
  | 'checkpoint-mismatch'
  | 'checkpoint-signature'
  | 'subject-index';

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
  // Batches hold up to a few thousand records each (the generator writes 5,000): a page stays a few MB.
  const pageSize = options.pageSize ?? 50;
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
  // Retention drops the exposure copies of records timed before its cut, though a batch committed after the cut
  // may still hold such a record (partitions.ts): their absence is retention, not tampering.
  const prunedBefore = valid.reduce((latest, c) => (c.body.prunedBefore && Date.parse(c.body.prunedBefore) > latest ? Date.parse(c.body.prunedBefore) : latest), -Infinity);

  // A window reads only the streams that committed in it (its days' partitions), not every stream ever started.
  let streamQuery = db.selectFrom('audit_stream').select(['id', 'genesis_hash']).orderBy('id');
  if (options.from || options.to) {
    let inWindow = db.selectFrom('audit_batch').select('stream').distinct();
    if (options.from) inWindow = inWindow.where('at', '>=', options.from);
    if (options.to) inWindow = inWindow.where('at', '<', options.to);
    streamQuery = streamQuery.where('id', 'in', inWindow);
  }
  const streams = await streamQuery.execute();
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
      // The copies' partitions are their records' days: the page's record times bound them (a forged copy
      // timed elsewhere is still found, by the orphan check over its own window).
      let earliest = new Date(batches[0]!.first_record_at);
      let latest = new Date(batches[0]!.last_record_at);
      for (const batch of batches) {
        if (new Date(batch.first_record_at) < earliest) earliest = new Date(batch.first_record_at);
        if (new Date(batch.last_record_at) > latest) latest = new Date(batch.last_record_at);
      }
      const exposureRows = await db
        .selectFrom('access_exposure')
        .selectAll()
        .where('stream', '=', stream.id)
        .where('seq', '>=', String(first) as never)
        .where('seq', '<=', String(last) as never)
        .where('at', '>=', earliest)
        .where('at', '<=', latest)
        .execute();
      const exposureBySeq = new Map<number, AccessExposureRow[]>();
      for (const row of exposureRows) {
        const seq = Number(row.seq);
        const list = exposureBySeq.get(seq);
        if (list) list.push(row);
        else exposureBySeq.set(seq, [row]);
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
        const checked = await checkRecords(crypto, stream.id, batch, exposureBySeq.get(seq) ?? [], prunedBefore);
        rowCount += checked.rows;
        issues.push(...checked.issues);
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

/**
 * Compares a batch's stored records with its ordered digest list, where each kind of change has its own
 * signature, then its copies in access_exposure with the records that belong there.
 */
async function checkRecords(
  crypto: AuditCrypto,
  stream: string,
  batch: AuditBatchRow,
  exposureRows: AccessExposureRow[],
  prunedBefore: number,
): Promise<{ rows: number; issues: VerifyIssue[] }> {
  const seq = Number(batch.seq);
  const expected: string[] = [];
  for (let i = 0; i < batch.row_digests.length; i += rowDigestHexLength) expected.push(batch.row_digests.slice(i, i + rowDigestHexLength));
  const records = recordsFromBatch(batch.records);
  if (!records) return { rows: 0, issues: [{ kind: 'row-edited', stream, seq, detail: 'the batch\'s records are not a JSON array' }] };
  // A malformed element gets a digest that matches nothing.
  const actual = await Promise.all(records.map(async (record) => (record ? (await crypto.sha256Hex(canonicalRow(record))).slice(0, rowDigestHexLength) : '')));
  const alignment = alignDigests(expected, actual);
  const issues: VerifyIssue[] = alignment.issues.map((change) => ({ ...change, stream, seq }));
  // Records found as written, by their written position: what access_exposure's copies are compared with.
  const written = new Map<number, AccessRecord>();
  for (const [pos, storedPos] of alignment.found) written.set(pos, records[storedPos]!);
  issues.push(...checkExposureCopies(stream, seq, expected.length, written, exposureRows, prunedBefore));
  issues.push(...checkSubjectIndex(stream, seq, [...written.values()], records.length === written.size, batch.subjects));
  return { rows: records.length, issues };
}

/**
 * Aligns the stored digests with the written ones. A written row absent from the store is deleted, a stored
 * row never written is inserted; both at the same position make an edit. Rows present in both but out of
 * order are those outside a longest run in written order. `found` maps each written position found to its
 * stored position.
 */
export function alignDigests(expected: string[], actual: string[]): { issues: Omit<VerifyIssue, 'stream' | 'seq'>[]; found: Map<number, number> } {
  const writtenAt = new Map(expected.map((digest, pos) => [digest, pos]));
  const storedAt = new Map<string, number>();
  const extra = new Set<number>();
  actual.forEach((digest, pos) => {
    if (!writtenAt.has(digest) || storedAt.has(digest)) extra.add(pos);
    else storedAt.set(digest, pos);
  });
  const issues: Omit<VerifyIssue, 'stream' | 'seq'>[] = [];
  const missing = expected.map((digest, pos) => (storedAt.has(digest) ? -1 : pos)).filter((pos) => pos >= 0);
  for (const pos of missing) {
    if (extra.delete(pos)) issues.push({ kind: 'row-edited', pos, detail: 'the row differs from what was written' });
    else issues.push({ kind: 'row-deleted', pos, detail: 'a row written here is missing' });
  }
  for (const pos of extra) issues.push({ kind: 'row-inserted', pos, detail: 'the row is not one of the batch' });
  const kept = [...storedAt.entries()].sort((a, b) => a[1] - b[1]).map(([digest, pos]) => ({ pos, written: writtenAt.get(digest)! }));
  const inOrder = longestIncreasingRun(kept.map((k) => k.written));
  kept.forEach((k, i) => {
    if (!inOrder.has(i)) issues.push({ kind: 'row-reordered', pos: k.pos, detail: `the row was written at position ${k.written}` });
  });
  return { issues: issues.sort((a, b) => a.pos! - b.pos!), found: new Map(kept.map((k) => [k.written, k.pos])) };
}

/** Indexes of one longest strictly increasing subsequence (patience sorting). */
function longestIncreasingRun(values: number[]): Set<number> {
  const tails: number[] = [];
  const previous: number[] = [];
  values.forEach((value, i) => {
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (values[tails[mid]!]! < value) low = mid + 1;
      else high = mid;
    }
    previous[i] = low > 0 ? tails[low - 1]! : -1;
    tails[low] = i;
  });
  const run = new Set<number>();
  for (let i = tails.length ? tails[tails.length - 1]! : -1; i >= 0; i = previous[i]!) run.add(i);
  return run;
}

/**
 * access_exposure must hold exactly the records that show someone else's data, as written, at their written
 * positions: a copy deleted there hides an exposure from the report, one inserted there invents one. A copy
 * of a record already reported as changed or missing is not reported again.
 */
function checkExposureCopies(
  stream: string,
  seq: number,
  writtenCount: number,
  written: Map<number, AccessRecord>,
  rows: AccessExposureRow[],
  prunedBefore: number,
): VerifyIssue[] {
  const issues: VerifyIssue[] = [];
  const copies = new Map<number, AccessExposureRow>();
  for (const row of rows) {
    const record = written.get(row.pos);
    if (copies.has(row.pos) || (record && !showsOthersData(record)) || (!record && (row.pos < 0 || row.pos >= writtenCount))) {
      issues.push({ kind: 'row-inserted', stream, seq, pos: row.pos, detail: 'access_exposure holds a record the batch does not' });
    } else copies.set(row.pos, row);
  }
  for (const [pos, record] of written) {
    if (!showsOthersData(record)) continue;
    const copy = copies.get(pos);
    if (!copy && record.at.getTime() < prunedBefore) continue; // dropped with its day's partition
    if (!copy) issues.push({ kind: 'row-deleted', stream, seq, pos, detail: 'the record is missing from access_exposure: the exposure report would not see it' });
    else if (!sameCopy(record, copy)) issues.push({ kind: 'row-edited', stream, seq, pos, detail: 'its copy in access_exposure differs from the record' });
  }
  return issues.sort((a, b) => a.pos! - b.pos!);
}

/**
 * The batch's subject index (`subjects`, what a person's right-of-access read looks up) must name every subject
 * of its intact records: one missing hides that person's records from their request. When every record is
 * intact it must name nothing else either.
 */
function checkSubjectIndex(stream: string, seq: number, intact: AccessRecord[], allIntact: boolean, indexed: string[]): VerifyIssue[] {
  const wanted = new Set<string>();
  for (const record of intact) for (const subject of record.subjects) wanted.add(subject);
  const have = new Set(indexed);
  const missing = [...wanted].filter((subject) => !have.has(subject)).length;
  const extra = allIntact ? [...have].filter((subject) => !wanted.has(subject)).length : 0;
  if (missing === 0 && extra === 0) return [];
  return [{ kind: 'subject-index', stream, seq, detail: `the batch's subject index misses ${missing} of its records' subjects and names ${extra} it does not hold` }];
}

const sameTexts = (a: string[], b: string[]) => a.length === b.length && a.every((value, i) => value === b[i]);

function sameCopy(record: AccessRecord, row: AccessExposureRow): boolean {
  return (
    new Date(row.at).getTime() === record.at.getTime() &&
    row.request_id === record.requestId &&
    row.principal === record.principal &&
    row.session_hmac === record.sessionHmac &&
    row.produced_for === record.producedFor &&
    sameTexts(row.subjects, record.subjects) &&
    sameTexts(row.categories, record.categories) &&
    row.route === record.route &&
    row.client_hmac === record.clientHmac
  );
}

/** Exposure copies that claim a batch that does not exist (inserted behind Vigie's back). */
async function orphanRows(db: Db, options: VerifyOptions): Promise<VerifyIssue[]> {
  const { rows } = await sql<{ stream: string; seq: string; pos: number }>`
    select l.stream, l.seq, l.pos from access_exposure l
    where not exists (select 1 from audit_batch b where b.stream = l.stream and b.seq = l.seq and b.at >= l.at)
    ${options.from ? sql`and l.at >= ${options.from.toISOString()}::timestamptz` : sql``}
    ${options.to ? sql`and l.at < ${options.to.toISOString()}::timestamptz` : sql``}
    order by l.stream, l.seq, l.pos limit 1000`.execute(db);
  return rows.map((row) => ({ kind: 'row-inserted' as const, stream: row.stream, seq: Number(row.seq), pos: row.pos, detail: 'access_exposure holds a record that belongs to no batch' }));
}
