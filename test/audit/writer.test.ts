import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebAuditCrypto } from '../../src/audit/audit-crypto.js';
import type { CommittedRecord } from '../../src/audit/record.js';
import { verifyAccessLog } from '../../src/audit/verify.js';
import { AccessLogWriter, AuditUnavailableError } from '../../src/audit/writer.js';
import { systemClock } from '../../src/clock.js';
import { createNodeAuditCrypto } from '../../src/entry/node-audit-crypto.js';
import { silentLogger } from '../../src/logger.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { sampleRecord } from './fixtures.js';

const key = 'audit-key-for-tests-at-least-32-characters';

describe('WebCrypto and node:crypto hashing agree', () => {
  it('gives the same digests and HMACs', async () => {
    const web = createWebAuditCrypto(key);
    const node = createNodeAuditCrypto(key);
    expect(await web.sha256Hex('abc')).toBe(node.sha256Hex('abc'));
    expect(await web.hmacHex('client', '10.0.0.1')).toBe(node.hmacHex('client', '10.0.0.1'));
    expect(await web.hmacHex('client', '10.0.0.1')).not.toBe(await web.hmacHex('session', '10.0.0.1'));
  });
});

describe.each(engines())('access log writer on %s', (engine) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestDatabase(engine);
  });
  afterAll(() => test.close());

  const writer = (options: Partial<ConstructorParameters<typeof AccessLogWriter>[0]> = {}) =>
    new AccessLogWriter({ db: test.db, crypto: createWebAuditCrypto(key), clock: systemClock, logger: silentLogger, mode: 'strict', timeoutMs: 2000, maxBatch: 50, ...options });

  it('strict mode: group-commits concurrent records into chained batches, each record once, readable as written', async () => {
    const committed: CommittedRecord[] = [];
    const w = writer({ onBatchCommitted: (records) => void committed.push(...records) });
    const records = Array.from({ length: 120 }, (_, i) => sampleRecord({ subjects: i % 10 === 0 ? [] : [`s-${i}`, 'with space'], traceId: i % 2 ? 'abc' : null }));
    await Promise.all(records.map((record) => w.append(record)));
    const stats = w.stats();
    expect(stats.committedRecords).toBe(120);
    // Batched: far fewer commits than records, and never more than maxBatch per batch.
    expect(stats.committedBatches).toBeLessThan(10);
    expect(stats.committedBatches).toBeGreaterThanOrEqual(3);
    expect(committed.map((r) => r.requestId).sort()).toEqual(records.map((r) => r.requestId).sort());
    const stored = await test.db.selectFrom('access_log').selectAll().where('stream', '=', stats.stream).orderBy('seq').orderBy('pos').execute();
    expect(stored).toHaveLength(120);
    const byRequest = new Map(stored.map((row) => [row.request_id, row]));
    const tenth = byRequest.get(records[10]!.requestId)!;
    expect(tenth.subjects).toEqual([]);
    expect(byRequest.get(records[11]!.requestId)!.subjects).toEqual(['s-11', 'with space']);
    expect(new Date(tenth.at).toISOString()).toBe(records[10]!.at.toISOString());
    await w.close();
    const report = await verifyAccessLog(test.db, createNodeAuditCrypto(key));
    expect(report).toMatchObject({ ok: true, rows: 120, issues: [] });
  });

  it('stores every field exactly as hashed, whatever the characters', async () => {
    const w = writer();
    const odd = sampleRecord({
      at: new Date('2020-03-29T01:59:59.999Z'),
      requestId: 'req "quoted" \\ back',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      principal: 'émilie.dupont@exemple.fr',
      principalKind: 'user',
      sessionHmac: null,
      producedFor: null,
      subjects: ['東京-1', 'a,b', '{braces}', 'NULL', '😀', ''],
      categories: [],
      method: 'PATCH',
      route: '/déclarations/%2F/[x]',
      status: 599,
      cacheStatus: 'x-cache=HIT; age=0',
      clientHmac: null,
    });
    await w.append(odd);
    await w.close();
    const row = await test.db.selectFrom('access_log').selectAll().where('request_id', '=', odd.requestId).executeTakeFirstOrThrow();
    expect({ ...row, at: new Date(row.at).toISOString() }).toMatchObject({
      at: '2020-03-29T01:59:59.999Z',
      trace_id: odd.traceId,
      principal: odd.principal,
      session_hmac: null,
      produced_for: null,
      subjects: odd.subjects,
      categories: [],
      method: 'PATCH',
      route: odd.route,
      status: 599,
      cache_status: odd.cacheStatus,
      client_hmac: null,
    });
    expect(await verifyAccessLog(test.db, createNodeAuditCrypto(key))).toMatchObject({ ok: true, issues: [] });
  });

  it('async mode: answers at once and writes in the background', async () => {
    const w = writer({ mode: 'async' });
    expect(w.record(sampleRecord())).toBeUndefined();
    for (let i = 0; i < 20; i++) w.enqueue(sampleRecord());
    await w.close();
    expect(w.stats()).toMatchObject({ committedRecords: 21, lost: 0 });
  });

  it('async mode: record() answers with asyncRelease (what the response waits for), strict with the commit', async () => {
    let released = 0;
    const release = Promise.resolve();
    const w = writer({ mode: 'async', asyncRelease: () => (released++, release) });
    expect(w.record(sampleRecord())).toBe(release);
    expect(released).toBe(1);
    await w.close();
    expect(w.stats()).toMatchObject({ committedRecords: 1, lost: 0 });
    const atOnce = writer({ mode: 'async' });
    expect(atOnce.record(sampleRecord())).toBeUndefined();
    await atOnce.close();
  });

  it('async mode: records wait up to asyncFlushMs for others, a full batch or close does not wait', async () => {
    const w = writer({ mode: 'async', asyncFlushMs: 10_000, maxBatch: 5 });
    for (let i = 0; i < 3; i++) w.enqueue(sampleRecord());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(w.stats()).toMatchObject({ committedRecords: 0, queued: 3 });
    for (let i = 0; i < 2; i++) w.enqueue(sampleRecord()); // the fifth fills the batch: it leaves at once
    await expect.poll(() => w.stats().committedRecords, { timeout: 5_000 }).toBe(5);
    expect(w.stats().committedBatches).toBe(1);
    w.enqueue(sampleRecord());
    const closing = performance.now();
    await w.close();
    expect(performance.now() - closing).toBeLessThan(5_000);
    expect(w.stats()).toMatchObject({ committedRecords: 6, committedBatches: 2, lost: 0 });
  });

  it('strict mode: refuses within the bound when the store is locked, and resumes by itself', async () => {
    const w = writer({ timeoutMs: 300 });
    await w.append(sampleRecord());
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // Another session holds the log locked: inserts wait (on the embedded engine, the single session is held).
    const holder = test.db.transaction().execute(async (trx) => {
      await sql`lock table audit_batch in access exclusive mode`.execute(trx);
      await released;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    const refused = await w.append(sampleRecord()).then(() => 'committed', (error: unknown) => error);
    const waited = performance.now() - started;
    expect(refused).toBeInstanceOf(AuditUnavailableError);
    expect(waited).toBeLessThan(300 + 200);
    expect(waited).toBeGreaterThanOrEqual(250);
    release();
    await holder;
    await w.append(sampleRecord());
    expect(w.stats().refused).toBe(1);
    await w.close();
    expect((await verifyAccessLog(test.db, createNodeAuditCrypto(key))).issues).toEqual([]);
  });
});
