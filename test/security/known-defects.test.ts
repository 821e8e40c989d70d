import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessLog } from '../../src/audit/access-log.js';
import { accessLogMiddleware, declarePersonalData } from '../../src/audit/access-log-middleware.js';
import { AccessLogWriter } from '../../src/audit/writer.js';
import { manualClock, systemClock } from '../../src/clock.js';
import { createNodeAuditCrypto } from '../../src/entry/node-audit-crypto.js';
import { normalizePath } from '../../src/http/normalize-path.js';
import { silentLogger } from '../../src/logger.js';
import { parseNetwork } from '../../src/maintenance/cidr.js';
import { resolveClientAddress } from '../../src/maintenance/client-address.js';
import { decideMaintenance, type MaintenancePolicy } from '../../src/maintenance/decide.js';
import { parseScope, type ActiveWindow } from '../../src/maintenance/window.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testConfig } from '../helpers/test-app.js';
import { json, maintenanceApp, staffApi } from '../maintenance/maintenance-app.js';

// Issue 20's three known defects, each shown by a test that failed before its fix.

const t0 = Date.parse('2026-12-04T09:00:00Z');
const policy = (extra: Partial<MaintenancePolicy> = {}): MaintenancePolicy => ({
  adminPrefix: '/_vigie',
  exemptPaths: ['/healthz'],
  bypassRoles: ['sre', 'admin'],
  bypassNetworks: [parseNetwork('10.9.0.0/16')!],
  defaultRetryAfterSeconds: 300,
  ...extra,
});
const window = (scope: string): ActiveWindow => ({
  id: 'w1',
  scope: parseScope(scope)!,
  readOnly: false,
  reason: 'test',
  publicMessage: null,
  startsAt: t0,
  plannedEnd: null,
  retryAfterSeconds: null,
  bypassSecretSha256: null,
});
const decide = (scope: string, rawPath: string, extra: Partial<MaintenancePolicy> = {}) => {
  const p = policy(extra);
  return decideMaintenance(
    { windows: [window(scope)], policy: p, source: 'database', loadedAt: t0 },
    { method: 'GET', path: normalizePath(rawPath, p.caseInsensitivePaths), now: t0 + 1 },
  )?.status;
};

describe('maintenance scopes match the path the origin resolves', () => {
  it('normalises once: every escape decoded (%2F included), // and dot-segments resolved, decoded once only', () => {
    expect(normalizePath('/espace%2Fdeclarations')).toBe('/espace/declarations');
    expect(normalizePath('/espace//./declarations/../declarations/')).toBe('/espace/declarations/');
    expect(normalizePath('/a%5C..%5Cespace')).toBe('/espace');
    expect(normalizePath('/%2e%2e/%2E/espace')).toBe('/espace');
    expect(normalizePath('/espace%252Fdeclarations')).toBe('/espace%2Fdeclarations'); // one decoding, as the origin's
    expect(normalizePath('/caf%C3%A9')).toBe('/café');
    expect(normalizePath('/bad%E9')).toBe('/bad\u00e9');
    expect(normalizePath('/Espace', true)).toBe('/espace');
  });

  it('stops every spelling of a blocked path, including ones that start under the admin prefix', () => {
    for (const raw of ['/espace%2Fdeclarations', '/espace%2fdeclarations/x', '//espace/declarations', '/espace/./declarations', '/x/../espace/declarations', '/a%5C..%5Cespace/declarations']) {
      expect(decide('/espace/declarations', raw), raw).toBe(503);
    }
    // Failed before: the raw check saw the admin prefix and let it through; an origin decoding %2F reads /espace/declarations.
    expect(decide('site', '/_vigie/..%2Fespace/declarations')).toBe(503);
    expect(decide('site', '/healthz/..%2Fespace')).toBe(503);
    expect(decide('site', '/_vigie/healthz')).toBeUndefined();
    expect(decide('/espace/declarations', '/espace%2Fautre')).toBeUndefined();
  });

  it('reads a scope written with escapes as the path it names (failed before: such a scope never matched)', () => {
    for (const raw of ['/d%C3%A9clarations/1', '/déclarations', '/d%c3%a9clarations', '//d%C3%A9clarations/./x']) {
      expect(decide('/d%C3%A9clarations/*', raw), raw).toBe(503);
    }
    expect(decide('/espace%2Fdeclarations', '/espace/declarations/7')).toBe(503);
    expect(decide('/d%C3%A9clarations', '/declarations')).toBeUndefined();
    expect(parseScope('/d%C3%A9clarations')).toEqual({ kind: 'prefix', prefix: '/d%C3%A9clarations', path: '/déclarations' });
    // An escaped dot-segment that resolves to the root is not a path scope (the whole site is written "site").
    expect(parseScope('/a/%2e%2e')).toBeUndefined();
  });

  it('ignores case only when the origin does (VIGIE_PATHS_CASE_INSENSITIVE)', () => {
    expect(decide('/Espace/declarations', '/ESPACE/Declarations/1', { caseInsensitivePaths: true })).toBe(503);
    expect(decide('/espace', '/ESPACE', { caseInsensitivePaths: false })).toBeUndefined();
    expect(testConfig({ VIGIE_PATHS_CASE_INSENSITIVE: 'true' }).maintenance.caseInsensitivePaths).toBe(true);
  });
});

