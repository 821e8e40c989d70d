import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePartitionsAhead } from '../../src/audit/partitions.js';
import { verifyAccessLog } from '../../src/audit/verify.js';
import { createWebAuditCrypto } from '../../src/audit/audit-crypto.js';
import { systemClock } from '../../src/clock.js';
import { createPgNotifications } from '../../src/entry/pg-notifications.js';
import { createDetector } from '../../src/exposure/detector.js';
import { followAnnouncedBatches } from '../../src/exposure/follow-edge.js';
import { silentLogger } from '../../src/logger.js';
import { endAllMaintenance, startMaintenance, systemActor } from '../../src/maintenance/service.js';
import { mintStaffToken } from '../../src/auth/mint-staff-token.js';
import { adminQuery, openTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/databases.js';
import { startEdgeWorker, type EdgeWorker } from '../helpers/edge-worker.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { testConfig } from '../helpers/test-app.js';
import { startTestOrigin, type TestOrigin } from '../gateway/origin.js';

const principalSecret = 'end-user-token-secret-at-least-32-characters';
const auditKey = 'audit-key-for-edge-tests-at-least-32-characters';
const staffSecret = 'staff-token-secret-at-least-32-characters!';
// Node's default bound; this machine is shared and loaded, and each batch opens a connection (no Hyperdrive pool locally).
const auditTimeoutMs = 2000;

const userToken = (sub: string) =>
  new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuer('https://id.example').setExpirationTime('5m').sign(new TextEncoder().encode(principalSecret));

if (!testDatabaseUrl) console.warn('edge gateway tests skipped: they need PostgreSQL (TEST_DATABASE_URL) behind Hyperdrive under workerd');

/**
 * The Workers build as a gateway, in the real runtime (workerd under `wrangler dev --local`), its Hyperdrive
 * binding pointed (through a TCP proxy the test can make hang) at this file's schema on the test PostgreSQL,
 * in front of a test origin. Live detection is a Node detector following the announced batches, as `vigie
 * serve` runs it.
 */
/** The edge in one mode: registers the setup and teardown of the describe it is called in. */
function useEdge(mode: 'strict' | 'async') {
  let test: TestDatabase;
  let role: string;
  let proxy: TcpProxy;
  let origin: TestOrigin;
  let worker: EdgeWorker;
  let notifications: ReturnType<typeof createPgNotifications>;
  let stopFollowing: () => Promise<void>;
  let detector: ReturnType<typeof createDetector>;
  const alerts: { at: number }[] = [];

  beforeAll(async () => {
    test = await openTestDatabase('postgresql');
    // As the Node instance on the same database does at start and hourly (`vigie serve`).
    await ensurePartitionsAhead(test.db, new Date(), 1);
    // The Worker reaches its schema by a role of its own whose search_path is that schema (Hyperdrive passes the
    // user through; it passes no startup options).
    role = `${test.schema}_edge`;
    await adminQuery(`create role ${role} login; grant postgres to ${role}; alter role ${role} set search_path to ${test.schema}`);
    const target = new URL(testDatabaseUrl!);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    origin = await startTestOrigin();
    const config = testConfig();
    detector = createDetector({ db: test.db, clock: systemClock, logger: silentLogger, settings: config.exposure, onAlert: () => alerts.push({ at: Date.now() }) });
    notifications = createPgNotifications({ connectionString: testDatabaseUrl!, logger: silentLogger });
    stopFollowing = await followAnnouncedBatches({ db: test.db, notifications, logger: silentLogger, onBatchCommitted: detector.onBatchCommitted });
    worker = await startEdgeWorker({
      databaseUrl: `postgres://${role}:unused-with-trust@127.0.0.1:${proxy.port}${target.pathname}`,
      vars: {
        VIGIE_UPSTREAM: origin.url,
        VIGIE_AUDIT_KEY: auditKey,
        VIGIE_AUDIT_TIMEOUT_MS: String(auditTimeoutMs),
        VIGIE_PRINCIPAL_SECRET: principalSecret,
        VIGIE_PRINCIPAL_ISSUER: 'https://id.example',
        VIGIE_JWT_SECRET: staffSecret,
        VIGIE_MAINTENANCE_BYPASS_KEY: 'bypass-key-for-edge-tests-at-least-32-chars',
        VIGIE_AUDIT_MODE: mode,
      },
    });
  }, 180_000);

  afterAll(async () => {
    await worker?.stop();
    await stopFollowing?.();
    await notifications?.close();
    await origin?.close();
    await proxy?.close();
    await test?.close();
    if (role) {
      // The Worker's connections may outlive wrangler by a moment.
      await adminQuery(`select pg_terminate_backend(pid) from pg_stat_activity where usename = '${role}'`).catch(() => {});
      await adminQuery(`drop owned by ${role}; drop role if exists ${role}`);
    }
  }, 60_000);

  const get = async (path: string, user: string) =>
    fetch(`${worker.base}${path}`, { headers: { authorization: `Bearer ${await userToken(user)}`, 'x-request-id': `edge-${Math.random().toString(36).slice(2)}` } });

  return { get, alerts, test: () => test, proxy: () => proxy, worker: () => worker, detector: () => detector };
}

describe.skipIf(!testDatabaseUrl)('the gateway at the edge, strict (Workers, Hyperdrive, PostgreSQL)', () => {
  const edge = useEdge('strict');
  const { get, alerts } = edge;
  let test: TestDatabase;
  let proxy: TcpProxy;
  let worker: EdgeWorker;
  beforeAll(() => {
    test = edge.test();
    proxy = edge.proxy();
    worker = edge.worker();
  });

  it('records every response before it leaves, in group commits of one stream per isolate, and verify checks them', async () => {
    expect((await get('/accounts/warm-1', 'warm-1')).status).toBe(200); // a warm isolate (its first batch starts its stream)
    const people = Array.from({ length: 30 }, (_, i) => `p-${i}`);
    const answers = await Promise.all(people.map(async (p) => ({ p, res: await get(`/accounts/${p}`, p) })));
    for (const { p, res } of answers) {
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ id: p, name: `Person ${p}` });
      // The origin's declarations are read and stripped.
      expect(res.headers.get('vigie-data-subjects')).toBeNull();
      expect(res.headers.get('vigie-produced-for')).toBeNull();
    }
    const personOf = new Map(answers.map(({ p, res }) => [res.headers.get('x-request-id')!, p]));
    const ids = [...personOf.keys()];
    const rows = await test.db.selectFrom('access_log').select(['request_id', 'principal', 'principal_kind', 'subjects', 'stream', 'seq']).where('request_id', 'in', ids).execute();
    expect(rows).toHaveLength(30);
    for (const row of rows) {
      const person = personOf.get(row.request_id)!;
      expect(row.principal).toBe(person); // the verified end-user token
      expect(row.principal_kind).toBe('user');
      expect(row.subjects).toEqual([person, `${person}-spouse`]);
    }
    const batches = new Set(rows.map((r) => `${r.stream}/${r.seq}`));
    expect(new Set(rows.map((r) => r.stream)).size).toBe(1); // workerd locally: one isolate, one stream
    expect(batches.size).toBeLessThan(30); // concurrent requests shared commits
    const report = await verifyAccessLog(test.db, createWebAuditCrypto(auditKey));
    expect(report.issues).toEqual([]);
    expect(report.batches).toBeGreaterThanOrEqual(batches.size);
  });

  it('a page built for one person and served to another is detected within a second', async () => {
    const before = alerts.length;
    const res = await get('/accounts/victim-1?for=victim-1', 'intruder-1');
    const answered = Date.now();
    expect(res.status).toBe(200);
    const deadline = answered + 3000;
    while (alerts.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(alerts.length).toBeGreaterThan(before);
    expect(alerts[before]!.at - answered).toBeLessThan(1000);
    const stored = await test.db.selectFrom('exposure_alert_access').selectAll().where('receiver', '=', 'intruder-1').execute();
    expect(stored.map((a) => a.subject).sort()).toEqual(['victim-1', 'victim-1-spouse']);
    expect(stored.every((a) => a.request_id === res.headers.get('x-request-id'))).toBe(true);
  });

  it('maintenance switched on by the service the API and CLI call reaches the Worker within a second, and off again', async () => {
    const deps = { db: test.db, clock: systemClock, config: testConfig() };
    expect((await get('/accounts/m-1', 'm-1')).status).toBe(200);
    await startMaintenance(deps, { reason: 'Incident at the edge' }, systemActor);
    const switched = Date.now();
    let status = 0;
    while (Date.now() - switched < 3000) {
      status = (await fetch(`${worker.base}/public`)).status;
      if (status === 503) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const on = Date.now() - switched;
    expect(status).toBe(503);
    expect(on).toBeLessThan(1000);
    await endAllMaintenance(deps, { reason: 'Réparé' }, systemActor);
    const ended = Date.now();
    while (Date.now() - ended < 3000) {
      status = (await fetch(`${worker.base}/public`)).status;
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(200);
    expect(Date.now() - ended).toBeLessThan(1000);
  });

  it('strict: a database that hangs turns the response into a 503 problem within the bound, and the gateway resumes by itself', async () => {
    expect((await get('/accounts/h-0', 'h-0')).status).toBe(200);
    proxy.hang();
    try {
      const started = Date.now();
      const res = await get('/accounts/h-1', 'h-1');
      const took = Date.now() - started;
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('retry-after')).toBe('1');
      const problem = (await res.json()) as { type: string; detail: string };
      expect(problem.type).toBe('urn:vigie:problem:audit-unavailable');
      expect(JSON.stringify(problem)).not.toContain('h-1'); // no personal data in the problem
      // The record's bound, plus at most half a second spent waiting for a stale maintenance state's read.
      expect(took).toBeLessThan(auditTimeoutMs + 500 + 400);
    } finally {
      proxy.resume();
    }
    let status = 0;
    const resumed = Date.now();
    while (Date.now() - resumed < 10_000) {
      status = (await get('/accounts/h-2', 'h-2')).status;
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    expect((await verifyAccessLog(test.db, createWebAuditCrypto(auditKey))).issues).toEqual([]);
  });
});

describe.skipIf(!testDatabaseUrl)('the gateway at the edge, async (Workers, Hyperdrive, PostgreSQL)', () => {
  const edge = useEdge('async');
  const { get } = edge;
  let test: TestDatabase;
  let proxy: TcpProxy;
  let worker: EdgeWorker;
  beforeAll(() => {
    test = edge.test();
    proxy = edge.proxy();
    worker = edge.worker();
  });

  it('async: responses leave at once, records follow after them (waitUntil), and losses are counted', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => get(`/accounts/a-${i}`, `a-${i}`)));
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
    const ids = answers.map((r) => r.headers.get('x-request-id')!);
    const deadline = Date.now() + 5000;
    let rows: unknown[] = [];
    while (rows.length < 10 && Date.now() < deadline) {
      rows = await test.db.selectFrom('access_log').select('request_id').where('request_id', 'in', ids).execute();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(rows).toHaveLength(10);
    expect((await verifyAccessLog(test.db, createWebAuditCrypto(auditKey))).issues).toEqual([]);

    const staff = await mintStaffToken({ secret: staffSecret, issuer: 'vigie', audience: 'vigie', rolesClaim: 'roles', subject: 'dpo-1', roles: ['dpo'], ttlSeconds: 600 });
    const status = async () =>
      (await (await fetch(`${worker.base}/_vigie/audit/status`, { headers: { authorization: `Bearer ${staff}` } })).json()) as { mode: string; lost: number; queued: number };
    expect(await status()).toMatchObject({ mode: 'async', lost: 0 });
    const lostIds: string[] = [];
    proxy.hang();
    try {
      const started = Date.now();
      const lost = await Promise.all(Array.from({ length: 5 }, (_, i) => get(`/accounts/l-${i}`, `l-${i}`)));
      expect(lost.map((r) => r.status)).toEqual(Array(5).fill(200)); // async: the response does not wait for the log
      expect(Date.now() - started).toBeLessThan(auditTimeoutMs);
      lostIds.push(...lost.map((r) => r.headers.get('x-request-id')!));
      // The batch's connection gives up at the bound: its records are counted as lost.
      await new Promise((r) => setTimeout(r, auditTimeoutMs + 1000));
    } finally {
      proxy.resume();
    }
    // Records queued behind the failed batch may still be written once the database answers: each of the five is
    // either in the log or counted lost, never both, never neither.
    let after = await status();
    for (let i = 0; i < 100 && after.queued > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await status();
    }
    expect(after.queued).toBe(0);
    const written = await test.db.selectFrom('access_log').select('request_id').where('request_id', 'in', lostIds).execute();
    expect(after.lost).toBeGreaterThanOrEqual(1);
    expect(after.lost + written.length).toBe(5);
  });
});
