import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAccessLog } from '../../src/audit/verify.js';
import { workerCount } from '../../src/entry/cluster.js';
import { createNodeAuditCrypto } from '../../src/entry/node-audit-crypto.js';
import { openTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/databases.js';
import { freePort, startProcess, waitForOk } from '../helpers/processes.js';
import { testApp, testSecret } from '../helpers/test-app.js';
import { startTestOrigin, type TestOrigin } from '../gateway/origin.js';

const auditKey = 'audit-key-for-the-cluster-test-32-characters';

describe('--workers', () => {
  it('takes a whole number or auto', () => {
    expect(workerCount(undefined)).toBe(1);
    expect(workerCount('3')).toBe(3);
    expect(workerCount('auto')).toBeGreaterThanOrEqual(1);
    expect(() => workerCount('0')).toThrow(/--workers/);
    expect(() => workerCount('two')).toThrow(/--workers/);
  });
});

describe.skipIf(!testDatabaseUrl)('serve with workers: one port, one PostgreSQL, a log stream each (real Node gateway)', () => {
  let test: TestDatabase;
  let origin: TestOrigin;
  const dataDir = mkdtempSync(join(tmpdir(), 'vigie-cluster-'));
  beforeAll(async () => {
    test = await openTestDatabase('postgresql');
    origin = await startTestOrigin();
  });
  afterAll(async () => {
    await origin.close();
    await test.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves from 2 processes, each its own stream; maintenance holds on both; detection and verify see both; a dead worker is replaced', { timeout: 180_000 }, async () => {
    const port = await freePort();
    const url = new URL(testDatabaseUrl!);
    url.searchParams.set('options', `-c search_path=${test.schema}`);
    const server = startProcess('node', ['--import', 'tsx', 'test/helpers/cluster-serve.ts', '2'], {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: url.toString(),
      VIGIE_UPSTREAM: origin.url,
      VIGIE_AUDIT_KEY: auditKey,
      VIGIE_JWT_SECRET: testSecret,
      VIGIE_DATA_DIR: dataDir,
      VIGIE_LOG_LEVEL: 'warn',
    });
    const base = `http://127.0.0.1:${port}`;
    await waitForOk(`${base}/_vigie/healthz`, 90_000, server);
    const workers = () => execFileSync('pgrep', ['-P', String(server.child.pid), '-f', 'cluster-serve']).toString().trim().split('\n').map(Number);
    await expect.poll(() => workers().length, { timeout: 60_000 }).toBe(2);

    // Personal-data pages through both processes: the kernel spreads connections over them.
    const read = async (path: string) => (await fetch(`${base}${path}`, { headers: { connection: 'close' } })).status;
    const statuses = await Promise.all(Array.from({ length: 120 }, (_, i) => read(`/accounts/p-${i}`)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    const streams = await sql<{ stream: string; records: number }>`select stream, sum(row_count)::int as records from audit_batch group by stream`.execute(test.db);
    expect(streams.rows).toHaveLength(2);
    expect(streams.rows.reduce((sum, s) => sum + s.records, 0)).toBe(120);

    // A page produced for someone else (a cache mix-up): live detection in whichever process recorded it.
    expect(await read('/accounts/p-leak?for=someone-else')).toBe(200);
    await expect.poll(async () => (await sql<{ n: number }>`select count(*)::int as n from exposure_alert`.execute(test.db)).rows[0]!.n, { timeout: 10_000 }).toBe(1);

    // Maintenance switched on through one process holds on every process within a second (LISTEN/NOTIFY).
    const { auth } = testApp();
    const on = await fetch(`${base}/_vigie/maintenance/windows`, {
      method: 'POST',
      headers: { ...(await auth(['sre'])), 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'test of the cluster' }),
    });
    expect(on.status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const during = await Promise.all(Array.from({ length: 40 }, (_, i) => read(`/accounts/q-${i}`)));
    expect(during.every((s) => s === 503)).toBe(true);

    // A worker killed is replaced; the new one writes a stream of its own; the log verifies.
    const [victim] = workers();
    process.kill(victim!, 'SIGKILL');
    await expect.poll(() => workers().filter((pid) => pid !== victim).length, { timeout: 60_000 }).toBe(2);
    await fetch(`${base}/_vigie/maintenance/end`, { method: 'POST', headers: { ...(await auth(['sre'])), 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'done' }) });
    // Once the new worker listens, the kernel hands it connections too: its records make a third stream.
    let round = 0;
    await expect
      .poll(
        async () => {
          const statuses = await Promise.all(Array.from({ length: 10 }, (_, i) => read(`/accounts/r-${round}-${i}`)));
          round++;
          expect(statuses.every((s) => s === 200)).toBe(true);
          return (await sql<{ n: number }>`select count(distinct stream)::int as n from audit_batch`.execute(test.db)).rows[0]!.n;
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBe(3);
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(await verifyAccessLog(test.db, createNodeAuditCrypto(auditKey))).toMatchObject({ ok: true, rows: 121 + round * 10 });
  });
});
