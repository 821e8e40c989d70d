import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { mintStaffToken } from '../../src/auth/mint-staff-token.js';
import { isoInZone } from '../../src/time/zoned.js';
import { chromiumPath, launchBrowser } from '../helpers/browser.js';
import { openTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/databases.js';
import { freePort, startProcess, waitForOk, type Started } from '../helpers/processes.js';
import { testSecret } from '../helpers/test-app.js';
import { bypassKey } from './maintenance-app.js';

const cli = ['--import', 'tsx', 'src/cli/main.ts'];
const dataDir = mkdtempSync(join(tmpdir(), 'vigie-maintenance-'));
const baseEnv = {
  VIGIE_JWT_SECRET: testSecret,
  VIGIE_MAINTENANCE_BYPASS_KEY: bypassKey,
  VIGIE_LOG_LEVEL: 'warn',
  HOST: '127.0.0.1',
  VIGIE_DATA_DIR: dataDir,
};
const token = (roles: ('sre' | 'dpo')[]) =>
  mintStaffToken({ secret: testSecret, issuer: 'vigie', audience: 'vigie', rolesClaim: 'roles', subject: 'sam', roles, ttlSeconds: 600 });

/** The real command line, in a child process (slow on a busy machine: used once). */
async function spawnCli(args: string[], env: Record<string, string | undefined>) {
  const run = startProcess('node', [...cli, 'maintenance', ...args], { ...baseEnv, ...env });
  const code = await run.exited;
  return { code, output: run.output().trim() };
}

/** The same command in this process, its console output captured. */
async function runCli(args: string[], env: Record<string, string | undefined>) {
  const lines: string[] = [];
  const capture = (...values: unknown[]) => void lines.push(values.map(String).join(' '));
  const log = vi.spyOn(console, 'log').mockImplementation(capture);
  const error = vi.spyOn(console, 'error').mockImplementation(capture);
  try {
    const code = await main(['maintenance', ...args], { ...process.env, ...baseEnv, ...env });
    return { code, output: lines.join('\n').trim() };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

/** A GET from a chosen loopback source address (the whole 127/8 is local on Linux): the network bypass sees it. */
function getFrom(localAddress: string, port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, localAddress, headers: { Accept: 'application/json' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a real Node server: CLI over the API, the page in a real browser, the network bypass', () => {
  let server: Started;
  let port: number;
  let base: string;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;

  beforeAll(async () => {
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = startProcess('node', [...cli, 'serve'], { ...baseEnv, PORT: String(port), DATABASE_URL: '', VIGIE_MAINTENANCE_BYPASS_NETWORKS: '127.0.0.2/32,10.0.0.0/8' });
    await waitForOk(`${base}/_vigie/healthz`, 170_000, server);
    if (chromiumPath) browser = await launchBrowser();
  }, 180_000);
  /** Each test opens the window it needs (no test counts on another's): a site-wide window, its bypass link. */
  async function openSiteWindow(): Promise<string> {
    const res = await fetch(`${base}/_vigie/maintenance/windows`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await token(['sre'])}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ reason: 'Fenêtre de ce test', plannedEnd: new Date(Date.now() + 2 * 3600_000).toISOString() }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { bypassLink: string }).bypassLink;
  }
  const windowsInForce = async () =>
    ((await (await fetch(`${base}/_vigie/maintenance/state`, { headers: { Authorization: `Bearer ${await token(['sre'])}` } })).json()) as { windows: unknown[] }).windows.length;

  afterAll(async () => {
    await browser?.close();
    await server?.stop('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('turns maintenance on and off with the CLI, and refuses bad input in one clear line', async () => {
    const sre = await token(['sre']);
    const until = isoInZone(Date.now() + 2 * 3600_000, 'Europe/Paris').slice(0, 16);
    const noReason = await runCli(['on', '--url', base, '--token', sre], {});
    expect(noReason.code).toBe(2);
    expect(noReason.output).toContain('vigie maintenance on: --reason is required');
    const badScope = await runCli(['on', '--reason', 'x', '--scope', 'declarations', '--url', base, '--token', sre], {});
    expect(badScope.code).toBe(1);
    expect(badScope.output).toMatch(/^vigie: 400 Invalid request: body\.scope: must be "site" or a path prefix/);
    expect(badScope.output.split('\n')).toHaveLength(1);
    const forbidden = await runCli(['on', '--reason', 'x', '--url', base, '--token', await token(['dpo'])], {});
    expect(forbidden.code).toBe(1);
    expect(forbidden.output).toBe('vigie: 403 Not allowed: This action needs one of the roles: sre, admin');
    const closedPort = await freePort();
    const unreachable = await runCli(['status', '--url', `http://127.0.0.1:${closedPort}`, '--token', sre], {});
    expect(unreachable.output).toBe(`vigie: cannot reach http://127.0.0.1:${closedPort} (ECONNREFUSED)`);

    const on = await spawnCli(['on', '--reason', 'Données affichées à la mauvaise personne', '--until', until, '--url', base], { VIGIE_TOKEN: sre });
    expect(on.code, on.output).toBe(0);
    expect(on.output).toMatch(/^maintenance in-force: window [0-9a-f-]{36}, scope site, from .+ until .+:00[+-]\d{2}:\d{2}$/m);
    expect(on.output).toMatch(/bypass link \(give it to testers only\): http:\/\/127\.0\.0\.1:\d+\/_vigie\/maintenance\/bypass\/\S+$/m);

    const blocked = await fetch(`${base}/declarations`, { headers: { Accept: 'application/json' } });
    expect(blocked.status).toBe(503);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(7200 - 120);
    expect(retryAfter).toBeLessThanOrEqual(7200);
    const status = await runCli(['status', '--url', base, '--token', sre], {});
    expect(status.output).toMatch(/^in-force\s+site from .+ until .+ — [0-9a-f-]{36}$/);
  }, 120_000);

  it.skipIf(!chromiumPath)('shows the page in French, or English, in a real browser; the secret link lets a tester through', async () => {
    const sre = await token(['sre']);
    // A request under several windows needs all their links: start from none, whatever ran before.
    await fetch(`${base}/_vigie/maintenance/end`, { method: 'POST', headers: { Authorization: `Bearer ${sre}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ reason: 'test du navigateur' }) });
    const siteBypassLink = await openSiteWindow();
    const fr = await browser!.newContext({ locale: 'fr-FR' });
    const page = await fr.newPage();
    const res = await page.goto(`${base}/declarations/mars`);
    expect(res?.status()).toBe(503);
    expect(await page.title()).toBe('Service en maintenance');
    // The --reason is for the register: visitors read the neutral text.
    expect(await page.textContent('#message')).toBe('Une opération de maintenance est en cours sur ce service.');
    expect(await page.content()).not.toContain('mauvaise personne');
    expect(await page.textContent('#expected-end')).toMatch(/^Retour prévu le \d{1,2} \S+ \d{4} à \d{2}:\d{2} \(UTC\+0[12]:00\)\.$/);
    await fr.close();

    const en = await browser!.newContext({ locale: 'en-GB' });
    const enPage = await en.newPage();
    await enPage.goto(`${base}/`);
    expect(await enPage.title()).toBe('Service under maintenance');
    expect(await enPage.textContent('#expected-end')).toMatch(/^Expected back on /);
    await en.close();

    const state = await (await fetch(`${base}/_vigie/maintenance/state`, { headers: { Authorization: `Bearer ${sre}` } })).json();
    expect(state.windows.length).toBeGreaterThanOrEqual(1);
    // A second window (an emergency on /declarations) while testers hold the site-wide window's link.
    const created = await (
      await fetch(`${base}/_vigie/maintenance/windows`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${sre}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ reason: 'Vérification', scope: '/declarations' }),
      })
    ).json();
    const tester = await browser!.newContext({ locale: 'fr-FR' });
    const testerPage = await tester.newPage();
    const visited = await testerPage.goto(siteBypassLink);
    expect(new URL(testerPage.url()).pathname).toBe('/');
    expect(visited?.status()).toBe(404); // the site itself (no service behind this test server), not the 503
    const [cookie] = await tester.cookies();
    expect(cookie).toMatchObject({ name: 'vigie_maintenance_bypass', httpOnly: true, sameSite: 'Lax' });
    // The site-wide window's cookie does not open the emergency window...
    expect((await testerPage.goto(`${base}/declarations/mars`))?.status()).toBe(503);
    // ...until its own link is opened too: the cookie then names both.
    expect((await testerPage.goto(created.bypassLink))?.status()).toBe(404);
    expect((await testerPage.goto(`${base}/declarations/mars`))?.status()).toBe(404);
    expect((await testerPage.goto(`${base}/other`))?.status()).toBe(404);
    await tester.close();
  });

  it('lets an allowed client network through and stops the others (real socket address)', async () => {
    await openSiteWindow();
    expect(await getFrom('127.0.0.2', port, '/declarations')).toBe(404);
    expect(await getFrom('127.0.0.1', port, '/declarations')).toBe(503);
  });

  it('turns maintenance off with the CLI', async () => {
    await openSiteWindow();
    const open = await windowsInForce();
    expect(open).toBeGreaterThanOrEqual(1);
    const off = await runCli(['off', '--reason', 'Cache corrigé', '--url', base, '--token', await token(['sre'])], {});
    expect(off.code, off.output).toBe(0);
    expect(off.output).toMatch(new RegExp(`^ended ${open} window\\(s\\): `));
    expect(await windowsInForce()).toBe(0);
    expect((await fetch(`${base}/declarations`)).status).toBe(404);
  }, 60_000);
});

describe.skipIf(!testDatabaseUrl)('the CLI directly against PostgreSQL, with a running server on it', () => {
  let database: TestDatabase;
  let server: Started;
  let base: string;
  let url: string;

  beforeAll(async () => {
    database = await openTestDatabase('postgresql');
    const u = new URL(testDatabaseUrl!);
    u.searchParams.set('options', `-c search_path=${database.schema}`);
    url = u.toString();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = startProcess('node', [...cli, 'serve'], { ...baseEnv, PORT: String(port), DATABASE_URL: url });
    await waitForOk(`${base}/_vigie/healthz`, 170_000, server);
  }, 180_000);
  afterAll(async () => {
    await server?.stop('SIGTERM');
    await database?.close();
  });

  it('on, status and off without a URL act on the database (as the token holder), and the server follows within a second', async () => {
    const local = { DATABASE_URL: url, VIGIE_TOKEN: await token(['sre']) };
    const on = await runCli(['on', '--reason', 'Incident', '--scope', '/declarations/*', '--read-only'], local);
    expect(on.code, on.output).toBe(0);
    expect(on.output).toMatch(/^maintenance in-force: window [0-9a-f-]{36}, scope \/declarations, from .+ until open-ended$/m);
    const started = performance.now();
    while ((await fetch(`${base}/declarations/1`, { method: 'POST' })).status !== 503) {
      expect(performance.now() - started).toBeLessThan(1000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await fetch(`${base}/declarations/1`)).status).toBe(404); // read-only: reads pass
    const status = await runCli(['status'], local);
    expect(status.output).toMatch(/^in-force\s+\/declarations \(read-only\) from /);
    const off = await runCli(['off'], local);
    expect(off.code).toBe(0);
    const ended = performance.now();
    while ((await fetch(`${base}/declarations/1`, { method: 'POST' })).status !== 404) {
      expect(performance.now() - ended).toBeLessThan(1000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const events = await database.db.selectFrom('maintenance_event').select(['kind', 'actor', 'reason']).orderBy('id').execute();
    expect(events).toEqual([
      { kind: 'started', actor: 'sam', reason: 'Incident' },
      { kind: 'ended', actor: 'sam', reason: 'Maintenance ended from the command line' },
    ]);
  }, 60_000);

  it('refuses to act without a token: the command line never acts as a name typed on it', async () => {
    const before = await database.db.selectFrom('maintenance_event').select('id').execute();
    const res = await runCli(['off', '--actor', 'sam'], { DATABASE_URL: url });
    expect(res.code).toBe(2);
    expect(res.output).toContain("Unknown option '--actor'");
    const anonymous = await runCli(['off'], { DATABASE_URL: url, VIGIE_TOKEN: '' });
    expect(anonymous.code).toBe(2);
    expect(anonymous.output).toContain('--token is required');
    expect(await database.db.selectFrom('maintenance_event').select('id').execute()).toEqual(before);
  });
});
