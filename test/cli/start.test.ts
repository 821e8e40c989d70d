import { mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { binPath, ensureBuilt, run, vigie } from '../helpers/cli.js';

// The ways people start the command (issue 15): each must run it, not exit 0 in silence.
describe('vigie runs however it is started', () => {
  beforeAll(ensureBuilt, 180_000);
  const offline = { npm_config_offline: 'true', npm_config_update_notifier: 'false' };

  const expectUsage = (result: { code: number | null; stdout: string; stderr: string }) => {
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('usage: vigie <command>');
    expect(result.code).toBe(0);
  };

  it('node bin/vigie.js --help', async () => {
    expectUsage(await vigie(['--help']));
  });

  it('npx vigie --help', async () => {
    expectUsage(await run('npx', ['--no-install', 'vigie', '--help'], { env: offline }));
  });

  it('npm exec vigie -- --help', async () => {
    expectUsage(await run('npm', ['exec', '--no', 'vigie', '--', '--help'], { env: offline }));
  });

  it('a global install: a symlink named vigie on the PATH, pointing to bin/vigie.js', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-global-'));
    await symlink(binPath, join(dir, 'vigie'));
    expectUsage(await run('vigie', ['--help'], { env: { PATH: `${dir}:${process.env.PATH}` } }));
    // And started by its full path, from another folder.
    expectUsage(await run(join(dir, 'vigie'), ['-h'], { cwd: dir }));
  });

  it('prints the token it mints when started by npx (the README\'s $(npx vigie token …))', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vigie-data-'));
    const result = await run('npx', ['--no-install', 'vigie', 'token', '--sub', 'alice', '--role', 'sre'], { env: { ...offline, VIGIE_DATA_DIR: dataDir, VIGIE_LOG_LEVEL: 'silent' } });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(result.code).toBe(0);
  });
});