describe.each(engines())('the access log records the normalised path (%s)', (engine) => {
  let test: TestDatabase;
  let writer: AccessLogWriter;
  const service = new Hono();

  beforeAll(async () => {
    test = await openTestDatabase(engine);
    const crypto = createNodeAuditCrypto('audit-key-for-tests-at-least-32-characters');
    writer = new AccessLogWriter({ db: test.db, crypto, clock: systemClock, logger: silentLogger, mode: 'strict', timeoutMs: 1000, maxBatch: 100 });
    service.use('*', accessLogMiddleware({ accessLog: createAccessLog(testConfig(), writer, crypto), clock: systemClock }));
    service.get('*', (c) => {
      declarePersonalData(c, { subjects: ['p-1'], categories: ['identity'] });
      return c.text('ok');
    });
  });
  afterAll(async () => {
    await writer.close();
    await test.close();
  });

  it('logs /espace/declarations for /espace%2Fdeclarations and //espace/./declarations', async () => {
    for (const [n, raw] of ['/espace%2Fdeclarations/7', '//espace/./declarations/7', '/espace/x/..%2Fdeclarations/7'].entries()) {
      const res = await service.request(`http://service${raw}`, { headers: { 'x-request-id': `norm-${n}` } });
      expect(res.status).toBe(200);
      const row = await test.db.selectFrom('access_log').select('route').where('request_id', '=', `norm-${n}`).executeTakeFirstOrThrow();
      expect(row.route, raw).toBe('/espace/declarations/7');
    }
  });
});

