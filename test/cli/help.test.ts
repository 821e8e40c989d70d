import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands.js';
import type { LeafCommand, OptionSpecs } from '../../src/cli/spec.js';
import { ensureBuilt, vigie } from '../helpers/cli.js';
import { runInProcess } from '../helpers/cli-in-process.js';
import { freePort } from '../helpers/processes.js';

// Every command and subcommand, from the same list `vigie` dispatches on.
const leaves: { path: string; leaf: LeafCommand<OptionSpecs> }[] = commands.flatMap((c) =>
  c.kind === 'group' ? c.subcommands.map((leaf) => ({ path: `${c.name} ${leaf.name}`, leaf })) : [{ path: c.name, leaf: c }],
);

describe('--help and -h on every command and subcommand', () => {
  it.each(leaves.map((l) => [l.path, l.leaf] as const))('vigie %s --help: its usage with every option on stdout, exit 0', async (path, leaf) => {
    for (const flag of ['--help', '-h']) {
      const result = await runInProcess([...path.split(' '), flag]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`usage: vigie ${path}`);
      for (const name of Object.keys(leaf.options)) expect(result.stdout).toContain(`--${name}`);
    }
  });

  it.each(commands.filter((c) => c.kind === 'group').map((c) => [c.name] as const))('vigie %s --help lists each subcommand with its options', async (name) => {
    const group = commands.find((c) => c.name === name)!;
    const result = await runInProcess([name, '--help']);
    expect(result.code).toBe(0);
    if (group.kind !== 'group') throw new Error('not a group');
    for (const sub of group.subcommands) {
      expect(result.stdout).toContain(`usage: vigie ${name} ${sub.name}`);
      for (const option of Object.keys(sub.options)) expect(result.stdout).toContain(`--${option}`);
    }
  });

  it.each(leaves.map((l) => [l.path] as const))('vigie %s --no-such-option: the usage on stderr, exit 2, nothing done', async (path) => {
    const result = await runInProcess([...path.split(' '), '--no-such-option']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("Unknown option '--no-such-option'");
    expect(result.stderr).toContain(`usage: vigie ${path}`);
  });

  it('an unknown command or subcommand: the usage on stderr, exit 2', async () => {
    expect(await runInProcess(['nope'])).toMatchObject({ code: 2, stdout: '' });
    const sub = await runInProcess(['breach', 'nope']);
    expect(sub).toMatchObject({ code: 2, stdout: '' });
    expect(sub.stderr).toContain('unknown subcommand "nope"');
  });
});

describe('help never acts (the real command)', () => {
  beforeAll(ensureBuilt, 180_000);

  it('serve --help prints its usage and exits: no server starts', async () => {
    const port = await freePort();
    const dataDir = await mkdtemp(join(tmpdir(), 'vigie-help-'));
    const result = await vigie(['serve', '--help'], { env: { PORT: String(port), VIGIE_DATA_DIR: dataDir }, timeoutMs: 30_000 });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('usage: vigie serve');
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('migrate --help prints its usage and exits: the database is not touched', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vigie-help-'));
    const result = await vigie(['migrate', '-h'], { env: { VIGIE_DATA_DIR: dataDir, DATABASE_URL: '' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('usage: vigie migrate');
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('an unknown option: one line naming it, the usage on stderr, exit 2', async () => {
    const result = await vigie(['token', '--sub', 'alice', '--role', 'dpo', '--rol', 'sre']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe("vigie token: Unknown option '--rol'");
    expect(result.stderr).toContain('--ttl DURATION');
  });
});
