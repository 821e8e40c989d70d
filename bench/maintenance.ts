/**
 * The maintenance switch's cost on the request path: requests/s of a trivial route behind the switch
 * (`withMaintenance`, maintenance off) against the same app without it, and the switch as Hono middleware
 * (what an app pays for a middleware chain), on real Node servers, with the load
 * generator (autocannon's CLI) in another process. Rounds alternate the order of the variants so that
 * drift on a shared machine moves every variant alike. Target: ≥ 97 %.
 * Settings: BENCH_MAINTENANCE_ROUNDS (default 10), BENCH_MAINTENANCE_SECONDS per run (default 3).
 */
import { spawn } from 'node:child_process';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { systemClock } from '../src/clock.js';
import { decideMaintenance, type MaintenanceState } from '../src/maintenance/decide.js';
import { withMaintenance } from '../src/maintenance/fetch-gate.js';
import { maintenanceGate } from '../src/maintenance/gate.js';
import { parseScope, type ActiveWindow } from '../src/maintenance/window.js';
import type { Benchmark } from './index.js';

const root = new URL('..', import.meta.url).pathname;
const rounds = Number(process.env.BENCH_MAINTENANCE_ROUNDS ?? 10);
const seconds = Number(process.env.BENCH_MAINTENANCE_SECONDS ?? 3);

const policy = { adminPrefix: '/_vigie', exemptPaths: ['/healthz'], bypassRoles: ['sre', 'admin'], bypassNetworks: [], defaultRetryAfterSeconds: 300 };
const elsewhere: ActiveWindow = {
  id: 'w',
  scope: parseScope('/declarations')!,
  readOnly: false,
  reason: 'bench',
  publicMessage: null,
  startsAt: 0,
  plannedEnd: null,
  retryAfterSeconds: null,
  bypassSecretSha256: null,
};
const off: MaintenanceState = { windows: [], policy, source: 'database', loadedAt: 0 };
const otherPrefix: MaintenanceState = { windows: [elsewhere], policy, source: 'database', loadedAt: 0 };

type Fetch = (request: Request, env?: unknown) => Response | Promise<Response>;

/** A one-route app; with a state, the switch in front of it as `withMaintenance` (or, with `middleware`, as Hono middleware). */
function trivialApp(state: MaintenanceState | undefined, form: 'fetch' | 'middleware' = 'fetch'): Fetch {
  const app = new Hono();
  const options = { holder: { state: state! }, clock: systemClock, timeZone: 'Europe/Paris' };
  if (state && form === 'middleware') app.use('*', maintenanceGate(options));
  app.get('/hello', (c) => c.text('ok'));
  return state && form === 'fetch' ? withMaintenance(app.fetch, options) : app.fetch;
}

async function listen(fetch: Fetch): Promise<{ server: ServerType; port: number }> {
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}

