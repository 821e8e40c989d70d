import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testApp, testSecret } from '../helpers/test-app.js';
import { main } from '../../src/cli/main.js';
import { openDatabase } from '../../src/entry/open-database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { access, writeRecords } from './log.js';

// The commands on an embedded database in a temporary folder, as `npx vigie …` would run them.
// Each command opens the on-disk embedded database and migrates it: slow on a busy machine.
describe('vigie relations import / vigie exposure report', { timeout: 120_000 }, () => {
  let dir: string;
  let env: Record<string, string>;
  const errors: string[] = [];
  const logs: string[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigie-exposure-'));
    // Importing relations is the admin's, reading the report the DPO's: the token carries both roles.
    env = { VIGIE_DATA_DIR: dir, VIGIE_LOG_LEVEL: 'silent', VIGIE_JWT_SECRET: testSecret, VIGIE_TOKEN: await testApp().token(['admin', 'dpo'], 'dpo-cli') };
    vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(String(line)));
    vi.spyOn(console, 'log').mockImplementation((line: string) => void logs.push(String(line)));
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  const count = async () => {
    const { db } = await openDatabase({ databaseUrl: undefined, databasePoolSize: 1, dataDir: dir });
    try {
      await migrateToLatest(db);
      return (await db.selectFrom('exposure_relation').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    } finally {
      await db.destroy();
    }
  };

  it('refuses a file with bad lines, naming each line, and stores nothing', async () => {
    const file = join(dir, 'bad.csv');
    await writeFile(file, 'principal,subject,valid_from,valid_to\nP1,C1,2019-01-01 00:00,\nP2,,2019-01-01 00:00,\nP3,C3,31/03/2020,\nP4,C4,2020-01-01 00:00,2019-01-01 00:00\n');
    errors.length = 0;
    expect(await main(['relations', 'import', file], env)).toBe(1);
    expect(errors).toContain(`${file} line 3: subject: must be a non-empty identifier of at most 200 characters`);
    expect(errors.some((e) => e.startsWith(`${file} line 4: valid_from:`))).toBe(true);
    expect(errors).toContain(`${file} line 5: valid_to: must be after validFrom`);
    expect(errors.at(-1)).toMatch(/3 bad line\(s\); nothing was imported/);
    expect(Number(await count())).toBe(0);
  });

  it('imports the good lines with --skip-bad-lines', async () => {
    const file = join(dir, 'bad.csv');
    expect(await main(['relations', 'import', file, '--skip-bad-lines'], env)).toBe(0);
    expect(logs.at(-1)).toBe(`imported 1 relation(s) from ${file} (1 new or changed); 3 bad line(s) skipped`);
    expect(Number(await count())).toBe(1);
  });

  it('writes the report as CSV for a local-time window', async () => {
    const { db } = await openDatabase({ databaseUrl: undefined, databasePoolSize: 1, dataDir: dir });
    await writeRecords(db, [
      access('2020-03-31T10:00:00Z', 'P1', ['C1']), // related since 2019
      access('2020-03-31T10:01:00Z', 'P9', ['C1'], { categories: ['identity', 'bank'] }),
      access('2020-03-31T14:00:00Z', 'P9', ['C1']), // 16:00 Paris: after the window
    ]);
    await db.destroy();
    const out = join(dir, 'report.csv');
    errors.length = 0;
    expect(await main(['exposure', 'report', '--from', '2020-03-31 11:45', '--to', '2020-03-31 15:15', '--out', out], env)).toBe(0);
    expect(await readFile(out, 'utf8')).toBe(
      'exposed_person,receiver,first_at,last_at,times,categories,reasons\nC1,P9,2020-03-31T12:01:00+02:00,2020-03-31T12:01:00+02:00,1,bank identity,not-entitled\n',
    );
    expect(errors.at(-1)).toMatch(/^1 people exposed to 1 receivers in 1 responses/);
  });

  it('vigie exposure check keeps the verdicts of the unchecked batches; the report then reads them', async () => {
    const progress: string[] = [];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => progress.push(String(chunk)) > 0);
    expect(await main(['exposure', 'check'], env)).toBe(0);
    write.mockRestore();
    expect(errors.at(-1)).toBe('checked 1 batch(es) of 1 stream(s): 2 illegitimate access(es) found and kept');
    expect(progress.at(-1)).toMatch(/^check: 100% \(1\/1, /);
    logs.length = 0;
    expect(await main(['exposure', 'report', '--from', '2020-03-31 11:45', '--to', '2020-03-31 15:15'], env)).toBe(0);
    const report = JSON.parse(logs.join('\n'));
    expect(report.covers.checks).toEqual({ keptStreams: 1, batchesCheckedNow: 0, principalsRecheckedNow: 0, everyRecordCheckedNow: false });
    expect(report.totals).toMatchObject({ peopleExposed: 1, receivers: 1, responses: 1 });
  });

  it('rejects a window that ends before it starts, naming the option', async () => {
    expect(await main(['exposure', 'report', '--from', '2020-03-31 15:15', '--to', '2020-03-31 11:45'], env)).toBe(2);
    expect(errors.at(-1)!.split('\n')[0]).toBe('vigie exposure report: --to must be after from');
    expect(await main(['exposure', 'report', '--from', '2020-03-31 11:45', '--to', '2020-03-31 15:15', '--zone', 'Mars/Olympus'], env)).toBe(2);
    expect(errors.at(-1)!.split('\n')[0]).toBe('vigie exposure report: --zone is not a known IANA time zone');
  });
});
