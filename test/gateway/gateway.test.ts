import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessLog } from '../../src/audit/access-log.js';
import { AccessLogWriter } from '../../src/audit/writer.js';
import { verifyAccessLog } from '../../src/audit/verify.js';
import { systemClock } from '../../src/clock.js';
import { createNodeAuditCrypto } from '../../src/entry/node-audit-crypto.js';
import { createGatewayServer } from '../../src/entry/node-audit.js';
import { silentLogger } from '../../src/logger.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { freePort } from '../helpers/processes.js';
import { testApp } from '../helpers/test-app.js';
import { startTestOrigin, type TestOrigin } from './origin.js';

const principalSecret = 'end-user-token-secret-at-least-32-characters';
const auditKey = 'audit-key-for-tests-at-least-32-characters';

const userToken = (sub: string) =>
  new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuer('https://id.example').setExpirationTime('5m').sign(new TextEncoder().encode(principalSecret));

type Kind = 'node gateway' | 'fetch gateway';
const cases = engines().flatMap((engine) => (['node gateway', 'fetch gateway'] as Kind[]).map((kind) => [engine, kind] as const));

describe.each(cases)('gateway mode on %s (%s)', (engine, kind) => {
  let test: TestDatabase;
  let origin: TestOrigin;
  let server: Server;
  let base: string;
  let writer: AccessLogWriter;
  const crypto = createNodeAuditCrypto(auditKey);

  beforeAll(async () => {
    test = await openTestDatabase(engine);
    origin = await startTestOrigin();
    const env = { VIGIE_UPSTREAM: origin.url, VIGIE_UPSTREAM_TIMEOUT_MS: '1500', VIGIE_PRINCIPAL_SECRET: principalSecret, VIGIE_PRINCIPAL_ISSUER: 'https://id.example' };
    const probe = testApp({ db: test.db, env });
    writer = new AccessLogWriter({ db: test.db, crypto, clock: systemClock, logger: silentLogger, mode: 'strict', timeoutMs: 2000, maxBatch: 100 });
    const accessLog = createAccessLog(probe.config, writer, crypto);
    const { app, config } = testApp({ db: test.db, env, deps: { accessLog } });
    const port = await freePort();
    if (kind === 'node gateway') {
      server = createGatewayServer(config, app, accessLog, undefined, systemClock, silentLogger);
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    } else {
      server = await new Promise<Server>((resolve) => {
        const s = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s as Server));
      });
    }
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await writer.close();
    await origin.close();
    await test.close();
  });

  const recordOf = (requestId: string) => test.db.selectFrom('access_log').selectAll().where('request_id', '=', requestId).execute();

  it('records who received whose data, strips the declaration headers, and forwards the rest', async () => {
    const res = await fetch(`${base}/accounts/p-123?for=alice&secret=yes`, {
      headers: { authorization: `Bearer ${await userToken('bob')}`, 'x-request-id': `r-${kind.length}-${engine}-1`, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 'p-123', name: 'Person p-123' });
    for (const name of ['vigie-data-subjects', 'vigie-data-categories', 'vigie-produced-for', 'x-origin-hop']) expect(res.headers.get(name)).toBeNull();
    expect(res.headers.get('x-request-id')).toBe(`r-${kind.length}-${engine}-1`);
    expect(origin.last()['x-forwarded-for']).toBe('127.0.0.1');
    expect(origin.last()['x-forwarded-proto']).toBe('http');
    expect(origin.last()['x-request-id']).toBe(`r-${kind.length}-${engine}-1`);
    const [row] = await recordOf(`r-${kind.length}-${engine}-1`);
    expect(row).toMatchObject({
      principal: 'bob',
      principal_kind: 'user',
      produced_for: 'alice',
      subjects: ['p-123', 'p-123-spouse'],
      categories: ['identity', 'contact'],
      method: 'GET',
      route: '/accounts/p-123',
      status: 200,
      cache_status: 'x-cache=HIT; age=12',
      trace_id: '0af7651916cd43dd8448eb211c80319c',
    });
    expect(row!.client_hmac).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.client_hmac).not.toContain('127.0.0.1');
  });

  it('records anonymous clients with a keyed hash of their session cookie, and invalid tokens as such', async () => {
    const anon = await fetch(`${base}/accounts/p-9`, { headers: { cookie: 'theme=dark; session=abc123', 'x-request-id': `anon-${kind.length}-${engine}` } });
    expect(anon.status).toBe(200);
    const [row] = await recordOf(`anon-${kind.length}-${engine}`);
    expect(row).toMatchObject({ principal: null, principal_kind: 'anonymous' });
    expect(row!.session_hmac).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.session_hmac).not.toContain('abc123');
    const forged = await fetch(`${base}/accounts/p-9`, { headers: { authorization: 'Bearer a.b.c', 'x-request-id': `bad-${kind.length}-${engine}` } });
    await forged.text();
    expect((await recordOf(`bad-${kind.length}-${engine}`))[0]).toMatchObject({ principal: null, principal_kind: 'invalid-token' });
  });

  it('does not record responses without personal data', async () => {
    const res = await fetch(`${base}/public`, { headers: { 'x-request-id': `pub-${kind.length}-${engine}` } });
    expect(await res.text()).toBe('public page');
    expect(await recordOf(`pub-${kind.length}-${engine}`)).toEqual([]);
  });

  it('streams large bodies both ways', async () => {
    const body = Buffer.alloc(6 * 1024 * 1024);
    for (let i = 0; i < body.length; i += 4096) body[i] = i % 251;
    const echo = await fetch(`${base}/echo`, { method: 'POST', body });
    expect(await echo.json()).toEqual({ size: body.length, sha256: createHash('sha256').update(body).digest('hex') });
    const stream = await fetch(`${base}/stream`);
    expect(stream.headers.get('vigie-data-subjects')).toBeNull();
    expect((await stream.arrayBuffer()).byteLength).toBe(40 * 256 * 1024);
  });

  it('answers 502 when the origin is down and 504 when it is too slow, as problems', async () => {
    const slow = await fetch(`${base}/slow`);
    expect(slow.status).toBe(504);
    expect(slow.headers.get('content-type')).toBe('application/problem+json');
    expect((await slow.json()).type).toBe('urn:vigie:problem:gateway-timeout');
    const saved = origin;
    await origin.close();
    const down = await fetch(`${base}/accounts/p-1`);
    expect(down.status).toBe(502);
    expect((await down.json()).title).toBe('Bad Gateway');
    origin = { ...saved, close: async () => {} };
  });

  it("serves Vigie's own routes and keeps a log that verifies", async () => {
    const health = await fetch(`${base}/_vigie/healthz`);
    expect(health.status).toBe(200);
    expect((await verifyAccessLog(test.db, crypto)).issues).toEqual([]);
  });
});