describe.each(engines())('bypass cookie and client networks on a real socket (%s)', (engine) => {
  let database: TestDatabase;
  const clock = manualClock('2026-12-04T09:00:00Z');
  const servers: Server[] = [];
  const instances: Awaited<ReturnType<typeof maintenanceApp>>[] = [];

  beforeAll(async () => {
    database = await openTestDatabase(engine);
  }, 120_000);
  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    }
    for (const i of instances) await i.holder.stop();
    await database.close();
  });

  async function start(env: Record<string, string>) {
    const instance = await maintenanceApp({ db: database.db, clock, env });
    instances.push(instance);
    const server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: instance.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
    });
    servers.push(server);
    return { instance, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, api: staffApi(() => instance) };
  }

  it('a bypass link opens its own window only: not a window declared later, nor the next one', async () => {
    const { instance, base, api } = await start({});
    const a = await (await api('/windows', json({ reason: 'planned A', scope: '/espace' }))).json();
    const link = new URL(a.bypassLink);
    const opened = await fetch(`${base}${link.pathname}`, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    const cookie = opened.headers.get('set-cookie')!.split(';')[0]!;
    const page = (path: string) => fetch(`${base}${path}`, { headers: { cookie, accept: 'application/json' } });
    expect((await page('/espace/x')).status).toBe(404); // past the switch, to the (absent) service
    // A second window on another scope while A holds: the cookie does not open it.
    await api('/windows', json({ reason: 'emergency B', scope: '/autre' }));
    await instance.holder.refresh();
    expect((await page('/autre/x')).status).toBe(503);
    // A ends; the next planned intervention on the same scope is not opened by A's link either.
    await api(`/windows/${a.window.id}/end`, json({ reason: 'done' }));
    await api('/windows', json({ reason: 'planned C', scope: '/espace' }));
    await instance.holder.refresh();
    expect((await page('/espace/x')).status).toBe(503);
    // Tampered: another window's id under A's signature.
    const tampered = cookie.replace(/=v2\.[^.]+\./, `=v2.${instance.holder.state.windows.map((w) => w.id).join('~')}.`);
    expect((await fetch(`${base}/espace/x`, { headers: { cookie: tampered, accept: 'application/json' } })).status).toBe(503);
    await api('/end', json({ reason: 'clean up' }));
    await instance.holder.refresh();
  });

  it('a scope written with escapes is stored as written and, once reloaded, stops the path it names', async () => {
    const { instance, base, api } = await start({});
    const started = await api('/windows', json({ reason: 'accented path', scope: '/d%C3%A9clarations/*' }));
    expect(started.status).toBe(201);
    expect((await started.json()).window.scope).toBe('/d%C3%A9clarations');
    await instance.holder.refresh(); // read back from the store
    const page = (path: string) => fetch(`${base}${path}`, { headers: { accept: 'application/json' } });
    expect((await page('/d%C3%A9clarations/2020')).status).toBe(503);
    expect((await page('/d%c3%a9clarations')).status).toBe(503);
    expect((await page('/declarations')).status).toBe(404);
    await api('/end', json({ reason: 'clean up' }));
    await instance.holder.refresh();
  });

  it('believes X-Forwarded-For only from VIGIE_TRUSTED_PROXIES; a spoofed header gets nothing', async () => {
    const networks = { VIGIE_MAINTENANCE_BYPASS_NETWORKS: '10.9.0.0/16' };
    const direct = await start(networks);
    const proxied = await start({ ...networks, VIGIE_TRUSTED_PROXIES: '127.0.0.1/32' });
    await direct.api('/windows', json({ reason: 'site down' }));
    await direct.instance.holder.refresh();
    await proxied.instance.holder.refresh();
    const status = async (base: string, xff?: string) =>
      (await fetch(`${base}/espace`, { headers: { accept: 'application/json', ...(xff ? { 'x-forwarded-for': xff } : {}) } })).status;

    expect(await status(direct.base, '10.9.0.5')).toBe(503);
    // Failed before: the setting did not exist, so a real client behind the proxy could never pass.
    expect(await status(proxied.base, '10.9.0.5')).toBe(404);
    expect(await status(proxied.base, '10.9.0.5, 203.0.113.7')).toBe(503);
    expect(await status(proxied.base, 'garbage, 10.9.0.5, 127.0.0.1')).toBe(404);
    expect(await status(proxied.base, '10.9.0.5, not-an-address')).toBe(503);
    expect(await status(proxied.base)).toBe(503);
    await direct.api('/end', json({ reason: 'clean up' }));
  });
});

describe('client address resolution', () => {
  it('walks X-Forwarded-For from the right, skipping trusted proxies', () => {
    const trusted = [parseNetwork('10.0.0.0/8')!, parseNetwork('::1')!];
    expect(resolveClientAddress('10.0.0.2', '198.51.100.1, 10.0.0.3', trusted)).toBe('198.51.100.1');
    expect(resolveClientAddress('::ffff:10.0.0.2', '198.51.100.1', trusted)).toBe('198.51.100.1');
    expect(resolveClientAddress('198.51.100.9', '10.0.0.1', trusted)).toBe('198.51.100.9');
    expect(resolveClientAddress('10.0.0.2', undefined, trusted)).toBe('10.0.0.2');
    expect(resolveClientAddress('10.0.0.2', '10.0.0.1', [])).toBe('10.0.0.2');
  });
});
