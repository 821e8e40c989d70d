import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark } from './index.js';

const root = new URL('..', import.meta.url).pathname;
const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Milliseconds from spawning `node bin/vigie.js serve` (the built CLI, as `npm start` runs it) to a 200 on healthz. */
async function timeToHealthy(env: Record<string, string>): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('node', ['bin/vigie.js', 'serve'], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', VIGIE_LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/_vigie/healthz`)).ok) return performance.now() - started;
      } catch {
        // not yet
      }
      if (performance.now() - started > 120_000) throw new Error('server did not start');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

export const startupBenchmark: Benchmark = {
  name: 'startup',
  title: 'start-up time of `vigie serve` (what `npm start` runs after its build step) to a 200 on /_vigie/healthz',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-startup-'));
    try {
      const fresh = await timeToHealthy({ VIGIE_DATA_DIR: dir, DATABASE_URL: '' });
      const warm = [];
      for (let i = 0; i < 3; i++) warm.push(await timeToHealthy({ VIGIE_DATA_DIR: dir, DATABASE_URL: '' }));
      const pg = [];
      for (let i = 0; i < 3; i++) pg.push(await timeToHealthy({ VIGIE_DATA_DIR: dir, DATABASE_URL: databaseUrl }));
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
      console.log('| database | start-up (ms) |\n|---|---|');
      console.log(`| embedded, first start (creates the database) | ${fresh.toFixed(0)} |`);
      console.log(`| embedded, existing data directory (median of 3) | ${median(warm).toFixed(0)} |`);
      console.log(`| PostgreSQL (median of 3) | ${median(pg).toFixed(0)} |`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
