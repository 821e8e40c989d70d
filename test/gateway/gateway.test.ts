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
import { createDetector } from '../../src/exposure/detector.js';
import { createRelationDeclarations } from '../../src/exposure/relation-header.js';
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
  let detector: ReturnType<typeof createDetector>;
  const crypto = createNodeAuditCrypto(auditKey);

  beforeAll(async () => {
    test = await openTestDatabase(engine);
    origin = await startTestOrigin();
    // The test's connections come from 127.0.0.1, trusted as a proxy: without X-Forwarded-For the peer is the client.
    const env = { VIGIE_UPSTREAM: origin.url, VIGIE_UPSTREAM_TIMEOUT_MS: '1500', VIGIE_PRINCIPAL_SECRET: principalSecret, VIGIE_PRINCIPAL_ISSUER: 'https://id.example', VIGIE_TRUSTED_PROXIES: '127.0.0.1/32' };
    const probe = testApp({ db: test.db, env });
    detector = createDetector({ db: test.db, clock: systemClock, logger: silentLogger, settings: probe.config.exposure });
    writer = new AccessLogWriter({
      db: test.db,
      crypto,
      clock: systemClock,
      logger: silentLogger,
      mode: 'strict',
      timeoutMs: 2000,
      maxBatch: 100,
      onBatchCommitted: detector.onBatchCommitted,
    });
    const relations = createRelationDeclarations({ db: test.db, clock: systemClock, logger: silentLogger, zone: 'Europe/Paris' });
    const accessLog = createAccessLog(probe.config, writer, crypto, relations);
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
    expect(row!.client_hmac).toBe(crypto.hmacHex('client', '127.0.0.1'));
  });

  it('records the client a trusted proxy names, not the proxy, and not what the client wrote itself', async () => {
    const id = `xff-${kind.length}-${engine}`;
    // 10.9.9.9 was written by the client; 203.0.113.7 was appended by the trusted proxy (127.0.0.1).
    const res = await fetch(`${base}/accounts/p-123`, { headers: { 'x-request-id': id, 'x-forwarded-for': '10.9.9.9, 203.0.113.7' } });
    expect(res.status).toBe(200);
    const [row] = await recordOf(id);
    expect(row!.client_hmac).toBe(crypto.hmacHex('client', '203.0.113.7'));
    expect(origin.last()['x-forwarded-for']).toBe('10.9.9.9, 203.0.113.7, 127.0.0.1');
  });

  it('stores the relations the origin declares before the record, once, and strips the header', async () => {
    const auth = { authorization: `Bearer ${await userToken('parent-1')}` };
    for (const n of [1, 2]) {
      const res = await fetch(`${base}/employers/parent-1?employs=minder-1`, { headers: { ...auth, 'x-request-id': `rel-${kind.length}-${n}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('vigie-relations')).toBeNull();
      await res.arrayBuffer();
    }
    const stored = await test.db.selectFrom('exposure_relation').select(['principal', 'subject', 'valid_from', 'valid_to', 'kind', 'source']).execute();
    expect(stored).toEqual([
      { principal: 'parent-1', subject: 'minder-1', valid_from: new Date('2019-09-01T00:00:00Z'), valid_to: null, kind: 'employment', source: 'origin-header' },
    ]);
    // Written once (the second page view declared nothing new), as done by the origin; the bad item ignored.
    const actions = await test.db.selectFrom('staff_action').select(['actor', 'target']).where('action', '=', 'exposure.relations.upsert').execute();
    expect(actions).toEqual([{ actor: 'origin', target: 'origin-header: 1 relation(s), 0 role(s); changed 1 relation(s), 0 role(s)' }]);
    // The records of those pages: live detection checked them after the relation was stored, and found nothing.
    const [row] = await recordOf(`rel-${kind.length}-1`);
    expect(row).toMatchObject({ principal: 'parent-1', subjects: ['parent-1', 'minder-1'] });
    await detector.idle();
    expect(detector.stats().failures).toBe(0);
    expect(await test.db.selectFrom('exposure_alert_access').select('subject').where('receiver', '=', 'parent-1').execute()).toEqual([]);
    // Not a test that cannot fail: without the relation, that record is an illegitimate access.
    const own = await test.db.selectFrom('exposure_alert_access').select('subject').where('receiver', '=', 'bob').execute();
    expect(own.length).toBeGreaterThan(0);
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

  it('cancels the request to the origin when the client leaves, without waiting for the timeout', async () => {
    const before = origin.slowAbandoned();
    const client = new AbortController();
    const started = performance.now();
    const pending = fetch(`${base}/slow`, { signal: client.signal }).catch(() => 'aborted');
    await new Promise((resolve) => setTimeout(resolve, 150));
    client.abort();
    expect(await pending).toBe('aborted');
    while (origin.slowAbandoned() === before) {
      // The upstream timeout is 1.5 s here: closing sooner shows the client's departure was passed on.
      expect(performance.now() - started).toBeLessThan(1_000);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
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
