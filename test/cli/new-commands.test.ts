import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/cli-in-process.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testApp } from '../helpers/test-app.js';

// Features already in the API that had no command (issue 15): each through a real HTTP server.
describe.each(engines())('commands for features of the API (%s)', (engine) => {
  let database: TestDatabase;
  let server: Server;
  let url: string;
  let token: ReturnType<typeof testApp>['token'];
  beforeAll(async () => {
    database = await openTestDatabase(engine);
    const built = testApp({ db: database.db });
    token = built.token;
    server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: built.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 180_000);
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await database.close();
  });

  it('maintenance on --public-message: visitors read it, the reason stays internal', async () => {
    const env = { VIGIE_URL: url, VIGIE_TOKEN: await token(['sre'], 'sam') };
    const on = await runInProcess(['maintenance', 'on', '--reason', 'Données affichées à la mauvaise personne', '--public-message', 'Retour vers 15 h.', '--no-bypass-link'], env);
    expect(on.code, on.stderr).toBe(0);
    const rows = await database.db.selectFrom('maintenance_event').select(['reason', 'public_message', 'actor']).where('kind', '=', 'started').execute();
    expect(rows).toContainEqual({ reason: 'Données affichées à la mauvaise personne', public_message: 'Retour vers 15 h.', actor: 'sam' });
    expect((await runInProcess(['maintenance', 'off'], env)).code).toBe(0);
  });

  it('maintenance record: a past window, marked as recorded after the fact; the usage says the reason is internal', async () => {
    const env = { VIGIE_URL: url, VIGIE_TOKEN: await token(['sre'], 'sam'), VIGIE_TIMEZONE: 'Europe/Paris' };
    const recorded = await runInProcess(['maintenance', 'record', '--from', '2020-03-31 11:45', '--until', '2020-03-31 15:15', '--reason', 'Cache mal configuré', '--scope', '/declarations'], env);
    expect(recorded.code, recorded.stderr).toBe(0);
    expect(recorded.stdout).toMatch(/^maintenance window [0-9a-f-]{36} recorded after the fact: scope \/declarations, from 2020-03-31T11:45:00\+02:00/);
    const row = await database.db.selectFrom('maintenance_event').select(['recorded_after_the_fact', 'starts_at']).where('reason', '=', 'Cache mal configuré').executeTakeFirstOrThrow();
    expect(row.recorded_after_the_fact).toBe(true);
    expect(new Date(row.starts_at!).toISOString()).toBe('2020-03-31T09:45:00.000Z');
    const help = await runInProcess(['maintenance', 'record', '--help']);
    expect(help.stdout).toContain('internal: the public message is what visitors saw');
  });

  it('login-link prints the one-time link; an admin token is needed', async () => {
    const link = await runInProcess(['login-link', '--sub', 'alice', '--role', 'dpo', '--url', url, '--token', await token(['admin'], 'me')]);
    expect(link.code, link.stderr).toBe(0);
    expect(link.stdout).toMatch(new RegExp(`^${url}/_vigie/console/\\S+$`));
    const refused = await runInProcess(['login-link', '--sub', 'alice', '--role', 'dpo', '--url', url, '--token', await token(['dpo'], 'me')]);
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toContain('403');
  });
});

describe('serve --workers', () => {
  it('refuses more than one worker on the embedded database, or a bad count, in one line (exit 2), before starting anything', async () => {
    const embedded = await runInProcess(['serve', '--workers', '3'], { DATABASE_URL: '' });
    expect(embedded.code).toBe(2);
    expect(embedded.stderr.split('\n')[0]).toBe('vigie serve: --workers needs DATABASE_URL: the embedded database is opened by one process only');
    const bad = await runInProcess(['serve', '--workers', 'many'], { DATABASE_URL: '' });
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n')[0]).toContain('--workers must be a whole number from 1 to 256, or auto');
  });
});
