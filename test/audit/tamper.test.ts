import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeCheckpoint } from '../../src/audit/checkpoint.js';
import { pruneAccessLog } from '../../src/audit/prune.js';
import { readAccessLog } from '../../src/audit/read-log.js';
import { verifyAccessLog } from '../../src/audit/verify.js';
import { AccessLogWriter } from '../../src/audit/writer.js';
import { manualClock } from '../../src/clock.js';
import type { Db } from '../../src/db/database.js';
import { createNodeAuditCrypto } from '../../src/entry/node-audit-crypto.js';
import { silentLogger } from '../../src/logger.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { sampleRecord } from './fixtures.js';

const crypto = createNodeAuditCrypto('audit-key-for-tests-at-least-32-characters');

// Tampering is done the way an intruder with SQL access would: around the append-only triggers. Records are
// stored in their batch (`records`, a JSON array), and copied to access_exposure when they show someone else's data.
const tables = ['access_exposure', 'audit_batch', 'audit_checkpoint'];
async function behindTheBack(db: Db, statement: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const table of tables) await sql.raw(`alter table ${table} disable trigger user`).execute(trx);
    for (const part of statement.split(';')) await sql.raw(part).execute(trx);
    for (const table of tables) await sql.raw(`alter table ${table} enable trigger user`).execute(trx);
  });
}

