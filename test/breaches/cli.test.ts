import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/databases.js';

// The CLI writes to DATABASE_URL: it runs against a schema of its own on the test PostgreSQL.
describe.skipIf(!testDatabaseUrl)('vigie breach (command line)', () => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    database = await openTestDatabase('postgresql');
    const url = new URL(testDatabaseUrl!);
    url.searchParams.set('options', `-c search_path=${database.schema}`);
    env = { DATABASE_URL: url.toString(), VIGIE_TIMEZONE: 'Europe/Paris', USER: 'dora', VIGIE_LOG_LEVEL: 'silent' };
  });
  afterAll(() => database.close());

  async function run(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...parts) => void out.push(parts.join(' ')));
    const error = vi.spyOn(console, 'error').mockImplementation((...parts) => void err.push(parts.join(' ')));
    try {
      const code = await main(argv, env);
      return { code, out: out.join('\n'), err: err.join('\n') };
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  }

  it('opens, adds an event, assesses, decides, shows, lists and exports', async () => {
    const opened = await run('breach', 'open', '--title', 'Clé USB volée', '--aware', '2026-03-27 16:00', '--nature', 'confidentiality', '--reason', 'Vol signalé');
    expect(opened.code).toBe(0);
    expect(opened.out).toContain('GDPR Art. 33 — CNIL — Notification to the CNIL: 2026-03-30 17:00 +02:00');
    const id = /breach (\d+) opened/.exec(opened.out)![1]!;
    expect((await run('breach', 'event', id, '--kind', 'contained', '--at', '2026-03-27 18:30', '--summary', 'Comptes révoqués')).code).toBe(0);
    const dir = await mkdtemp(join(tmpdir(), 'vigie-breach-'));
    const input = join(dir, 'assessment.json');
    await writeFile(input, JSON.stringify({ dataCategories: ['contact'], easeOfIdentification: 'maximum', confidentiality: 'unknown-recipients', malicious: true, unintelligible: true }));
    const assessed = await run('breach', 'assess', id, '--input', input);
    expect(assessed.out).toContain('SE = 1 × 1 + 1 = 2 (medium)');
    expect(assessed.out).toContain('Do not notify');
    const refused = await run('breach', 'decide', id, '--authority', 'not-notify', '--people', 'not-inform', '--justification', 'non');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('justification');
    const decided = await run('breach', 'decide', id, '--authority', 'not-notify', '--people', 'not-inform', '--justification', 'Chiffrement intégral AES-256, clé restée au coffre');
    expect(decided.code).toBe(0);
    const shown = await run('breach', 'show', id);
    expect(shown.out).toContain('| 2026-03-27 18:30 +01:00 | Comptes révoqués | cli:dora |');
    expect(shown.out).toContain('not-required');
    const listed = await run('breach', 'list');
    expect(listed.out).toMatch(new RegExp(`${id}\\s+open\\s+GDPR 2026-03-30 17:00 \\+02:00 not-required`));
    const csv = await run('breach', 'export', '--format', 'csv');
    expect(csv.out.split('\r\n')[0]).toContain('id,title,status');
    expect((await run('breach', 'show', '999999')).err).toContain('No breach 999999');
    expect((await run('breach', 'event', id, '--kind', 'nope', '--at', '2026-03-27 18:30', '--summary', 'x')).code).toBe(2);
  });
});
