import { mkdtemp, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBreachBody } from '../../src/breaches/breach-facts.js';
import { openBreach } from '../../src/breaches/edit-breach.js';
import { systemClock } from '../../src/clock.js';
import { runInProcess } from '../helpers/cli-in-process.js';
import { engines, openTestDatabase, testDatabaseUrl, type EngineName, type TestDatabase } from '../helpers/databases.js';
import { testApp, testConfig, testSecret } from '../helpers/test-app.js';

type Mode = { via: 'database'; engine: 'postgresql' } | { via: 'api'; engine: EngineName };
const modes: Mode[] = [...(testDatabaseUrl ? [{ via: 'database', engine: 'postgresql' } as const] : []), ...engines().map((engine) => ({ via: 'api', engine }) as const)];

/** The shared in-process runner (test/helpers/cli-in-process.ts), under this file's names for its outputs. */
async function runCli(argv: string[], env: NodeJS.ProcessEnv) {
  const { code, stdout, stderr } = await runInProcess(argv, env);
  return { code, out: stdout, err: stderr };
}

const mine = `id: our-own
version: 2
title: { fr: Notre procédure, en: Our procedure }
summary: { fr: Résumé, en: Summary }
sources:
  - title: Procédure interne v3
steps:
  - id: call
    title: { fr: Appeler l'astreinte, en: Call the on-call engineer }
    owner: sre
    due: { from: detection, minutes: 15 }
`;

describe('vigie playbook check, list and VIGIE_PLAYBOOKS_DIR (no database)', () => {
  it('names the file, line and reason of every problem in a directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-playbooks-'));
    await writeFile(join(dir, 'good.yaml'), mine);
    await writeFile(join(dir, 'bad.yaml'), mine.replace('id: our-own', 'id: bad-one').replace('owner: sre', 'owner: ciso').replace('minutes: 15', 'fortnights: 1'));
    const { code, out } = await runCli(['playbook', 'check', dir], {});
    expect(code).toBe(1);
    expect(out.split('\n')).toEqual([
      `${join(dir, 'bad.yaml')}:10:12: steps.0.owner: unknown role "ciso" (roles: sre, dpo, comms, auditor, admin)`,
      `${join(dir, 'bad.yaml')}:11:29: steps.0.due: unknown field "fortnights"`,
      '1 playbook(s) valid, 2 problem(s)',
    ]);
    const bundled = await runCli(['playbook', 'check', new URL('../../playbooks', import.meta.url).pathname], {});
    expect(bundled).toMatchObject({ code: 0, out: '8 playbook(s) valid, 0 problem(s)' });
  });

  it('adds and replaces playbooks from VIGIE_PLAYBOOKS_DIR, and refuses to start on a bad one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-playbooks-'));
    await writeFile(join(dir, 'our-own.yaml'), mine);
    await writeFile(join(dir, 'ransomware.yaml'), mine.replace('id: our-own', 'id: ransomware'));
    const { code, out } = await runCli(['playbook', 'list'], { VIGIE_PLAYBOOKS_DIR: dir });
    expect(code).toBe(0);
    expect(out).toMatch(/^our-own\s+v2\s+organisation\s+1 steps\s+Notre procédure$/m);
    expect(out).toMatch(/^ransomware\s+v2\s+organisation/m);
    expect(out).toMatch(/^lost-device\s+v1\s+bundled/m);
    const shown = await runCli(['playbook', 'show', 'our-own'], { VIGIE_PLAYBOOKS_DIR: dir });
    expect(JSON.parse(shown.out)).toMatchObject({ id: 'our-own', origin: 'organisation', steps: [{ id: 'call', owner: 'sre' }] });
    await writeFile(join(dir, 'broken.yaml'), mine.replace('id: our-own', 'id: broken').replace('owner: sre', 'owner: chef'));
    const refused = await runCli(['playbook', 'list'], { VIGIE_PLAYBOOKS_DIR: dir });
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('broken.yaml:10:12: steps.0.owner: unknown role "chef"');
  });
});

describe.each(modes)('vigie playbook start|tasks|done|undo|report (through the $via, $engine)', (mode) => {
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
      // The CLI builds the app in its own process on that database; the token is checked with the local key.
      env.VIGIE_JWT_SECRET = testSecret;
      env.VIGIE_TOKEN = await testApp({ db: database.db }).token(['dpo'], 'dora');
    } else {
      const { app, token } = testApp({ db: database.db });
      server = await new Promise<Server>((resolve) => {
        const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
      });
      env.VIGIE_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      env.VIGIE_TOKEN = await token(['dpo'], 'dora');
    }
  });
  afterAll(async () => {
    if (server) await new Promise((resolve) => server!.close(resolve));
    await database?.close();
  });

  it('starts the wrong-user playbook, lists its tasks in Paris time, marks one done and undone, and reports', async () => {
    const deps = { db: database.db, clock: systemClock, config: testConfig() };
    const { id } = await openBreach(deps, openBreachBody.parse({ title: 'Cache', discoveredAt: '2020-03-31T11:30:00+02:00', awareAt: '2020-03-31T12:10:00+02:00' }), { subject: 'dora', roles: ['dpo'] });
    const missing = await runCli(['playbook', 'start', 'wrong-user-data', '--breach', String(id)], env);
    expect(missing.code).toBe(2); // a required option missing: the usage, as every command
    expect(missing.err).toMatch(/reason/);
    const started = await runCli(['playbook', 'start', 'wrong-user-data', '--breach', String(id), '--reason', 'Cache mal configuré'], env);
    expect(started.code).toBe(0);
    const runId = /run (\d+) started/.exec(started.out)![1]!;
    const tasks = await runCli(['playbook', 'tasks', '--breach', String(id)], env);
    expect(tasks.code).toBe(0);
    const filing = tasks.out.split('\n').find((line) => line.includes('Déposer la notification'))!;
    expect(filing).toMatch(/^\s+\d+\s+overdue\s+dpo\s+2020-04-03 12:10 \+02:00/);
    const maintenance = /^\s+(\d+)\s+overdue\s+sre\s+2020-03-31 12:00 \+02:00\s+Mettre le service/m.exec(tasks.out)![1]!;
    expect(await runCli(['playbook', 'done', maintenance, '--reason', 'Maintenance de 11:45 à 15:15'], env)).toMatchObject({ code: 0, out: `task ${maintenance} done` });
    expect((await runCli(['playbook', 'done', maintenance, '--reason', 'encore'], env)).code).toBe(1);
    const report = await runCli(['playbook', 'report', runId, '--format', 'json'], env);
    const parsed = JSON.parse(report.out) as { summary: { done: number }; lines: { step: string; doneBy: string | null }[] };
    expect(parsed.summary.done).toBe(1);
    expect(parsed.lines.find((l) => l.step === 'maintenance')!.doneBy).toBe('dora');
    expect(await runCli(['playbook', 'undo', maintenance, '--reason', 'Pas encore levée'], env)).toMatchObject({ code: 0, out: `task ${maintenance} reopened` });
    const table = await runCli(['playbook', 'report', runId], env);
    expect(table.out).toContain('0/');
  });
});

