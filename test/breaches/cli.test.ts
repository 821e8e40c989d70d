import { mkdtemp, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/cli-in-process.js';
import { engines, openTestDatabase, testDatabaseUrl, type EngineName, type TestDatabase } from '../helpers/databases.js';
import { testApp, testSecret } from '../helpers/test-app.js';

// Two ways to reach the register: the database itself (DATABASE_URL; a schema of its own on the test
// PostgreSQL), or a running Vigie's API (--url/--token), which also serves the embedded engine.
type Mode = { via: 'database'; engine: 'postgresql' } | { via: 'api'; engine: EngineName };
const modes: Mode[] = [...(testDatabaseUrl ? [{ via: 'database', engine: 'postgresql' } as const] : []), ...engines().map((engine) => ({ via: 'api', engine }) as const)];

/** The shared in-process runner (test/helpers/cli-in-process.ts), under this file's names for its outputs. */
async function runCli(argv: string[], env: NodeJS.ProcessEnv) {
  const { code, stdout, stderr } = await runInProcess(argv, env);
  return { code, out: stdout, err: stderr };
}

describe.each(modes)('vigie breach (command line, through the $via, $engine)', (mode) => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let server: Server | undefined;
  beforeAll(async () => {
    database = await openTestDatabase(mode.engine);
    env = { VIGIE_TIMEZONE: 'Europe/Paris', USER: 'dora', VIGIE_LOG_LEVEL: 'silent' };
    if (mode.via === 'database') {
      const url = new URL(testDatabaseUrl!);
      url.searchParams.set('options', `-c search_path=${database.schema}`);
      env.DATABASE_URL = url.toString();
      // On this machine's database too, the command acts through the API as a token's holder.
      env.VIGIE_JWT_SECRET = testSecret;
      env.VIGIE_TOKEN = await testApp().token(['dpo'], 'dora');
    } else {
      const { app, token } = testApp({ db: database.db });
      server = await new Promise<Server>((resolve) => {
        const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
      });
      env.VIGIE_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      env.VIGIE_TOKEN = await token(['dpo'], 'dora');
    }
  }, 180_000);
  afterAll(async () => {
    if (server) await new Promise((resolve) => server!.close(resolve));
    await database.close();
  });

  const run = (...argv: string[]) => runCli(argv, env);

  it('opens, adds an event, assesses, decides, shows, lists and exports', async () => {
    const opened = await run('breach', 'open', '--title', 'Clé USB volée', '--aware', '2026-03-27 16:00', '--nature', 'confidentiality', '--reason', 'Vol signalé');
    expect(opened.code, opened.err).toBe(0);
    expect(opened.out).toContain('GDPR Art. 33 — CNIL — Notification to the CNIL: 2026-03-30 17:00 +02:00');
    const id = /breach (\d+) opened/.exec(opened.out)![1]!;
    const event = await run('breach', 'event', id, '--kind', 'contained', '--at', '2026-03-27 18:30', '--summary', 'Comptes révoqués');
    expect(event.code, event.err).toBe(0);
    expect(event.out).toBe(`event added to breach ${id}: 2026-03-27 18:30 +01:00 contained`);
    const dir = await mkdtemp(join(tmpdir(), 'vigie-breach-'));
    const input = join(dir, 'assessment.json');
    await writeFile(input, JSON.stringify({ dataCategories: ['contact'], easeOfIdentification: 'maximum', confidentiality: 'unknown-recipients', malicious: true, unintelligible: true }));
    const assessed = await run('breach', 'assess', id, '--input', input);
    expect(assessed.out).toContain('SE = 1 × 1 + 0.5 = 1.5 (low)');
    expect(assessed.out).toContain('Do not notify');
    const refused = await run('breach', 'decide', id, '--authority', 'not-notify', '--people', 'not-inform', '--justification', 'non');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('justification');
    const decided = await run('breach', 'decide', id, '--authority', 'not-notify', '--people', 'not-inform', '--justification', 'Chiffrement intégral AES-256, clé restée au coffre');
    expect(decided.code, decided.err).toBe(0);
    expect(decided.out).toBe(`decision recorded for breach ${id}: authority not-notify, people not-inform`);
    const shown = await run('breach', 'show', id);
    // Who acted: the token's holder, whichever way the command reached the register.
    expect(shown.out).toContain('| 2026-03-27 18:30 +01:00 | Comptes révoqués | dora |');
    expect(shown.out).toContain('non requis (décision de ne pas notifier)');
    expect(shown.out).not.toContain('not-required');
    const listed = await run('breach', 'list');
    expect(listed.out).toMatch(new RegExp(`${id}\\s+open\\s+GDPR 2026-03-30 17:00 \\+02:00 not-required`));
    const csv = await run('breach', 'export', '--format', 'csv');
    expect(csv.out.split('\r\n')[0]).toContain('id,title,status');
    expect(csv.out.split('\r\n').filter((line) => line !== '')).toHaveLength(2); // the same text either way
    expect((await run('breach', 'show', '999999')).err).toContain('No breach 999999');
    expect((await run('breach', 'event', id, '--kind', 'nope', '--at', '2026-03-27 18:30', '--summary', 'x')).code).toBe(2);
  });
});

describe.each(engines())('vigie breach through the API: refusals (%s)', (engine) => {
  let database: TestDatabase;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    database = await openTestDatabase(engine);
    server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: testApp({ db: database.db }).app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 180_000);
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await database.close();
  });

  it('says in one line when the token may not act, shows the reduced register, and says what it needs without a token', async () => {
    const env = { VIGIE_TIMEZONE: 'Europe/Paris', VIGIE_LOG_LEVEL: 'silent', VIGIE_URL: base, VIGIE_TOKEN: await testApp().token(['sre'], 'sam') };
    expect(await runCli(['breach', 'open', '--title', 'Pas pour moi'], env)).toEqual({ code: 1, out: '', err: 'vigie: 403 Not allowed: This action needs one of the roles: dpo' });
    expect(await runCli(['breach', 'list'], env)).toEqual({ code: 0, out: 'the register is empty', err: '' });
    const byOther = await runCli(['breach', 'list', '--by', 'someone-else'], env);
    expect(byOther.code).toBe(2);
    expect(byOther.err).toMatch(/^vigie breach list: Unknown option '--by'/);
    const { VIGIE_TOKEN: _token, ...anonymous } = env;
    const noToken = await runCli(['breach', 'list'], anonymous);
    expect(noToken.code).toBe(2);
    expect(noToken.err).toMatch(/--token is required \(or VIGIE_TOKEN\): you act as the token's holder/);
  });
});
