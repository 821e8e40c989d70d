import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchHashInput, canonicalRow, genesisHashInput, rowDigestHexLength, showsOthersData, type AccessRecord } from '../../src/audit/record.js';
import { listPartitions } from '../../src/audit/partitions.js';
import { readAccessLog } from '../../src/audit/read-log.js';
import { verifyAccessLog } from '../../src/audit/verify.js';
import { migrateTo, migrateToLatest } from '../../src/db/migrate.js';
import { createNodeAuditCrypto } from '../../src/entry/node-audit-crypto.js';
import type { Db } from '../../src/db/database.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { sampleRecord } from './fixtures.js';

const crypto = createNodeAuditCrypto('audit-key-for-tests-at-least-32-characters');

const readView = (db: Db) =>
  sql<Record<string, unknown>>`select * from access_log order by seq, pos`.execute(db).then((r) => r.rows.map((row) => ({ ...row, at: new Date(row.at as string).toISOString(), seq: String(row.seq) })));

/**
 * 20261203030000_access_log_in_batches moves a log written one row per record into its batches. What was
 * there must read the same afterwards, verify as before (a row changed before the move is still found),
 * and the exposure copies must be those the writer would have made.
 */
describe.each(engines())('the move of records into their batches on %s', (engine) => {
  let test: TestDatabase;
  beforeEach(async () => {
    test = await openTestDatabase(engine, { migrate: false });
    await migrateTo(test.db, '20261202210000_access_log_batch_index');
  });
  afterEach(() => test.close());

  /** Two chained batches as the writer wrote them before the move, one row per record. */
  async function writeOldLog(): Promise<AccessRecord[][]> {
    const own = (id: string) => sampleRecord({ principal: id, producedFor: null, subjects: [id] });
    const batches = [
      [own('p-1'), sampleRecord(), own('p-2'), sampleRecord({ subjects: [] }), sampleRecord({ principal: null, principalKind: 'anonymous', sessionHmac: 'ab', route: "/a'b\"c,{d}" })],
      [sampleRecord({ at: new Date('2026-10-25T01:30:00Z') }), own('p-3')],
    ];
    const stream = 'old-stream';
    const startedAt = new Date('2026-11-23T11:00:00Z');
    let prevHash = await crypto.sha256Hex(genesisHashInput(stream, startedAt));
    await sql`insert into audit_stream (id, started_at, genesis_hash) values (${stream}, ${startedAt.toISOString()}, ${prevHash})`.execute(test.db);
    for (const [i, records] of batches.entries()) {
      const seq = i + 1;
      const at = new Date(Date.UTC(2026, 10, 23, 12, 0, seq));
      const digests = await Promise.all(records.map((r) => crypto.sha256Hex(canonicalRow(r))));
      const rowDigests = digests.map((d) => d.slice(0, rowDigestHexLength)).join('');
      const hash = await crypto.sha256Hex(batchHashInput({ stream, seq, at, prevHash, rowDigests }));
      await sql`insert into audit_batch (stream, seq, at, row_count, row_digests, prev_hash, hash)
        values (${stream}, ${seq}, ${at.toISOString()}, ${records.length}, ${rowDigests}, ${prevHash}, ${hash})`.execute(test.db);
      for (const [pos, r] of records.entries()) {
        await sql`insert into access_log (at, stream, seq, pos, request_id, trace_id, principal, principal_kind, session_hmac, produced_for,
            subjects, categories, method, route, status, cache_status, client_hmac)
          values (${r.at.toISOString()}, ${stream}, ${seq}, ${pos}, ${r.requestId}, ${r.traceId}, ${r.principal}, ${r.principalKind}, ${r.sessionHmac},
            ${r.producedFor}, ${r.subjects}, ${r.categories}, ${r.method}, ${r.route}, ${r.status}, ${r.cacheStatus}, ${r.clientHmac})`.execute(test.db);
      }
      prevHash = hash;
    }
    return batches;
  }

  const readAll = () => readView(test.db);

  it('keeps every record as it read, the chain verifying, and copies exactly the exposures', async () => {
    const batches = await writeOldLog();
    const before = await readAll();
    await migrateToLatest(test.db);
    expect(await readAll()).toEqual(before);
    expect(await verifyAccessLog(test.db, crypto)).toMatchObject({ ok: true, batches: 2, rows: 7 });
    const copies = await sql<{ request_id: string }>`select request_id from access_exposure order by seq, pos`.execute(test.db);
    const exposures = batches.flat().filter(showsOthersData).map((r) => r.requestId);
    expect(exposures).toHaveLength(3);
    expect(copies.rows.map((r) => r.request_id)).toEqual(exposures);
    const times = await sql<{ first: Date; last: Date }>`select first_record_at as first, last_record_at as last from audit_batch where seq = 2`.execute(test.db);
    expect(new Date(times.rows[0]!.first).toISOString()).toBe('2026-10-25T01:30:00.000Z');
  });

  it('a row changed or deleted before the move is still found after it', async () => {
    await writeOldLog();
    await sql`alter table access_log disable trigger user`.execute(test.db);
    await sql`update access_log set principal = 'mallory' where seq = 1 and pos = 2`.execute(test.db);
    await sql`delete from access_log where seq = 2`.execute(test.db);
    await sql`alter table access_log enable trigger user`.execute(test.db);
    await migrateToLatest(test.db);
    const report = await verifyAccessLog(test.db, crypto);
    expect(report.issues.map(({ kind, seq, pos }) => ({ kind, seq, pos }))).toEqual([
      { kind: 'row-edited', seq: 1, pos: 2 },
      { kind: 'row-deleted', seq: 2, pos: 0 },
      { kind: 'row-deleted', seq: 2, pos: 1 },
    ]);
  });
});

