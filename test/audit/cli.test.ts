import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/entry/open-database.js';
import { startProcess } from '../helpers/processes.js';

const cli = ['--import', 'tsx', 'src/cli/main.ts', 'audit'];
const dataDir = mkdtempSync(join(tmpdir(), 'vigie-audit-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const run = async (...args: string[]) => {
  const started = startProcess('node', [...cli, ...args], { VIGIE_DATA_DIR: dataDir, DATABASE_URL: '', VIGIE_LOG_LEVEL: 'warn' });
  const code = await started.exited;
  return { code, output: started.output() };
};

describe('vigie audit on the embedded database (real command line)', () => {
  it('generates synthetic traffic, verifies it, finds an edit behind its back, and refuses bad options', { timeout: 180_000 }, async () => {
    const generated = await run('generate', '--rows', '3000', '--days', '2', '--from', '2026-11-01T00:00:00Z');
    expect(generated.code).toBe(0);
    expect(generated.output).toMatch(/"rows":3000/);

    const intact = await run('verify');
    expect(intact.code).toBe(0);
    expect(intact.output).toMatch(/"ok": true/);

    const { db } = await openDatabase({ databaseUrl: undefined, databasePoolSize: 1, dataDir });
    try {
      await sql`alter table audit_batch disable trigger user`.execute(db);
      await sql`update audit_batch set records = (select jsonb_agg(case when r->>2 = 'gen-42-1234' then jsonb_set(r, '{4}', '"mallory"') else r end order by i)
        from jsonb_array_elements(records::jsonb) with ordinality as t(r, i))::text where records like '%"gen-42-1234"%'`.execute(db);
      await sql`alter table audit_batch enable trigger user`.execute(db);
    } finally {
      await db.destroy();
    }
    const tampered = await run('verify', '--from', '2026-11-01T00:00:00Z', '--to', '2026-11-04T00:00:00Z');
    expect(tampered.code).toBe(1);
    expect(tampered.output).toMatch(/"kind": "row-edited"/);

    const bad = await run('prune', '--before', 'yesterday');
    expect(bad.code).toBe(2);
    expect(bad.output).toContain('--before must be an ISO 8601 date');
  });
});
