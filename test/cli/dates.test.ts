import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDateInZone } from '../../src/breaches/zoned-time.js';
import { runInProcess } from '../helpers/cli-in-process.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testApp } from '../helpers/test-app.js';

// Impossible dates and times are refused naming the option (issue 15): "2020-02-30 10:00" was stored as
// 1 March, "2020-02-31 25:00" as 3 March 01:00.
describe('impossible dates and times', () => {
  it('are refused by the register’s reader (src/time/parse-instant.ts), whatever the zone', () => {
    expect(parseDateInZone('2020-02-30 10:00', 'Europe/Paris')).toBeUndefined();
    expect(parseDateInZone('2020-02-31 25:00', 'Europe/Paris')).toBeUndefined();
    expect(parseDateInZone('2020-02-30T10:00:00+01:00', 'Europe/Paris')).toBeUndefined();
    expect(parseDateInZone('2020-03-31 11:45', 'Europe/Paris')?.toISOString()).toBe('2020-03-31T09:45:00.000Z');
  });

  describe('on the command line', () => {
    let database: TestDatabase;
    let server: Server;
    let env: NodeJS.ProcessEnv;
    beforeAll(async () => {
      database = await openTestDatabase('embedded');
      const { app, token } = testApp({ db: database.db });
      server = await new Promise<Server>((resolve) => {
        const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
      });
      env = { VIGIE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, VIGIE_TOKEN: await token(['dpo', 'sre'], 'dora') };
    }, 180_000);
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
      await database.close();
    });

    it('breach open --aware "2020-02-30 10:00" and breach event --at "2020-02-31 25:00" are refused naming the option; nothing is stored', async () => {
      const aware = await runInProcess(['breach', 'open', '--title', 'x', '--aware', '2020-02-30 10:00'], env);
      expect(aware.code).toBe(2);
      expect(aware.stderr.split('\n')[0]).toContain('--aware must look like');
      expect(await database.db.selectFrom('breach').select('id').execute()).toEqual([]);
      const opened = await runInProcess(['breach', 'open', '--title', 'Clé USB volée', '--aware', '2020-02-28 10:00', '--nature', 'confidentiality'], env);
      expect(opened.code, opened.stderr).toBe(0);
      const id = /breach (\d+) opened/.exec(opened.stdout)![1]!;
      const at = await runInProcess(['breach', 'event', id, '--kind', 'note', '--at', '2020-02-31 25:00', '--summary', 'x'], env);
      expect(at.code).toBe(2);
      expect(at.stderr.split('\n')[0]).toContain('--at must look like');
    });

    it('maintenance on --until "2020-02-30 10:00" is refused naming the option', async () => {
      const on = await runInProcess(['maintenance', 'on', '--reason', 'x', '--until', '2020-02-30 10:00'], env);
      expect(on.code).toBe(2);
      expect(on.stderr.split('\n')[0]).toContain('--until must look like');
    });
  });
});