describe.each(engines())('verify pinpoints tampering on %s', (engine) => {
  let test: TestDatabase;
  let stream: string;
  const clock = manualClock('2026-11-20T10:00:00Z');

  /** Three days of traffic: per day, three batches of four records (stream seq 1..9). */
  beforeEach(async () => {
    test = await openTestDatabase(engine);
    clock.set('2026-11-20T10:00:00Z');
    const writer = new AccessLogWriter({ db: test.db, crypto, clock, logger: silentLogger, mode: 'strict', timeoutMs: 5000, maxBatch: 4 });
    for (let day = 0; day < 3; day++) {
      for (let batch = 0; batch < 3; batch++) await Promise.all(Array.from({ length: 4 }, () => writer.append(sampleRecord({ at: clock.now() }))));
      clock.advance(86_400_000);
    }
    stream = writer.stats().stream;
    await writer.close();
  });
  afterEach(() => test.close());

  const kinds = async () => (await verifyAccessLog(test.db, crypto)).issues.map(({ kind, seq, pos }) => ({ kind, seq, pos }));

  it('passes on an intact log, and the database refuses UPDATE and DELETE', async () => {
    expect(await verifyAccessLog(test.db, crypto)).toEqual({ ok: true, batches: 9, rows: 36, issues: [], firstBrokenLink: null });
    await expect(sql`update audit_batch set records = '[]'`.execute(test.db)).rejects.toThrow(/append-only/);
    await expect(sql`update access_exposure set principal = 'x'`.execute(test.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_batch`.execute(test.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from access_exposure`.execute(test.db)).rejects.toThrow(/append-only/);
    // Every sample record shows someone else's data: each has its copy.
    const copies = await sql<{ n: number }>`select count(*)::int as n from access_exposure`.execute(test.db);
    expect(copies.rows[0]!.n).toBe(36);
  });

  it('finds an edited row', async () => {
    await behindTheBack(test.db, `update audit_batch set records = jsonb_set(records::jsonb, '{2,4}', '"mallory"')::text where seq = 5`);
    expect(await kinds()).toEqual([{ kind: 'row-edited', seq: 5, pos: 2 }]);
  });

  it('finds a deleted row', async () => {
    await behindTheBack(test.db, `update audit_batch set records = (records::jsonb - 1)::text where seq = 4`);
    expect(await kinds()).toEqual([{ kind: 'row-deleted', seq: 4, pos: 1 }]);
  });

  it('finds inserted rows, in a batch or in no batch', async () => {
    await behindTheBack(test.db, `update audit_batch set records = (records::jsonb || jsonb_build_array(jsonb_set(records::jsonb->0, '{2}', '"forged"')))::text where seq = 2`);
    await behindTheBack(test.db, `insert into access_exposure select at, stream, 42, 0, 'forged-2', principal, session_hmac, produced_for, subjects,
      categories, route, client_hmac from access_exposure where seq = 2 and pos = 0`);
    expect(await kinds()).toEqual([
      { kind: 'row-inserted', seq: 2, pos: 4 },
      { kind: 'row-inserted', seq: 42, pos: 0 },
    ]);
  });

  it('finds reordered rows', async () => {
    await behindTheBack(test.db, `update audit_batch set records = jsonb_build_array(records::jsonb->3, records::jsonb->1, records::jsonb->2, records::jsonb->0)::text where seq = 7`);
    expect(await kinds()).toEqual([
      { kind: 'row-reordered', seq: 7, pos: 0 },
      { kind: 'row-reordered', seq: 7, pos: 3 },
    ]);
  });

  it('finds a record unreadable in its batch, and the whole list unreadable', async () => {
    await behindTheBack(test.db, `update audit_batch set records = jsonb_set(records::jsonb, '{1,12}', '"200"')::text where seq = 5`);
    await behindTheBack(test.db, `update audit_batch set records = '[{' where seq = 8`);
    expect(await kinds()).toEqual([
      { kind: 'row-edited', seq: 5, pos: 1 },
      { kind: 'row-edited', seq: 8, pos: undefined },
    ]);
  });

  it('a tampered record does not break reads of its window: skipped and named there, reported by verify', async () => {
    await behindTheBack(test.db, `update audit_batch set records = jsonb_set(records::jsonb, '{1,1}', '"2026-02-30T10:00:00Z"')::text where seq = 5`);
    await behindTheBack(test.db, `update audit_batch set records = jsonb_set(records::jsonb, '{2,12}', '"two hundred"')::text where seq = 5`);
    await behindTheBack(test.db, `update audit_batch set records = '[{' where seq = 8`);
    const window = { from: new Date('2026-11-19T00:00:00Z'), to: new Date('2026-11-23T00:00:00Z'), limit: 1000 };
    const read = await readAccessLog(test.db, window);
    expect(read.records).toHaveLength(36 - 4 - 2);
    expect(read.unreadable.map(({ seq, pos }) => ({ seq, pos }))).toEqual([
      { seq: 5, pos: 1 },
      { seq: 5, pos: 2 },
      { seq: 8, pos: null },
    ]);
    // The view reads the other records, and the damaged fields as null, instead of failing on a cast.
    const { rows } = await sql<{ n: number; no_time: number; no_status: number }>`
      select count(*)::int as n, count(*) filter (where at is null)::int as no_time, count(*) filter (where status is null)::int as no_status from access_log`.execute(test.db);
    expect(rows[0]).toEqual({ n: 32, no_time: 1, no_status: 1 });
    expect(await kinds()).toEqual([
      { kind: 'row-edited', seq: 5, pos: 1 },
      { kind: 'row-edited', seq: 5, pos: 2 },
      { kind: 'row-edited', seq: 8, pos: undefined },
    ]);
  });

  it('finds an exposure hidden from the report, forged or changed in access_exposure', async () => {
    await behindTheBack(test.db, `delete from access_exposure where seq = 2 and pos = 1`);
    await behindTheBack(test.db, `update access_exposure set principal = 'someone-else' where seq = 3 and pos = 2`);
    await behindTheBack(test.db, `insert into access_exposure select at, stream, seq, pos, request_id, principal, session_hmac, produced_for, subjects,
      categories, route, client_hmac from access_exposure where seq = 4 and pos = 0`);
    expect(await kinds()).toEqual([
      { kind: 'row-deleted', seq: 2, pos: 1 },
      { kind: 'row-edited', seq: 3, pos: 2 },
      { kind: 'row-inserted', seq: 4, pos: 0 },
    ]);
  });

  it("finds a batch whose subject index was changed (a person's records hidden from their access request)", async () => {
    await behindTheBack(test.db, `update audit_batch set subjects = '{}' where seq = 3`);
    expect(await kinds()).toEqual([{ kind: 'subject-index', seq: 3, pos: undefined }]);
  });

  it('finds a deleted batch and names the first broken link', async () => {
    await behindTheBack(test.db, `delete from access_exposure where seq = 3; delete from audit_batch where seq = 3`);
    const report = await verifyAccessLog(test.db, crypto);
    expect(report.issues.map((i) => i.kind)).toEqual(['batch-deleted']);
    expect(report.firstBrokenLink).toEqual({ stream, seq: 4 });
  });

  it('finds a batch rewritten to hide an edit', async () => {
    await behindTheBack(test.db, `update audit_batch set records = jsonb_set(records::jsonb, '{0,8}', '[]')::text where seq = 6`);
    await behindTheBack(test.db, `update audit_batch set row_digests = 'ffffffffffffffffffffffffffffffff' || substr(row_digests, 33) where seq = 6`);
    const report = await verifyAccessLog(test.db, crypto);
    expect(report.issues.map(({ kind, seq }) => ({ kind, seq }))).toEqual([{ kind: 'batch-edited', seq: 6 }, { kind: 'row-edited', seq: 6 }]);
    expect(report.firstBrokenLink).toEqual({ stream, seq: 6 });
  });

  it('finds the last batches deleted, thanks to a signed checkpoint, and a forged checkpoint', async () => {
    await writeCheckpoint(test.db, crypto, clock);
    // A window that leaves the head out is not mistaken for a deletion.
    expect(await verifyAccessLog(test.db, crypto, { from: new Date('2026-11-20T00:00:00Z'), to: new Date('2026-11-21T00:00:00Z') })).toMatchObject({ ok: true, batches: 3 });
    await behindTheBack(test.db, `delete from access_exposure where seq >= 8; delete from audit_batch where seq >= 8`);
    expect((await kinds()).map((i) => i.kind)).toEqual(['batch-deleted']);
    await behindTheBack(test.db, `update audit_checkpoint set body = replace(body, '"seq":9', '"seq":7')`);
    expect((await kinds()).map((i) => i.kind)).toEqual(['checkpoint-signature']);
  });

  it('prune removes whole days and what remains still verifies; a deletion after it is still found', async () => {
    // Whole days go: a cut within 22 November keeps that day (its partition), and drops the 20th and 21st.
    const result = await pruneAccessLog(test.db, crypto, clock, new Date('2026-11-22T05:00:00Z'));
    expect(result).toMatchObject({ batches: 6, rows: 24, prunedBefore: '2026-11-22T00:00:00.000Z', partitions: 4 });
    expect(await verifyAccessLog(test.db, crypto)).toMatchObject({ ok: true, batches: 3, rows: 12 });
    // The window form reads only what it is asked for.
    expect(await verifyAccessLog(test.db, crypto, { from: new Date('2026-11-22T00:00:00Z'), to: new Date('2026-11-23T00:00:00Z') })).toMatchObject({ ok: true, batches: 3 });
    await behindTheBack(test.db, `delete from access_exposure where seq = 7; delete from audit_batch where seq = 7`);
    expect((await kinds()).map((i) => i.kind)).toEqual(['batch-deleted']);
  });
});
