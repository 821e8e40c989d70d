import { mkdtemp, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/cli-in-process.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testApp } from '../helpers/test-app.js';

// The register's whole life from the command line (issue 15): facts, status, people, who is overdue, filing.
describe.each(engines())('vigie breach: the register from the command line (%s)', (engine) => {
  let database: TestDatabase;
  let server: Server;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  beforeAll(async () => {
    database = await openTestDatabase(engine);
    const { app, token } = testApp({ db: database.db });
    server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
    });
    env = { VIGIE_TIMEZONE: 'Europe/Paris', VIGIE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, VIGIE_TOKEN: await token(['dpo'], 'dora') };
    dir = await mkdtemp(join(tmpdir(), 'vigie-register-'));
  }, 180_000);
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await database.close();
  });
  const run = (...argv: string[]) => runInProcess(argv, env);

  it('edits the facts, changes the status, imports and lists people (overdue), records the filing, shows it in English', async () => {
    const opened = await run('breach', 'open', '--title', 'Cache mal configuré', '--aware', '2020-03-31 11:30', '--nature', 'confidentiality');
    expect(opened.code, opened.stderr).toBe(0);
    const id = /breach (\d+) opened/.exec(opened.stdout)![1]!;

    const facts = join(dir, 'facts.json');
    await writeFile(facts, JSON.stringify({ peopleCount: 512 }));
    const edited = await run('breach', 'edit', id, '--facts', facts, '--reason', 'compté dans le journal');
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stdout).toMatch(new RegExp(`^breach ${id}: version 2, \\d+ change\\(s\\)$`));
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ peopleCount: -3 }));
    const refused = await run('breach', 'edit', id, '--facts', bad, '--reason', 'erreur');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^vigie: 400 .*peopleCount/);

    const people = join(dir, 'people.csv');
    await writeFile(people, 'person,status,due\nP-1,to-inform,2020-04-02 12:00\nP-2,answered,2020-04-02 12:00\nP-3,to-inform,2099-01-01 00:00\n');
    const imported = await run('breach', 'people', 'import', id, people);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toBe(`breach ${id}: 3 person(s) read, 3 added, 0 already there`);
    const overdue = await run('breach', 'people', 'list', id, '--overdue');
    expect(overdue.code, overdue.stderr).toBe(0);
    expect(overdue.stdout.split('\n')).toEqual([expect.stringMatching(/^P-1\s+to-inform\s+due 2020-04-02 12:00 \+02:00$/), expect.stringMatching(/^3 person\(s\) \(.*\), 1 overdue/)]);
    const all = await run('breach', 'people', 'list', id);
    expect(all.stdout.split('\n')).toHaveLength(4);

    const filed = await run('breach', 'filing', id, '--at', '2020-04-02 10:00', '--reference', 'CNIL-2020-123', '--delay-reasons', 'Analyse du journal');
    expect(filed.code, filed.stderr).toBe(0);
    expect(filed.stdout).toContain('filed at 2020-04-02 10:00 +02:00');

    // Closing needs what the register lacks yet: refused in one line naming each field.
    const early = await run('breach', 'status', id, 'closed', '--reason', 'Personnes informées, mesures prises');
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/^vigie: 400 Invalid request: .*body\.measures: needed before "closed"/);
    // Recording the filing moved the breach to notified.
    expect((await run('breach', 'list')).stdout).toMatch(new RegExp(`^\\s*${id}\\s+notified `, 'm'));

    const en = await run('breach', 'show', id, '--lang', 'en');
    expect(en.code, en.stderr).toBe(0);
    expect(en.stdout).toContain('Cache mal configuré');
    const fr = await run('breach', 'show', id);
    expect(en.stdout).not.toBe(fr.stdout);
  });

  it('a bad status or a missing file is refused in one line, nothing changes', async () => {
    const opened = await run('breach', 'open', '--title', 'Autre', '--aware', '2020-03-31 11:30');
    const id = /breach (\d+) opened/.exec(opened.stdout)![1]!;
    const assessed = await run('breach', 'status', id, 'assessed', '--reason', 'Évaluation faite');
    // The server says, field by field, what the register still needs for that status.
    expect(assessed.code).toBe(1);
    expect(assessed.stderr).toMatch(/^vigie: 400 Invalid request: body\.natures: needed before "assessed".*body\.assessment: needed before "assessed"/);
    const wrong = await run('breach', 'status', id, 'finished', '--reason', 'pas un statut');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^vigie: 400 .*status/);
    const missing = await run('breach', 'people', 'import', id, join(dir, 'nope.csv'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
    expect((await run('breach', 'people', 'list', id)).stdout).toBe('0 person(s), 0 overdue');
  });
});