/**
 * 20261204120000_access_log_partitions moves the batches and the exposure copies into daily partitions, and
 * fills each batch's subject index from its records. A batch whose records were made unreadable before the move
 * must not stop it, and is still found by verify afterwards.
 */
describe.each(engines())('the move of the log into daily partitions on %s', (engine) => {
  let test: TestDatabase;
  beforeEach(async () => {
    test = await openTestDatabase(engine, { migrate: false });
    await migrateTo(test.db, '20261203030000_access_log_in_batches');
  });
  afterEach(() => test.close());

  /** Three chained batches over two days, stored as the writer stored them before partitions. */
  async function writeLog(): Promise<AccessRecord[][]> {
    const stream = 'day-stream';
    const startedAt = new Date('2026-11-22T23:00:00Z');
    let prevHash = await crypto.sha256Hex(genesisHashInput(stream, startedAt));
    await sql`insert into audit_stream (id, started_at, genesis_hash) values (${stream}, ${startedAt.toISOString()}, ${prevHash})`.execute(test.db);
    const batches = [
      [sampleRecord({ at: new Date('2026-11-22T23:59:58Z'), subjects: ['ann', 'bob'] }), sampleRecord({ at: new Date('2026-11-22T23:59:59Z'), principal: 'cat', producedFor: null, subjects: ['cat'] })],
      [sampleRecord({ at: new Date('2026-11-23T00:00:01Z'), subjects: ['ann'] })],
      [sampleRecord({ at: new Date('2026-11-23T08:00:00Z'), subjects: ['dan'] })],
    ];
    for (const [i, records] of batches.entries()) {
      const seq = i + 1;
      const at = new Date(records.at(-1)!.at.getTime() + 5);
      const rows = records.map(canonicalRow);
      const digests = await Promise.all(rows.map((row) => crypto.sha256Hex(row)));
      const rowDigests = digests.map((d) => d.slice(0, rowDigestHexLength)).join('');
      const hash = await crypto.sha256Hex(batchHashInput({ stream, seq, at, prevHash, rowDigests }));
      await sql`insert into audit_batch (stream, seq, at, row_count, row_digests, prev_hash, hash, records, first_record_at, last_record_at)
        values (${stream}, ${seq}, ${at.toISOString()}, ${records.length}, ${rowDigests}, ${prevHash}, ${hash}, ${`[${rows.join(',')}]`},
          ${records[0]!.at.toISOString()}, ${records.at(-1)!.at.toISOString()})`.execute(test.db);
      for (const [pos, r] of records.entries()) {
        if (!showsOthersData(r)) continue;
        await sql`insert into access_exposure (at, stream, seq, pos, request_id, principal, session_hmac, produced_for, subjects, categories, route, client_hmac)
          values (${r.at.toISOString()}, ${stream}, ${seq}, ${pos}, ${r.requestId}, ${r.principal}, ${r.sessionHmac}, ${r.producedFor}, ${r.subjects},
            ${r.categories}, ${r.route}, ${r.clientHmac})`.execute(test.db);
      }
      prevHash = hash;
    }
    return batches;
  }

  it('keeps every record and copy, partitions them by day, indexes the subjects, and still finds a batch damaged before', async () => {
    await writeLog();
    const before = await readView(test.db);
    const copiesBefore = await sql`select * from access_exposure order by seq, pos`.execute(test.db);
    await migrateToLatest(test.db);
    expect(await readView(test.db)).toEqual(before);
    expect((await sql`select * from access_exposure order by seq, pos`.execute(test.db)).rows).toEqual(copiesBefore.rows);
    expect(await verifyAccessLog(test.db, crypto)).toMatchObject({ ok: true, batches: 3, rows: 4 });
    expect((await listPartitions(test.db, 'audit_batch')).map((p) => p.day)).toEqual(['2026-11-22', '2026-11-23']);
    expect((await listPartitions(test.db, 'access_exposure')).map((p) => p.day)).toEqual(['2026-11-22', '2026-11-23']);
    const subjects = await sql<{ seq: string; subjects: string[] }>`select seq, subjects from audit_batch order by seq`.execute(test.db);
    expect(subjects.rows.map((r) => r.subjects)).toEqual([['ann', 'bob', 'cat'], ['ann'], ['dan']]);
    // Ann's records across midnight, found through the subject index.
    const ann = await readAccessLog(test.db, { from: new Date('2026-11-22T00:00:00Z'), to: new Date('2026-11-24T00:00:00Z'), subject: 'ann', limit: 10 });
    expect(ann.records.map((r) => [r.seq, r.pos])).toEqual([[1, 0], [2, 0]]);
  });

  it('moves a batch whose records are unreadable without failing, and verify still finds it', async () => {
    await writeLog();
    await sql`alter table audit_batch disable trigger user`.execute(test.db);
    await sql`update audit_batch set records = '[{' where seq = 2`.execute(test.db);
    await sql`alter table audit_batch enable trigger user`.execute(test.db);
    await migrateToLatest(test.db);
    const report = await verifyAccessLog(test.db, crypto);
    expect(report.issues.map(({ kind, seq }) => ({ kind, seq }))).toEqual([{ kind: 'row-edited', seq: 2 }]);
    expect((await readAccessLog(test.db, { from: new Date('2026-11-22T00:00:00Z'), to: new Date('2026-11-24T00:00:00Z'), limit: 10 })).unreadable).toEqual([{ stream: 'day-stream', seq: 2, pos: null }]);
  });
});
