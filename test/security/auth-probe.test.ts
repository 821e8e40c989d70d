import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleNames } from '../../src/config.js';
import type { Role } from '../../src/auth/staff-principal.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testApp, testSecret } from '../helpers/test-app.js';
import { usePersonalDataHygiene } from '../helpers/hygiene.js';

// Every route of the OpenAPI document, probed with every kind of bad token: any 2xx fails. The list of
// routes is read from the document the server serves, so a new route is probed by default.

interface Operation {
  method: string;
  path: string;
  roles: Role[];
}

const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function operationsOf(document: { paths: Record<string, Record<string, { 'x-vigie-access'?: 'public' | { roles: Role[] } }>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const access = operation['x-vigie-access'];
      // An operation without a declared rule cannot exist (defineRoute refuses it): fail loudly if one appears.
      if (!access) throw new Error(`${method} ${path} declares no access rule`);
      if (access === 'public') continue;
      operations.push({ method: method.toUpperCase(), path, roles: access.roles });
    }
  }
  return operations;
}

// Path parameters get plausible values, so that a route that forgot its rule would reach its handler.
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, (name) => (/id\}$/i.test(name) ? '00000000-0000-4000-8000-000000000000' : 'probe'));

describe('auth probe: every protected route of /_vigie/openapi.json', () => {
  const hygiene = usePersonalDataHygiene();
  let database: TestDatabase;
  let hs: ReturnType<typeof testApp>;
  let rs: ReturnType<typeof testApp>;
  let jwks: Server;
  let operations: Operation[];
  let rsaPrivate: CryptoKey;
  let publicJwk: JWK;
  let publicPem: string;
  let strangerPrivate: CryptoKey;

  beforeAll(async () => {
    database = await openTestDatabase('embedded');
    const pair = await generateKeyPair('RS256', { extractable: true });
    rsaPrivate = pair.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    publicPem = await exportSPKI(pair.publicKey);
    strangerPrivate = (await generateKeyPair('RS256')).privateKey;
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    hs = testApp({ db: database.db, logger: hygiene.logger });
    rs = testApp({
      db: database.db,
      logger: hygiene.logger,
      env: { VIGIE_JWT_SECRET: '', VIGIE_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`, VIGIE_JWT_ISSUER: 'https://idp.example', VIGIE_JWT_AUDIENCE: 'vigie-api' },
    });
    const document = await (await hs.app.request('/_vigie/openapi.json')).json();
    operations = operationsOf(document);
  });
  afterAll(async () => {
    await new Promise((resolve) => jwks.close(resolve));
    await database.close();
  });

  const hsToken = (claims: Record<string, unknown>, o: { secret?: string; exp?: number; iss?: string; aud?: string } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('probe')
      .setIssuer(o.iss ?? 'vigie')
      .setAudience(o.aud ?? 'vigie')
      .setIssuedAt()
      .setExpirationTime(o.exp ?? now() + 600)
      .sign(new TextEncoder().encode(o.secret ?? testSecret));
  const rsToken = (claims: Record<string, unknown>, o: { key?: CryptoKey; iss?: string; aud?: string; exp?: number } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('probe')
      .setIssuer(o.iss ?? 'https://idp.example')
      .setAudience(o.aud ?? 'vigie-api')
      .setIssuedAt()
      .setExpirationTime(o.exp ?? now() + 600)
      .sign(o.key ?? rsaPrivate);
  // Signed with HMAC over the RSA public key, as libraries that take the key's type from the token allowed.
  const confused = (secret: string, claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setSubject('probe')
      .setIssuer('https://idp.example')
      .setAudience('vigie-api')
      .setExpirationTime(now() + 600)
      .sign(new TextEncoder().encode(secret));
  const unsigned = (claims: Record<string, unknown>, iss = 'vigie', aud = 'vigie') =>
    `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'probe', iss, aud, exp: now() + 600, ...claims })}.`;

  async function probe(app: ReturnType<typeof testApp>['app'], token: string | undefined, expected: 401 | 403, only?: (op: Operation) => Role[] | undefined) {
    let probed = 0;
    for (const op of operations) {
      const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/json' };
      let bearer = token;
      if (only) {
        const roles = only(op);
        if (!roles) continue; // every role may call it: nothing lower to try
        bearer = await hsToken({ roles });
      }
      if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
      const res = await app.request(concrete(op.path), { method: op.method, headers, ...(op.method === 'GET' || op.method === 'HEAD' ? {} : { body: '{}' }) });
      const label = `${op.method} ${op.path}`;
      expect(res.status < 200 || res.status >= 300, `${label} answered ${res.status}`).toBe(true);
      expect(res.status, label).toBe(expected);
      expect(res.headers.get('content-type'), label).toBe('application/problem+json');
      probed++;
    }
    return probed;
  }

  it('reads at least the known protected routes from the document', () => {
    expect(operations.length).toBeGreaterThan(40);
    expect(operations.map((op) => `${op.method} ${op.path}`)).toContain('POST /_vigie/maintenance/windows');
  });

  it('without a token: 401 everywhere', async () => {
    expect(await probe(hs.app, undefined, 401)).toBe(operations.length);
  });

  it('an expired token: 401 everywhere', async () => {
    const token = await hsToken({ roles: [...roleNames] }, { exp: now() - 120 });
    hygiene.register(token);
    expect(await probe(hs.app, token, 401)).toBe(operations.length);
  });

  it('a wrong signature: 401 everywhere', async () => {
    const token = await hsToken({ roles: [...roleNames] }, { secret: 'another-secret-of-at-least-32-characters!!' });
    hygiene.register(token);
    expect(await probe(hs.app, token, 401)).toBe(operations.length);
  });

  it('alg none (unsigned token): 401 everywhere, with a secret or a JWKS', async () => {
    expect(await probe(hs.app, unsigned({ roles: [...roleNames] }), 401)).toBe(operations.length);
    expect(await probe(rs.app, unsigned({ roles: [...roleNames] }, 'https://idp.example', 'vigie-api'), 401)).toBe(operations.length);
  });

  it('HS/RS confusion: HS256 signed with the JWKS public key (PEM, JWK): 401 everywhere', async () => {
    expect(await probe(rs.app, await confused(publicPem, { roles: [...roleNames] }), 401)).toBe(operations.length);
    expect(await probe(rs.app, await confused(JSON.stringify(publicJwk), { roles: [...roleNames] }), 401)).toBe(operations.length);
  });

  it('a JWKS token signed by an unknown key with the same kid: 401 everywhere', async () => {
    expect(await probe(rs.app, await rsToken({ roles: [...roleNames] }, { key: strangerPrivate }), 401)).toBe(operations.length);
  });

  it('a wrong issuer or audience: 401 everywhere (secret and JWKS)', async () => {
    expect(await probe(hs.app, await hsToken({ roles: [...roleNames] }, { iss: 'someone-else' }), 401)).toBe(operations.length);
    expect(await probe(hs.app, await hsToken({ roles: [...roleNames] }, { aud: 'another-app' }), 401)).toBe(operations.length);
    expect(await probe(rs.app, await rsToken({ roles: [...roleNames] }, { iss: 'https://evil.example' }), 401)).toBe(operations.length);
    expect(await probe(rs.app, await rsToken({ roles: [...roleNames] }, { aud: 'vigie' }), 401)).toBe(operations.length);
  });

  it('a role lower than required (every other role at once, or none): 403 everywhere', async () => {
    const others = (op: Operation) => {
      const rest = roleNames.filter((role) => !op.roles.includes(role));
      return rest.length > 0 ? rest : undefined;
    };
    expect(await probe(hs.app, undefined, 403, others)).toBeGreaterThan(30);
    expect(await probe(hs.app, undefined, 403, () => [])).toBe(operations.length);
  });

  it('control: a genuine token with an allowed role is not refused by the auth rule (secret and JWKS)', async () => {
    for (const op of operations) {
      for (const [app, token] of [
        [hs.app, await hsToken({ roles: [op.roles[0]] })],
        [rs.app, await rsToken({ roles: [op.roles[0]] })],
      ] as const) {
        const res = await app.request(concrete(op.path), { method: op.method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(op.method === 'GET' ? {} : { body: '{}' }) });
        expect([401, 403], `${op.method} ${op.path} refused a valid ${op.roles[0]} token`).not.toContain(res.status);
      }
    }
  });
});
