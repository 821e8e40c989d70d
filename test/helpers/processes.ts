import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export const repoRoot = new URL('../../', import.meta.url).pathname;

/** A free TCP port on loopback. */
/**
 * A port free now, for a process that binds it later. Chosen below Linux's ephemeral range (32768–60999): a port
 * the kernel hands out for `listen(0)` can be taken, before the process binds it, as the local port of any
 * outgoing connection (a test's fetch, a database client), which once failed wrangler's start in CI with
 * "Address already in use". Outside that range only another explicit bind can take it.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canBind(port)) return port;
  }
  throw new Error('no free port found between 20000 and 32000');
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface Started {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code when the process ends by itself. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts a command and collects its output; stop() ends it and waits. */
export function startProcess(command: string, args: string[], env: Record<string, string | undefined>): Started {
  const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, signal);
        } catch {
          // already gone
        }
      }
      return exited;
    },
  };
}

/** Polls a URL until it answers 200, or fails after the deadline with what the process printed. */
export async function waitForOk(url: string, timeoutMs: number, started?: Started): Promise<number> {
  const begin = performance.now();
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return performance.now() - begin;
    } catch {
      // not listening yet
    }
    if (started && started.child.exitCode !== null) throw new Error(`process exited early:\n${started.output()}`);
    if (performance.now() - begin > timeoutMs) throw new Error(`no 200 from ${url} within ${timeoutMs} ms:\n${started?.output() ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
