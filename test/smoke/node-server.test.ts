import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startProcess, waitForOk } from '../helpers/processes.js';

const cli = ['--import', 'tsx', 'src/cli/main.ts'];
const dataDir = mkdtempSync(join(tmpdir(), 'vigie-smoke-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('vigie serve on the embedded database (real Node server)', () => {
  it('serves health and readiness, mints a token that the server accepts, and stops on SIGTERM', async () => {
    const port = await freePort();
    const server = startProcess('node', [...cli, 'serve'], { PORT: String(port), HOST: '127.0.0.1', VIGIE_DATA_DIR: dataDir, DATABASE_URL: '' });
    try {
      await waitForOk(`http://127.0.0.1:${port}/_vigie/healthz`, 60_000, server);
      const ready = await fetch(`http://127.0.0.1:${port}/_vigie/readyz`);
      expect(await ready.json()).toEqual({ status: 'ready', database: 'ok', migrations: 'current' });
      // The development key was kept in the data directory, readable by its owner only.
      expect(statSync(join(dataDir, 'jwt-secret')).mode & 0o077).toBe(0);

      const minted = startProcess('node', [...cli, 'token', '--sub', 'alice', '--role', 'auditor', '--ttl', '5m'], { VIGIE_DATA_DIR: dataDir });
      expect(await minted.exited).toBe(0);
      const token = minted.output().trim().split('\n').pop()!;
      const whoami = await fetch(`http://127.0.0.1:${port}/_vigie/whoami`, { headers: { Authorization: `Bearer ${token}` } });
      expect(whoami.status).toBe(200);
      expect(await whoami.json()).toEqual({ subject: 'alice', roles: ['auditor'] });
    } finally {
      const code = await server.stop('SIGTERM');
      expect(code).toBe(0);
    }
    expect(server.output()).toMatch(/"msg":"listening".*"engine":"embedded"/);
    // A first embedded start creates the database: allow for a loaded CI machine.
  }, 120_000);

  it('refuses a bad setting with one line naming the variable, and exit code 2', async () => {
    const server = startProcess('node', [...cli, 'serve'], { PORT: 'eighty', VIGIE_DATA_DIR: dataDir });
    const code = await server.exited;
    expect(code).toBe(2);
    expect(server.output().trim()).toMatch(/^vigie: configuration error: PORT .+$/m);
    expect(server.output()).not.toMatch(/\n\s+at /);
  });

  it('refuses a token request without a known role', async () => {
    const minted = startProcess('node', [...cli, 'token', '--sub', 'alice', '--role', 'root'], { VIGIE_DATA_DIR: dataDir });
    const code = await minted.exited;
    expect(code).toBe(2);
    expect(minted.output()).toContain('--role must be one or more of sre, dpo, comms, auditor, admin');
  });
});
