import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { openDatabase } from '../../src/entry/open-database.js';
import { createPgNotifications } from '../../src/entry/pg-notifications.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { startMaintenance, systemActor } from '../../src/maintenance/service.js';
import { silentLogger } from '../../src/logger.js';
import { openTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/databases.js';
import { json, maintenanceApp } from './maintenance-app.js';
import { startTcpProxy } from './tcp-proxy.js';

type Instance = Awaited<ReturnType<typeof maintenanceApp>>;

/** Polls until the instance answers `status` on a site path; returns how long it took. */
async function until(instance: Instance, status: number, timeoutMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const res = await instance.app.request('/declarations', { headers: { Accept: 'application/json' } });
    if (res.status === status) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`no ${status} within ${timeoutMs} ms (last ${res.status})`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('propagation on the embedded database (PGlite listen)', () => {
  let opened: Awaited<ReturnType<typeof openDatabase>>;
  beforeAll(async () => {
    opened = await openDatabase({ databaseUrl: undefined, databasePoolSize: 1, dataDir: '' }, { inMemory: true });
    await migrateToLatest(opened.db);
  }, 180_000);
  afterAll(() => opened.db.destroy());

  it('a second holder on the same database hears a change without re-reading on its own', async () => {
    const { db, notifications } = opened;
    const listener = await maintenanceApp({ db, notifications, refreshIntervalMs: 3_600_000 });
    try {
      expect(listener.holder.state.source).toBe('database');
      await startMaintenance({ db, clock: listener.deps.clock, config: listener.config }, { reason: 'x' }, systemActor);
      expect(await until(listener, 503, 1000)).toBeLessThan(1000);
    } finally {
      await listener.holder.stop();
    }
  });
});

describe.skipIf(!testDatabaseUrl)('two instances on one PostgreSQL', () => {
  let database: TestDatabase;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    database = await openTestDatabase('postgresql');
    const url = new URL(testDatabaseUrl!);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
  }, 180_000);
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await proxy.close();
    await database.close();
  });

  /** An instance with its own pool and its own LISTEN connection, directly or through the proxy. */
  async function instance(options: { viaProxy?: boolean; refreshIntervalMs?: number; coldStart?: 'open' | 'closed' } = {}) {
    const url = new URL(testDatabaseUrl!);
    if (options.viaProxy) {
      url.hostname = '127.0.0.1';
      url.port = String(proxy.port);
    }
    const { db } = await openDatabase({ databaseUrl: url.toString(), databasePoolSize: 3, dataDir: '' }, { schema: database.schema! });
    const notifications = createPgNotifications({ connectionString: url.toString(), logger: silentLogger, minBackoffMs: 100, maxBackoffMs: 500 });
    const built = await maintenanceApp({ db: db as Db, notifications, refreshIntervalMs: options.refreshIntervalMs ?? 60_000, coldStart: options.coldStart });
    closers.push(async () => {
      await built.holder.stop();
      await notifications.close();
      await db.destroy();
    });
    return built;
  }

  it('maintenance turned on through instance A holds on instance B within 1 s, and off likewise', async () => {
    const a = await instance();
    const b = await instance(); // re-reads only every minute: the NOTIFY must do the work
    expect((await b.app.request('/declarations')).status).toBe(404);
    const on = await a.app.request('/_vigie/maintenance/windows', json({ reason: 'Incident' }, await a.auth(['sre'])));
    expect(on.status).toBe(201);
    const onMs = await until(b, 503, 1000);
    const off = await a.app.request('/_vigie/maintenance/end', json({ reason: 'Réparé' }, await a.auth(['sre'])));
    expect(off.status).toBe(200);
    const offMs = await until(b, 404, 1000);
    expect(onMs).toBeLessThan(1000);
    expect(offMs).toBeLessThan(1000);
    console.log(`propagation A→B: on ${onMs.toFixed(0)} ms, off ${offMs.toFixed(0)} ms`);
  });

  it('with PostgreSQL gone, an instance keeps its last state, and picks changes up again when it returns', async () => {
    const a = await instance();
    const b = await instance({ viaProxy: true, refreshIntervalMs: 300 });
    const auth = await a.auth(['sre']);
    await a.app.request('/_vigie/maintenance/windows', json({ reason: 'Incident' }, auth));
    await until(b, 503, 1000);

    proxy.cut();
    await sleep(1000); // several failed re-reads and reconnect attempts
    expect(b.holder.state.source).toBe('database');
    expect((await b.app.request('/declarations')).status).toBe(503);
    expect(await b.holder.refresh()).toBe(false);

    // Ended meanwhile, where B cannot see it: B keeps answering from what it last knew.
    await a.app.request('/_vigie/maintenance/end', json({ reason: 'Réparé' }, auth));
    await sleep(700);
    expect((await b.app.request('/declarations')).status).toBe(503);

    proxy.restore();
    expect(await until(b, 404, 5000)).toBeLessThan(5000);
    // The LISTEN connection is back too: the next change arrives within a second again.
    await sleep(600);
    await a.app.request('/_vigie/maintenance/windows', json({ reason: 'Encore' }, auth));
    expect(await until(b, 503, 1000)).toBeLessThan(1000);
    await a.app.request('/_vigie/maintenance/end', json({ reason: 'Fini' }, auth));
  });

  it('at cold start without the database, applies the configured default: closed or open', async () => {
    proxy.cut();
    try {
      const closed = await instance({ viaProxy: true, coldStart: 'closed', refreshIntervalMs: 200 });
      const open = await instance({ viaProxy: true, coldStart: 'open', refreshIntervalMs: 200 });
      expect(closed.holder.state.source).toBe('default');
      expect((await closed.app.request('/declarations')).status).toBe(503);
      expect((await closed.app.request('/_vigie/healthz')).status).toBe(200);
      expect((await open.app.request('/declarations')).status).toBe(404);
      proxy.restore();
      expect(await until(closed, 404, 5000)).toBeLessThan(5000);
      expect(closed.holder.state.source).toBe('database');
    } finally {
      proxy.restore();
    }
  });
});
