import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintStaffToken } from '../../src/auth/mint-staff-token.js';
import { binPath, ensureBuilt, run, vigie } from '../helpers/cli.js';
import { freePort, startProcess, waitForOk, type Started } from '../helpers/processes.js';
import { testSecret } from '../helpers/test-app.js';

// The embedded database is opened by one process at a time (issue 15): real processes, a real data folder.
describe('the embedded database folder is locked by the process that opened it', () => {
  let dataDir: string;
  let server: Started | undefined;
  let env: Record<string, string>;
  let token: string;

  beforeAll(async () => {
    await ensureBuilt();
    dataDir = await mkdtemp(join(tmpdir(), 'vigie-lock-'));
    env = { VIGIE_DATA_DIR: dataDir, DATABASE_URL: '', VIGIE_JWT_SECRET: testSecret, HOST: '127.0.0.1', VIGIE_LOG_LEVEL: 'warn' };
    token = await mintStaffToken({ secret: testSecret, issuer: 'vigie', audience: 'vigie', rolesClaim: 'roles', subject: 'dora', roles: ['dpo'], ttlSeconds: 900 });
  }, 180_000);
  afterAll(async () => {
    await server?.stop('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a second opener gets one clear line and a non-zero exit while the server runs; once it stops, the folder is free', async () => {
    const port = await freePort();
    server = startProcess(process.execPath, [binPath, 'serve'], { ...env, PORT: String(port) });
    await waitForOk(`http://127.0.0.1:${port}/_vigie/healthz`, 170_000, server);
    const lock = await readFile(join(dataDir, 'vigie.lock'), 'utf8');
    expect(lock).toBe(`${server.child.pid}\n${hostname()}\n`);

    const cli = await vigie(['breach', 'list', '--token', token], { env });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toBe('');
    expect(cli.stderr.trim().split('\n')).toHaveLength(1);
    expect(cli.stderr).toContain(`is open in another process (pid ${server.child.pid})`);
    expect(cli.stderr).toContain('--url http://localhost:8080');

    const second = await vigie(['serve'], { env: { ...env, PORT: String(await freePort()) } });
    expect(second.code).not.toBe(0);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).toContain('is open in another process');

    // The same command through the running server works: that is what the line says to do.
    const viaUrl = await vigie(['breach', 'list', '--url', `http://127.0.0.1:${port}`, '--token', token], { env });
    expect(viaUrl).toMatchObject({ code: 0, stdout: 'the register is empty\n' });

    expect(await server.stop('SIGTERM')).toBe(0);
    server = undefined;
    expect(existsSync(join(dataDir, 'vigie.lock'))).toBe(false);
    const after = await vigie(['breach', 'list', '--token', token], { env, timeoutMs: 170_000 });
    expect(after).toMatchObject({ code: 0, stdout: 'the register is empty\n' });
    expect(existsSync(join(dataDir, 'vigie.lock'))).toBe(false);
  }, 400_000);

  it('takes over a lock left by a process that died', async () => {
    const dead = await run(process.execPath, ['-e', 'console.log(process.pid)'], {});
    const pid = Number(dead.stdout.trim());
    await writeFile(join(dataDir, 'vigie.lock'), `${pid}\n${hostname()}\n`);
    const migrated = await vigie(['migrate'], { env, timeoutMs: 170_000 });
    expect(migrated.stderr).toBe('');
    expect(migrated.code).toBe(0);
    expect(existsSync(join(dataDir, 'vigie.lock'))).toBe(false);
  }, 200_000);
});
