import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { mintLoginLink } from '../../src/console/session/login-links.js';
import { safeReturnPath } from '../../src/console/session/return-url.js';
import { openBreach } from '../../src/breaches/edit-breach.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { consoleApp, formPost, signIn } from './console-app.js';

const base = '/_vigie/console';

describe('return URLs stay inside the console', () => {
  it.each([
    ['/_vigie/console/exposure?alert=3', '/_vigie/console/exposure?alert=3'],
    ['/_vigie/console', '/_vigie/console'],
    ['https://evil.example/_vigie/console', base],
    ['//evil.example/_vigie/console', base],
    ['/\\evil.example', base],
    ['/_vigie/console/../../evil', base],
    ['/_vigie/consolex', base],
    ['/_vigie/console/%2e%2e/%2e%2e/evil', base],
    ['javascript:alert(1)', base],
    ['/_vigie/api', base],
    [undefined, base],
  ])('%s → %s', (input, expected) => {
    expect(safeReturnPath(input, base)).toBe(expected);
  });
});

describe.each(engines())('console security on %s', (engine) => {
  let database: TestDatabase;
  let built: ReturnType<typeof consoleApp>;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    built = consoleApp({ db: database.db });
  }, 120_000);
  afterAll(() => database?.close());

  it('sends a request without a session to the sign-in page, coming back afterwards', async () => {
    const res = await built.app.request(`${base}/exposure?alert=7`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${base}/sign-in?return=${encodeURIComponent('/_vigie/console/exposure?alert=7')}`);
    const forged = await built.app.request(`${base}/maintenance/start`, formPost({ reason: 'x' }));
    expect(forged.status).toBe(303);
    expect(forged.headers.get('location')).toMatch(new RegExp(`^${base}/sign-in`));
    // A cookie that is not signed with the key opens nothing.
    const fake = await built.app.request(`${base}/maintenance`, { headers: { Cookie: 'vigie_console=abcdefabcdefabcdefabcdefabcdef.c2lnbmF0dXJl' } });
    expect(fake.status).toBe(303);
  });

  it('opens a session once per login link; the cookie is HttpOnly, SameSite=Lax, limited to the console, at most 8 hours', async () => {
    const link = await mintLoginLink(built.deps, { subject: 'sam', roles: ['sre'] }, { subject: 'operator', roles: ['admin'] });
    expect(link.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(300_000);
    const page = await built.app.request(link.path);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('sam (SRE)');
    const first = await built.app.request(link.path, { method: 'POST' });
    expect(first.status).toBe(303);
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^vigie_console=[^;]+; Max-Age=(28[0-7]\d\d|28800); Path=\/_vigie\/console; HttpOnly; SameSite=Lax$/);
    const again = await built.app.request(link.path, { method: 'POST' });
    expect(again.status).toBe(410);
    expect(again.headers.get('set-cookie')).toBeNull();
    // Stored hashed: the token itself is nowhere in the table.
    const rows = await database.db.selectFrom('console_login_link').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(link.token);
  });

  it('refuses an expired login link', async () => {
    const clock = manualClock(new Date());
    const timed = consoleApp({ db: database.db, clock });
    const link = await mintLoginLink(timed.deps, { subject: 'sam', roles: ['sre'] }, { subject: 'operator', roles: ['admin'] });
    clock.advance(301_000);
    expect((await timed.app.request(link.path, { method: 'POST' })).status).toBe(410);
  });

  it('refuses bad input to the link service, naming the field', async () => {
    await expect(mintLoginLink(built.deps, { subject: 'a b', roles: ['root'] }, { subject: 'x', roles: [] })).rejects.toMatchObject({
      errors: [
        { path: 'sub', message: expect.any(String) },
        { path: 'role', message: expect.any(String) },
      ],
    });
  });

  it('hides what a role may not use, and refuses it on the server even when the form is forged', async () => {
    const dpo = await signIn(built, 'dora', ['dpo']);
    const page = await (await built.app.request(`${base}/maintenance`, { headers: { Cookie: dpo.cookie } })).text();
    expect(page).not.toContain('id="start-form"');
    const forged = await built.app.request(`${base}/maintenance/start`, formPost({ _csrf: dpo.csrf, reason: 'forged', scope: 'site' }, { Cookie: dpo.cookie }));
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('SRE, administration');
    expect(await database.db.selectFrom('maintenance_event').selectAll().execute()).toHaveLength(0);
    // A comms person does not see the exposure page in the navigation, and cannot open it.
    const comms = await signIn(built, 'carole', ['comms']);
    const home = await (await built.app.request(base, { headers: { Cookie: comms.cookie } })).text();
    expect(home).not.toContain(`href="${base}/exposure"`);
    expect(home).toContain(`href="${base}/maintenance"`);
    expect((await built.app.request(`${base}/exposure`, { headers: { Cookie: comms.cookie } })).status).toBe(403);
  });

  it('refuses a form without the session’s CSRF token, or from another origin', async () => {
    const sre = await signIn(built, 'sam', ['sre']);
    const missing = await built.app.request(`${base}/maintenance/start`, formPost({ reason: 'no token', scope: 'site' }, { Cookie: sre.cookie }));
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain('Le formulaire a expiré ou ne vient pas de cette console');
    const wrong = await built.app.request(`${base}/maintenance/start`, formPost({ _csrf: 'x'.repeat(32), reason: 'bad token', scope: 'site' }, { Cookie: sre.cookie }));
    expect(wrong.status).toBe(403);
    const elsewhere = await built.app.request(
      `http://localhost${base}/maintenance/start`,
      formPost({ _csrf: sre.csrf, reason: 'cross-site', scope: 'site' }, { Cookie: sre.cookie, Origin: 'https://evil.example' }),
    );
    expect(elsewhere.status).toBe(403);
    expect(await database.db.selectFrom('maintenance_event').selectAll().execute()).toHaveLength(0);
  });

  it('shows fields the service refuses inline, keeps what was typed, and changes nothing', async () => {
    const sre = await signIn(built, 'sam', ['sre']);
    const res = await built.app.request(
      `${base}/maintenance/start`,
      formPost({ _csrf: sre.csrf, reason: '', scope: 'prefix', prefix: 'declarations', plannedEnd: '2020-13-40 99:00' }, { Cookie: sre.cookie }),
    );
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('id="start-plannedEnd-error"');
    expect(html).toContain('value="declarations"');
    expect(await database.db.selectFrom('maintenance_event').selectAll().execute()).toHaveLength(0);
  });

  it('shows markup typed in a breach title as text', async () => {
    await openBreach(built.deps, { title: '<script>alert("x")</script><b>Fuite</b>' }, { subject: 'dora', roles: ['dpo'] });
    const dpo = await signIn(built, 'dora', ['dpo']);
    const html = await (await built.app.request(base, { headers: { Cookie: dpo.cookie } })).text();
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;Fuite&lt;/b&gt;');
    expect(html).not.toContain('<b>Fuite</b>');
  });

  it('signs out: the session is revoked, even for someone holding a copy of the cookie', async () => {
    const sre = await signIn(built, 'sam', ['sre']);
    const out = await built.app.request(`${base}/sign-out`, formPost({ _csrf: sre.csrf }, { Cookie: sre.cookie }));
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe(`${base}/sign-in?why=signed-out`);
    expect(out.headers.get('set-cookie')).toMatch(/^vigie_console=; Max-Age=0/);
    expect((await built.app.request(`${base}/maintenance`, { headers: { Cookie: sre.cookie } })).status).toBe(303);
  });

  it('refuses a return URL that leaves the console after the language switch', async () => {
    const res = await built.app.request(`${base}/lang?to=en&return=${encodeURIComponent('https://evil.example/')}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(base);
    expect(res.headers.get('set-cookie')).toMatch(/^vigie_console_lang=en;/);
  });

  it('answers every page with a nonce CSP that forbids inline code and framing', async () => {
    const sre = await signIn(built, 'sam', ['sre']);
    const res = await built.app.request(`${base}/maintenance`, { headers: { Cookie: sre.cookie } });
    const csp = res.headers.get('content-security-policy')!;
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    for (const script of html.match(/<script[^>]*>/g) ?? []) {
      if (!script.includes('application/json')) expect(script).toContain(`nonce="${nonce}"`);
    }
    expect(html).not.toMatch(/ style="/);
  });
});

describe('POST /auth/login-links (what `vigie login-link` calls)', () => {
  it('gives an admin a working link, refuses other roles, names bad fields', async () => {
    const database = await openTestDatabase('embedded');
    try {
      const built = consoleApp({ db: database.db });
      const post = async (roles: ('admin' | 'dpo')[], body: unknown) =>
        built.app.request('/_vigie/auth/login-links', { method: 'POST', headers: { ...(await built.auth(roles)), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      expect((await post(['dpo'], { subject: 'alice', roles: ['dpo'] })).status).toBe(403);
      const bad = await post(['admin'], { subject: 'alice', roles: ['root'] });
      expect(bad.status).toBe(400);
      expect((await bad.json()).errors[0].path).toBe('body.roles.0');
      const made = await post(['admin'], { subject: 'alice', roles: ['dpo'] });
      expect(made.status).toBe(201);
      const { url } = (await made.json()) as { url: string };
      expect(url).toMatch(/^http:\/\/localhost\/_vigie\/console\/login\/[A-Za-z0-9_-]{43}$/);
      expect((await built.app.request(url, { method: 'POST' })).status).toBe(303);
    } finally {
      await database.close();
    }
  });
});
