import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchBrowser } from '../helpers/browser.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { openPage } from './browser-helpers.js';
import { consoleApp, serveApp } from './console-app.js';

const clientSecret = 'a-client-secret-for-the-console-tests-0123456789';

/** People at the test's identity provider, with their roles where Keycloak puts them (realm_access.roles). */
const people: Record<string, Record<string, unknown>> = {
  dora: { name: 'Dora Dupont', realm_access: { roles: ['dpo', 'offline_access'] } },
  nobody: { name: 'Nora Personne', realm_access: { roles: ['offline_access'] } },
};

/**
 * A real, certified OpenID provider (oidc-provider), with its development login pages: the code flow with
 * PKCE required, claims given only by userinfo (as ProConnect does), and userinfo answered as a signed JWT
 * (ProConnect's application/jwt).
 */
async function startProvider(redirectUri: string): Promise<{ issuer: string; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const issuer = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'vigie-console',
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        userinfo_signed_response_alg: 'RS256',
      },
    ],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true }, jwtUserinfo: { enabled: true } },
    claims: { openid: ['sub'], profile: ['name'], roles: ['realm_access'] },
    scopes: ['openid', 'profile', 'roles'],
    async findAccount(_ctx: unknown, sub: string) {
      return { accountId: sub, claims: async () => ({ sub, ...(people[sub] ?? {}) }) };
    },
  } as never);
  server.on('request', provider.callback());
  return { issuer, server };
}

describe.skipIf(!chromiumPath)('sign-in with OpenID Connect against a real provider', () => {
  let database: TestDatabase;
  let browser: Browser;
  let idp: Awaited<ReturnType<typeof startProvider>>;
  let served: Awaited<ReturnType<typeof serveApp>>;
  let built: ReturnType<typeof consoleApp>;

  beforeAll(async () => {
    database = await openTestDatabase('embedded');
    // The console's address must be known before the provider registers its redirect URI.
    let app: ReturnType<typeof consoleApp> | undefined;
    served = await serveApp((request) => app!.app.fetch(request));
    idp = await startProvider(`${served.base}/_vigie/console/oidc/callback`);
    app = built = consoleApp({
      db: database.db,
      env: {
        VIGIE_OIDC_ISSUER: idp.issuer,
        VIGIE_OIDC_CLIENT_ID: 'vigie-console',
        VIGIE_OIDC_CLIENT_SECRET: clientSecret,
        VIGIE_OIDC_SCOPES: 'openid profile roles',
        VIGIE_JWT_ROLES_CLAIM: 'realm_access.roles',
      },
    });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await new Promise((resolve) => idp?.server.close(resolve));
    await database?.close();
  });

  async function signInAt(login: string, returnPath: string) {
    const { context, page } = await openPage(browser);
    await page.goto(`${served.base}${returnPath}`);
    await page.click('#sign-in-oidc');
    await page.waitForURL(`${idp.issuer}/**`);
    // PKCE and nonce went out with the request.
    await page.fill('input[name="login"]', login);
    await page.fill('input[name="password"]', 'any');
    await page.click('button[type="submit"]');
    await page.click('button[type="submit"]'); // consent
    await page.waitForURL(`${served.base}/_vigie/console/**`);
    return { context, page };
  }

  it('opens a session with the roles of the claim path, from a signed userinfo, and comes back where the person was going', async () => {
    const { context, page } = await signInAt('dora', '/_vigie/console/exposure');
    expect(new URL(page.url()).pathname).toBe('/_vigie/console/exposure');
    expect(await page.textContent('#signed-in-as')).toBe('Dora Dupont (DPO)');
    const sessions = await database.db.selectFrom('console_session').selectAll().where('subject', '=', 'dora').execute();
    expect(sessions).toMatchObject([{ method: 'oidc', roles: ['dpo'], name: 'Dora Dupont' }]);
    await context.close();
  }, 60_000);

  it('refuses a person the provider knows but who holds no Vigie role', async () => {
    const { context, page } = await signInAt('nobody', '/_vigie/console');
    expect(new URL(page.url()).pathname).toBe('/_vigie/console/oidc/callback');
    expect(await page.textContent('#sign-in-message')).toContain('ne porte aucun rôle Vigie');
    expect(await database.db.selectFrom('console_session').selectAll().where('subject', '=', 'nobody').execute()).toEqual([]);
    await context.close();
  }, 60_000);

  it('refuses a callback this browser did not start, and one whose state does not match', async () => {
    const none = await built.app.request(`${served.base}/_vigie/console/oidc/callback?code=abc&state=xyz`);
    expect(none.status).toBe(400);
    expect(await none.text()).toContain('this browser did not start this sign-in');
    const { context, page } = await openPage(browser);
    await page.goto(`${served.base}/_vigie/console/sign-in`);
    await page.click('#sign-in-oidc');
    await page.waitForURL(`${idp.issuer}/**`);
    // Back to the callback with a state of someone else's making.
    await page.goto(`${served.base}/_vigie/console/oidc/callback?code=forged&state=forged`);
    expect(await page.textContent('#sign-in-message')).toContain('the state does not match');
    await context.close();
  }, 60_000);
});
