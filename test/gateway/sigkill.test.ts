import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAccessLog } from '../../src/audit/verify.js';
import { createNodeAuditCrypto } from '../../src/entry/node-audit-crypto.js';
import { openTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/databases.js';
import { freePort, startProcess, waitForOk, type Started } from '../helpers/processes.js';
import { startTestOrigin, type TestOrigin } from './origin.js';

const auditKey = 'audit-key-for-the-sigkill-test-32-characters';
const cli = ['--import', 'tsx', 'src/cli/main.ts', 'serve'];

describe.skipIf(!testDatabaseUrl)('nothing lost: SIGKILL under load (real Node gateway, strict, PostgreSQL)', () => {
  let test: TestDatabase;
  let origin: TestOrigin;
  const dataDir = mkdtempSync(join(tmpdir(), 'vigie-sigkill-'));

  beforeAll(async () => {
    test = await openTestDatabase('postgresql');
    origin = await startTestOrigin();
  });
  afterAll(async () => {
    await origin.close();
    await test.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('every personal-data response a client received has its record, across 5 kills, and the log verifies after each restart', { timeout: 240_000 }, async () => {
    const port = await freePort();
    const url = new URL(testDatabaseUrl!);
    url.searchParams.set('options', `-c search_path=${test.schema}`);
    const env = {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: url.toString(),
      VIGIE_UPSTREAM: origin.url,
      VIGIE_AUDIT_KEY: auditKey,
      VIGIE_AUDIT_CHECKPOINT_SECONDS: '1',
      VIGIE_DATA_DIR: dataDir,
      VIGIE_LOG_LEVEL: 'warn',
    };
    const start = async () => {
      const server = startProcess('node', cli, env);
      await waitForOk(`http://127.0.0.1:${port}/_vigie/healthz`, 60_000, server);
      return server;
    };
    let server: Started = await start();

    const received: string[] = [];
    let attempts = 0;
    let running = true;
    const client = async (id: number) => {
      for (let n = 0; running; n++) {
        const requestId = `c${id}-${n}`;
        attempts++;
        try {
          const res = await fetch(`http://127.0.0.1:${port}/accounts/p-${id}-${n}`, { headers: { 'x-request-id': requestId } });
          const body = await res.text();
          // Received personal data: a 200 whose body names the person.
          if (res.status === 200 && body.includes(`p-${id}-${n}`)) received.push(requestId);
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    };
    const clients = Array.from({ length: 24 }, (_, i) => client(i));

    const crypto = createNodeAuditCrypto(auditKey);
    for (let kill = 0; kill < 5; kill++) {
      const before = received.length;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      // Load was flowing when the process was killed (responses in flight die with it).
      expect(received.length).toBeGreaterThan(before);
      await server.stop('SIGKILL');
      server = await start();
      // What the killed process committed verifies, while the new one writes (issue 20).
      expect((await verifyAccessLog(test.db, crypto)).issues, `after kill ${kill + 1}`).toEqual([]);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    running = false;
    await Promise.all(clients);
    await server.stop('SIGTERM');

    expect(received.length).toBeGreaterThan(200);
    const recorded = new Set<string>();
    const rows = await test.db.selectFrom('access_log').select('request_id').execute();
    for (const row of rows) recorded.add(row.request_id);
    const missing = received.filter((id) => !recorded.has(id));
    expect({ received: received.length, missing: missing.length }).toEqual({ received: received.length, missing: 0 });
    const report = await verifyAccessLog(test.db, crypto);
    expect(report.issues).toEqual([]);
    expect(report.rows).toBeGreaterThanOrEqual(received.length);
    console.log(`sigkill: ${attempts} requests, ${received.length} personal-data responses received, ${report.rows} records, 0 missing`);
  });
});
