import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessLog } from '../../src/audit/access-log.js';
import { accessLogMiddleware, declarePersonalData } from '../../src/audit/access-log-middleware.js';
import { verifyAccessLog } from '../../src/audit/verify.js';
import { AccessLogWriter } from '../../src/audit/writer.js';
import { systemClock } from '../../src/clock.js';
import type { Db } from '../../src/db/database.js';
import { createNodeAuditCrypto } from '../../src/entry/node-audit-crypto.js';
import { openDatabase } from '../../src/entry/open-database.js';
import { silentLogger } from '../../src/logger.js';
import { openTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/databases.js';
import { testConfig } from '../helpers/test-app.js';
import { startTcpProxy } from '../maintenance/tcp-proxy.js';

// The database goes away under load (a TCP proxy the test controls stands between the writer and PostgreSQL):
// strict mode answers 503 within VIGIE_AUDIT_TIMEOUT_MS, never hangs, never lets out a response it did not
// record, and recovers without a restart when the database returns. Server-only: PGlite runs in the process
// and cannot be taken away. (Maintenance keeping its last known state, and the cold-start policy, are
// tested the same way in test/maintenance/propagation.test.ts; SIGKILL under load in
// test/gateway/sigkill.test.ts.)
const timeoutMs = 1000;
const crypto = createNodeAuditCrypto('audit-key-for-tests-at-least-32-characters');

describe.skipIf(!testDatabaseUrl)('strict access log with the database gone (PostgreSQL)', () => {
  let database: TestDatabase;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let proxied: Db;
  let writer: AccessLogWriter;
  const service = new Hono();

  beforeAll(async () => {
    database = await openTestDatabase('postgresql');
    const url = new URL(testDatabaseUrl!);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    proxied = (await openDatabase({ databaseUrl: url.toString(), databasePoolSize: 2, dataDir: '' }, { schema: database.schema! })).db as Db;
    writer = new AccessLogWriter({ db: proxied, crypto, clock: systemClock, logger: silentLogger, mode: 'strict', timeoutMs, maxBatch: 200 });
    service.use('*', accessLogMiddleware({ accessLog: createAccessLog(testConfig(), writer, crypto), clock: systemClock }));
    service.get('/people/:id', (c) => {
      declarePersonalData(c, { subjects: [c.req.param('id')], categories: ['identity'] });
      return c.json({ id: c.req.param('id'), secret: `data-of-${c.req.param('id')}` });
    });
  }, 120_000);
  afterAll(async () => {
    proxy.restore();
    await writer.close();
    await proxied.destroy();
    await proxy.close();
    await database.close();
  });

  async function burst(label: string, n: number) {
    return Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const id = `${label}-${i}`;
        const started = performance.now();
        const res = await service.request(`/people/${id}`, { headers: { 'x-request-id': id } });
        return { id, status: res.status, text: await res.text(), ms: performance.now() - started };
      }),
    );
  }
  const recorded = async (ids: string[]) =>
    new Set((await database.db.selectFrom('access_log').select('request_id').where('request_id', 'in', ids).execute()).map((row) => row.request_id));

  it('answers 503 within the timeout while the database is gone, leaks nothing, and recovers by itself; 0 lost', async () => {
    // The first record makes the stream and the day's partition: done before the measured bursts.
    for (let i = 0; i < 10 && (await service.request('/people/warm-up')).status !== 200; i++);
    const before = await burst('up', 40);
    expect(before.map((r) => r.status)).toEqual(before.map(() => 200));

    proxy.cut();
    const during = await burst('down', 40);
    for (const r of during) {
      expect(r.status, r.id).toBe(503);
      expect(r.text).not.toContain('data-of-');
      expect(r.ms, `${r.id} waited ${r.ms.toFixed(0)} ms`).toBeLessThan(timeoutMs + 1500);
    }
    proxy.restore();

    // No restart: the pool reconnects on its next use.
    let after: Awaited<ReturnType<typeof burst>> = [];
    for (let attempt = 0; attempt < 20; attempt++) {
      after = await burst(`back${attempt}`, 40);
      if (after.every((r) => r.status === 200)) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(after.every((r) => r.status === 200)).toBe(true);

    // Every response a client received with personal data has its record (a refused one may have its record too,
    // if the commit landed after the bound: evidence of an attempt, never a response without one).
    const received = [...before, ...after].filter((r) => r.status === 200).map((r) => r.id);
    const found = await recorded(received);
    expect(received.filter((id) => !found.has(id))).toEqual([]);
    expect(await verifyAccessLog(database.db, crypto)).toMatchObject({ ok: true });
    expect(writer.stats().refused).toBeGreaterThanOrEqual(40);
  });
});
