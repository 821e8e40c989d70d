import { spawn } from 'node:child_process';
import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from './processes.js';

/**
 * Runs the real `vigie` command (bin/vigie.js over the compiled dist/), the way a user starts it, and collects
 * what it prints. The compiled code is rebuilt first when a source file is newer than it: tests of the command
 * line must exercise what `npm start` and `npx vigie` run, not the TypeScript sources.
 */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export const binPath = join(repoRoot, 'bin/vigie.js');

async function newest(dir: string): Promise<number> {
  let latest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, await newest(path));
    else if (/\.tsx?$/.test(entry.name)) latest = Math.max(latest, (await stat(path)).mtimeMs);
  }
  return latest;
}

async function builtAt(): Promise<number> {
  try {
    return (await stat(join(repoRoot, 'dist/cli/main.js'))).mtimeMs;
  } catch {
    return 0;
  }
}

/** Compiles src/ into dist/ when it is older than the sources; one test file at a time (a lock directory). */
export async function ensureBuilt(): Promise<void> {
  if ((await builtAt()) >= (await newest(join(repoRoot, 'src')))) return;
  const lock = join(repoRoot, 'dist/.test-build-lock');
  await mkdir(join(repoRoot, 'dist'), { recursive: true });
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      // Another test file is building: wait for it, then look again.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const lockAge = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (lockAge > 180_000) await rmdir(lock).catch(() => {});
    }
  }
  try {
    if ((await builtAt()) >= (await newest(join(repoRoot, 'src')))) return;
    const result = await run(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {});
    if (result.code !== 0) throw new Error(`build failed:\n${result.stdout}\n${result.stderr}`);
  } finally {
    await rmdir(lock).catch(() => {});
  }
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Written to the command's standard input, then closed. */
  input?: string;
  timeoutMs?: number;
}

/** Any command, with the test's environment plus `env`; never a shell. */
export function run(command: string, args: string[], options: RunOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? repoRoot, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** `node bin/vigie.js …` with a quiet log unless the test says otherwise. */
export function vigie(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return run(process.execPath, [binPath, ...args], { ...options, env: { VIGIE_LOG_LEVEL: 'silent', ...options.env } });
}
