import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessLog } from '../../src/audit/access-log.js';
import { accessLogMiddleware, declarePersonalData } from '../../src/audit/access-log-middleware.js';
import { AccessLogWriter } from '../../src/audit/writer.js';
import { systemClock } from '../../src/clock.js';
import { createNodeAuditCrypto } from '../../src/entry/node-audit-crypto.js';
import { silentLogger } from '../../src/logger.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testConfig } from '../helpers/test-app.js';

// Middleware mode behind a load balancer: the record keeps the client the trusted proxy names (VIGIE_TRUSTED_PROXIES,
// as the maintenance switch reads it), not the balancer's address for everyone. Before, it kept the socket's peer.
describe.each(engines())('the access log client address in middleware mode (%s)', (engine) => {
  let test: TestDatabase;
  let writer: AccessLogWriter;
  const servers: Server[] = [];
  const crypto = createNodeAuditCrypto('audit-key-for-tests-at-least-32-characters');

  async function service(env: Record<string, string>): Promise<string> {
    const app = new Hono();
    app.use('*', accessLogMiddleware({ accessLog: createAccessLog(testConfig(env), writer, crypto), clock: systemClock }));
    app.get('*', (c) => {
      declarePersonalData(c, { subjects: ['p-1'] });
      return c.text('ok');
    });
    const server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
    });
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const clientHmacOf = async (requestId: string) =>
    (await test.db.selectFrom('access_log').select('client_hmac').where('request_id', '=', requestId).executeTakeFirstOrThrow()).client_hmac;

  beforeAll(async () => {
    test = await openTestDatabase(engine);
    writer = new AccessLogWriter({ db: test.db, crypto, clock: systemClock, logger: silentLogger, mode: 'strict', timeoutMs: 2000, maxBatch: 100 });
  });
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await writer.close();
    await test.close();
  });

  it('keeps the client a trusted proxy names, ignoring what the client wrote to its left', async () => {
    const base = await service({ VIGIE_TRUSTED_PROXIES: '127.0.0.1/32' });
    await fetch(`${base}/x`, { headers: { 'x-request-id': `mw-trusted-${engine}`, 'x-forwarded-for': '10.9.9.9, 203.0.113.7' } });
    expect(await clientHmacOf(`mw-trusted-${engine}`)).toBe(crypto.hmacHex('client', '203.0.113.7'));
    await fetch(`${base}/x`, { headers: { 'x-request-id': `mw-direct-${engine}` } });
    expect(await clientHmacOf(`mw-direct-${engine}`)).toBe(crypto.hmacHex('client', '127.0.0.1'));
  });

  it('keeps the peer when it is not a trusted proxy: a forged header changes nothing', async () => {
    const base = await service({});
    await fetch(`${base}/x`, { headers: { 'x-request-id': `mw-untrusted-${engine}`, 'x-forwarded-for': '203.0.113.7' } });
    expect(await clientHmacOf(`mw-untrusted-${engine}`)).toBe(crypto.hmacHex('client', '127.0.0.1'));
  });
});
