import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensurePartitions, ensurePartitionsAhead, listPartitions } from '../../src/audit/partitions.js';
import { pruneAccessLog } from '../../src/audit/prune.js';
import { readAccessLog } from '../../src/audit/read-log.js';
import { verifyAccessLog } from '../../src/audit/verify.js';
import { AccessLogWriter } from '../../src/audit/writer.js';
import { manualClock } from '../../src/clock.js';
import { createNodeAuditCrypto } from '../../src/entry/node-audit-crypto.js';
import { silentLogger } from '../../src/logger.js';
import { engines, openSchema, openTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/databases.js';
import { sampleRecord } from './fixtures.js';

const crypto = createNodeAuditCrypto('audit-key-for-tests-at-least-32-characters');
const days = (list: { day: string }[]) => list.map((p) => p.day);

describe.each(engines())('the access log in daily partitions on %s', (engine) => {
  let test: TestDatabase;
  const clock = manualClock('2026-12-01T23:59:50Z');
  beforeEach(async () => {
    test = await openTestDatabase(engine);
  });
  afterEach(() => test.close());

  /** Records at the given times, each committed alone at its own time (one batch each). */
  async function write(records: { at: string; subjects: string[] }[]): Promise<void> {
    const writer = new AccessLogWriter({ db: test.db, crypto, clock, logger: silentLogger, mode: 'strict', timeoutMs: 5000, maxBatch: 10 });
    for (const { at, subjects } of records) {
      clock.set(at);
      await writer.append(sampleRecord({ at: new Date(at), subjects }));
    }
    await writer.close();
  }

  it('makes a week of days ahead for both tables, once, and the writer makes a far day on demand', async () => {
    expect(await ensurePartitionsAhead(test.db, new Date('2026-12-04T10:00:00Z'))).toBe(16);
    expect(await ensurePartitionsAhead(test.db, new Date('2026-12-04T10:00:00Z'))).toBe(0);
    expect(days(await listPartitions(test.db, 'audit_batch'))).toEqual(['2026-12-04', '2026-12-05', '2026-12-06', '2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10', '2026-12-11']);
    // A replay of 2020 under an injected clock: no partition was made ahead for that day.
    await write([{ at: '2020-03-31T09:45:00Z', subjects: ['ann', 'bob'] }]);
    expect(days(await listPartitions(test.db, 'audit_batch'))).toContain('2020-03-31');
    expect(days(await listPartitions(test.db, 'access_exposure'))).toContain('2020-03-31');
    expect((await readAccessLog(test.db, { from: new Date('2020-03-31T00:00:00Z'), to: new Date('2020-04-01T00:00:00Z'), limit: 10 })).records).toHaveLength(1);
  });

  it("reads a window across midnight from both days' partitions, and a person's records from the subject index", async () => {
    await write([
      { at: '2026-11-30T12:00:00Z', subjects: ['ann'] },
      { at: '2026-12-01T23:59:50Z', subjects: ['ann', 'bob'] },
      { at: '2026-12-02T00:00:10Z', subjects: ['bob'] },
      { at: '2026-12-02T00:00:20Z', subjects: ['ann'] },
      { at: '2026-12-03T09:00:00Z', subjects: ['cat'] },
    ]);
    const window = { from: new Date('2026-12-01T23:59:00Z'), to: new Date('2026-12-02T00:01:00Z'), limit: 100 };
    expect((await readAccessLog(test.db, window)).records.map((r) => [r.at.toISOString(), r.subjects])).toEqual([
      ['2026-12-01T23:59:50.000Z', ['ann', 'bob']],
      ['2026-12-02T00:00:10.000Z', ['bob']],
      ['2026-12-02T00:00:20.000Z', ['ann']],
    ]);
    const month = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-31T00:00:00Z'), limit: 100 };
    expect((await readAccessLog(test.db, { ...month, subject: 'ann' })).records.map((r) => r.at.toISOString())).toEqual([
      '2026-11-30T12:00:00.000Z',
      '2026-12-01T23:59:50.000Z',
      '2026-12-02T00:00:20.000Z',
    ]);
    // The plan of a window's read names only the partitions from its start on.
    const { rows } = await sql<{ 'QUERY PLAN': string }>`explain select stream, seq from audit_batch
      where at >= '2026-12-02T00:00:00Z'::timestamptz and first_record_at < '2026-12-02T01:00:00Z'::timestamptz and subjects @> array['ann']`.execute(test.db);
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toContain('audit_batch_20261202');
    expect(plan).not.toContain('audit_batch_20261201');
    expect(plan).not.toContain('audit_batch_20261130');
  });

  it('retention drops whole days of both tables; what remains verifies; verify of a window reads its days', async () => {
    await write([
      { at: '2026-11-30T12:00:00Z', subjects: ['ann'] },
      { at: '2026-12-01T23:59:50Z', subjects: ['ann', 'bob'] },
      { at: '2026-12-02T00:00:10Z', subjects: ['bob'] },
    ]);
    const result = await pruneAccessLog(test.db, crypto, clock, new Date('2026-12-02T00:00:05Z'));
    expect(result).toMatchObject({ batches: 2, rows: 2, prunedBefore: '2026-12-02T00:00:00.000Z', partitions: 4 });
    expect(days(await listPartitions(test.db, 'audit_batch'))).toEqual(['2026-12-02']);
    expect(days(await listPartitions(test.db, 'access_exposure'))).toEqual(['2026-12-02']);
    expect(await verifyAccessLog(test.db, crypto)).toMatchObject({ ok: true, batches: 1, rows: 1 });
    expect(await verifyAccessLog(test.db, crypto, { from: new Date('2026-12-02T00:00:00Z'), to: new Date('2026-12-03T00:00:00Z') })).toMatchObject({ ok: true, batches: 1 });
  });
});

describe.skipIf(!testDatabaseUrl)('daily partitions made by several connections at once (PostgreSQL server only)', () => {
  let test: TestDatabase;
  beforeEach(async () => {
    test = await openTestDatabase('postgresql');
  });
  afterEach(() => test.close());

  it('lets many connections make the same day at once: one makes it, none fails', async () => {
    // The server makes days ahead at start while its writer makes today's on demand: both at once, on
    // separate connections (a failure here answered the first page of a fresh server 503).
    const pool = await openSchema(test.schema!, 8);
    try {
      for (const day of ['2031-01-01', '2031-01-02', '2031-01-03']) {
        const made = await Promise.all(Array.from({ length: 8 }, () => ensurePartitions(pool, 'audit_batch', [day])));
        expect(made.reduce((a, b) => a + b, 0)).toBe(1);
      }
    } finally {
      await pool.destroy();
    }
  });
});