/** Requests/s from autocannon's CLI (another process), and the count of non-2xx answers. */
function load(port: number, durationSeconds: number): Promise<{ rps: number; non2xx: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', [`${root}node_modules/autocannon/autocannon.js`, '-c', '32', '-d', String(durationSeconds), '-j', `http://127.0.0.1:${port}/hello`], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.once('error', reject);
    child.once('exit', () => {
      try {
        const result = JSON.parse(out) as { requests: { average: number }; non2xx: number };
        resolve({ rps: result.requests.average, non2xx: result.non2xx });
      } catch (error) {
        reject(error);
      }
    });
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function decideNanoseconds(state: MaintenanceState): number {
  const request = { method: 'GET', path: '/hello', now: Date.now() };
  const n = 2_000_000;
  let passed = 0;
  const started = performance.now();
  for (let i = 0; i < n; i++) if (decideMaintenance(state, request) === undefined) passed++;
  const elapsed = performance.now() - started;
  if (passed !== n) throw new Error('decideMaintenance blocked a request that should pass');
  return (elapsed * 1e6) / n;
}

/**
 * The same comparison without the network: app.fetch in this process, the variants alternating in short
 * slices (20 ms) so that a busy machine disturbs both alike. Returns fetches/s per variant.
 */
async function inProcessRates(apps: Fetch[], slices = 300): Promise<number[]> {
  const counts = apps.map(() => 0);
  const times = apps.map(() => 0);
  const request = () => new Request('http://localhost/hello');
  for (let slice = 0; slice < slices; slice++) {
    for (let i = 0; i < apps.length; i++) {
      const app = apps[(i + slice) % apps.length]!;
      const index = (i + slice) % apps.length;
      const started = performance.now();
      let n = 0;
      while (performance.now() - started < 20) {
        for (let k = 0; k < 50; k++) await app(request());
        n += 50;
      }
      counts[index]! += n;
      times[index]! += performance.now() - started;
    }
  }
  return counts.map((count, i) => (count / times[i]!) * 1000);
}

export const maintenanceBenchmark: Benchmark = {
  name: 'maintenance',
  title: 'requests/s of a trivial route behind the maintenance switch (off) vs without it',
  async run() {
    const variants = [
      { name: 'without the switch', ...(await listen(trivialApp(undefined))) },
      { name: 'maintenance off', ...(await listen(trivialApp(off))) },
      { name: 'window on /declarations only', ...(await listen(trivialApp(otherPrefix))) },
      { name: 'off, as Hono middleware', ...(await listen(trivialApp(off, 'middleware'))) },
    ];
    const figures = new Map<string, number[]>(variants.map((v) => [v.name, []]));
    try {
      if (rounds > 0) for (const v of variants) await load(v.port, 2); // warm-up (JIT, sockets)
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? variants : [...variants].reverse();
        const line: string[] = [];
        for (const v of order) {
          const { rps, non2xx } = await load(v.port, seconds);
          if (non2xx > 0) throw new Error(`${v.name}: ${non2xx} non-2xx answers`);
          figures.get(v.name)!.push(rps);
          line.push(`${v.name} ${Math.round(rps)}`);
        }
        console.log(`round ${round + 1}/${rounds}: ${line.join(' | ')}`);
      }
    } finally {
      for (const v of variants) v.server.close();
    }
    const base = figures.get('without the switch')!;
    if (rounds > 0) console.log('\n| variant | median req/s | mean req/s | ratio of medians | median of per-round ratios |');
    console.log('|---|---|---|---|---|');
    for (const v of rounds > 0 ? variants : []) {
      const values = figures.get(v.name)!;
      const perRound = values.map((value, i) => value / base[i]!);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      console.log(
        `| ${v.name} | ${Math.round(median(values))} | ${Math.round(mean)} | ${((median(values) / median(base)) * 100).toFixed(1)} % | ${(median(perRound) * 100).toFixed(1)} % |`,
      );
    }
    // A pass-through middleware shows what any middleware costs in Hono (a bare one-handler app skips the chain).
    const passThrough = new Hono();
    passThrough.use('*', (_c, next) => next());
    passThrough.get('/hello', (c) => c.text('ok'));
    const rates = await inProcessRates([trivialApp(undefined), passThrough.fetch, trivialApp(off), trivialApp(otherPrefix), trivialApp(off, 'middleware')]);
    const pct = (i: number) => `${Math.round(rates[i]!)}/s (${((rates[i]! / rates[0]!) * 100).toFixed(1)} %)`;
    console.log(
      `\nin-process app.fetch (no network, 300 × 20 ms slices alternating): without ${Math.round(rates[0]!)}/s, pass-through middleware ${pct(1)}, withMaintenance off ${pct(2)}, window elsewhere ${pct(3)}, maintenanceGate middleware off ${pct(4)}`,
    );
    console.log(`decideMaintenance in-process: ${decideNanoseconds(off).toFixed(1)} ns/call (no window), ${decideNanoseconds(otherPrefix).toFixed(1)} ns/call (a window elsewhere)`);
    console.log(`autocannon: 32 connections, ${seconds} s per run, ${rounds} rounds, order alternating; target ≥ 97 %`);
  },
};
