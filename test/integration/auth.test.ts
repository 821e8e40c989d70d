import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createStaffTokenVerifier } from '../../src/auth/verify-staff-token.js';
import { systemClock } from '../../src/clock.js';
import { parseConfig } from '../../src/config.js';
import type { App } from '../../src/http/context.js';
import { defineRoute } from '../../src/http/route.js';
import { silentLogger } from '../../src/logger.js';
import { testApp, testSecret } from '../helpers/test-app.js';

// A route only the DPO may call, to see 401/403/200 on a real role rule.
const dpoOnly = defineRoute({
  method: 'get',
  path: '/dpo-only',
  access: { roles: ['dpo'] },
  responses: { 200: { description: 'ok' } },
});
const addDpoOnly = (app: App) => app.openapi(dpoOnly, (c) => c.json({ subject: c.var.staff?.subject }, 200));

const sign = (claims: Record<string, unknown>, options: { secret?: string; exp?: number; iss?: string; aud?: string; alg?: string } = {}) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'HS256' })
    .setSubject('alice')
    .setIssuer(options.iss ?? 'vigie')
    .setAudience(options.aud ?? 'vigie')
    .setIssuedAt()
    .setExpirationTime(options.exp ?? Math.floor(Date.now() / 1000) + 600)
    .sign(new TextEncoder().encode(options.secret ?? testSecret));

describe('staff tokens with a shared secret (HS256)', () => {
  const { app, auth } = testApp();
  addDpoOnly(app);
  const get = (headers: Record<string, string> = {}) => app.request('/dpo-only', { headers });

  it('answers 401 without a token, with WWW-Authenticate', async () => {
    const res = await get();
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    expect((await res.json()).detail).toBe('A bearer token is required');
  });

  it('answers 401 for a malformed header, a bad signature, an expired token, a wrong issuer or audience', async () => {
    const cases = [
      { Authorization: 'Basic abc' },
      { Authorization: `Bearer ${await sign({ roles: ['dpo'] }, { secret: 'another-secret-of-at-least-32-characters!!' })}` },
      { Authorization: `Bearer ${await sign({ roles: ['dpo'] }, { exp: Math.floor(Date.now() / 1000) - 60 })}` },
      { Authorization: `Bearer ${await sign({ roles: ['dpo'] }, { iss: 'someone-else' })}` },
      { Authorization: `Bearer ${await sign({ roles: ['dpo'] }, { aud: 'another-app' })}` },
      { Authorization: `Bearer ${await sign({ roles: ['dpo'] }, { alg: 'HS512' })}` },
    ];
    const details = [];
    for (const headers of cases) {
      const res = await get(headers);
      expect(res.status).toBe(401);
      details.push((await res.json()).detail);
    }
    expect(details[2]).toBe('The token has expired');
    expect(details[3]).toContain('iss');
    expect(details[4]).toContain('aud');
  });

  it('answers 403 for the wrong role and 200 for the right one', async () => {
    const wrong = await get(await auth(['sre']));
    expect(wrong.status).toBe(403);
    expect((await wrong.json()).detail).toContain('dpo');
    const right = await get(await auth(['dpo'], 'dora'));
    expect(right.status).toBe(200);
    expect(await right.json()).toEqual({ subject: 'dora' });
  });

  it('reads roles from the configured claim, as an array or a string', async () => {
    const custom = testApp({ env: { VIGIE_JWT_ROLES_CLAIM: 'https://vigie/roles' } });
    addDpoOnly(custom.app);
    const token = await sign({ 'https://vigie/roles': 'auditor dpo' });
    const res = await custom.app.request('/dpo-only', { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
  });
});

describe('staff tokens from a JWKS', () => {
  let server: Server;
  let app: App;
  let privateKey: CryptoKey;
  let strangerKey: CryptoKey;

  beforeAll(async () => {
    ({ privateKey } = await generateKeyPair('ES256'));
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    strangerKey = (await generateKeyPair('ES256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const config = parseConfig({ VIGIE_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`, VIGIE_JWT_ISSUER: 'https://id.example', VIGIE_JWT_AUDIENCE: 'vigie-api' });
    app = createApp({ config, db: undefined, clock: systemClock, logger: silentLogger, staffTokenVerifier: createStaffTokenVerifier(config.jwt) });
    addDpoOnly(app);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const signEs = (key: CryptoKey, roles: string[]) =>
    new SignJWT({ roles })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('carol')
      .setIssuer('https://id.example')
      .setAudience('vigie-api')
      .setExpirationTime('5m')
      .sign(key);

  it('accepts a token signed by a key of the set, with the right role', async () => {
    const res = await app.request('/dpo-only', { headers: { Authorization: `Bearer ${await signEs(privateKey, ['dpo'])}` } });
    expect(res.status).toBe(200);
  });

  it('answers 403 for the wrong role, 401 for a key outside the set or an HS256 token', async () => {
    const wrongRole = await app.request('/dpo-only', { headers: { Authorization: `Bearer ${await signEs(privateKey, ['comms'])}` } });
    expect(wrongRole.status).toBe(403);
    const stranger = await app.request('/dpo-only', { headers: { Authorization: `Bearer ${await signEs(strangerKey, ['dpo'])}` } });
    expect(stranger.status).toBe(401);
    const hs = await app.request('/dpo-only', {
      headers: { Authorization: `Bearer ${await sign({ roles: ['dpo'] }, { iss: 'https://id.example', aud: 'vigie-api' })}` },
    });
    expect(hs.status).toBe(401);
    expect((await hs.json()).detail).toContain('algorithm');
  });
});

describe('without any key configured', () => {
  it('answers 401 on protected routes and still serves health', async () => {
    const config = parseConfig({});
    const app = createApp({ config, db: undefined, clock: systemClock, logger: silentLogger, staffTokenVerifier: undefined });
    addDpoOnly(app);
    const res = await app.request('/dpo-only', { headers: { Authorization: 'Bearer abc.def.ghi' } });
    expect(res.status).toBe(401);
    expect((await app.request('/_vigie/healthz')).status).toBe(200);
  });
});
