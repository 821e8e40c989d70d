/**
 * The console's speed (issue 18): server render of every page on PostgreSQL with a 30,000-person breach and a
 * BENCH_CONSOLE_RECORDS-record access log (10 million by default), against the 50 ms p95 target; the exposure
 * chart's data for a 3 h 30 window against 1 s; the situation page's first load in Chromium against 1 s.
 *
 * Pages are rendered through the real app in process (app.request with a session cookie), interleaved with a
 * baseline in the same rounds (/_vigie/healthz, and the page's own JSON API route where it has one), so that
 * every figure is a ratio as well as a time. The first load is measured on a real `startServer` over loopback.
 * The data set lives in its own schema, dropped at the end unless BENCH_CONSOLE_KEEP=1 (a kept one is reused).
 */
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { chromium, type BrowserContext } from 'playwright-core';
import { createApp } from '../src/app.js';
import { mintStaffToken } from '../src/auth/mint-staff-token.js';
import { createStaffTokenVerifier } from '../src/auth/verify-staff-token.js';
import { parseConfig, type Config } from '../src/config.js';
import { consolePages } from '../src/console/pages/index.js';
import { mintLoginLink } from '../src/console/session/login-links.js';
import { migrateToLatest } from '../src/db/migrate.js';
import type { Db } from '../src/db/database.js';
import type { AppDeps } from '../src/deps.js';
import { nodeConsoleAssets } from '../src/entry/console-assets.js';
import { deliveryDeps } from '../src/entry/delivery-ports.js';
import { startServer } from '../src/entry/node.js';
import { openDatabase } from '../src/entry/open-database.js';
import { exposureMinuteSeries } from '../src/exposure/minute-series.js';
import { buildExposureReport } from '../src/exposure/report.js';
import { silentLogger } from '../src/logger.js';
import { findConsoleData, seedConsoleData, type ConsoleData } from './console-data.js';
import type { Benchmark } from './index.js';

const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const records = Number(process.env.BENCH_CONSOLE_RECORDS ?? 10_000_000);
const people = Number(process.env.BENCH_CONSOLE_PEOPLE ?? 30_000);
const renders = Number(process.env.BENCH_CONSOLE_RENDERS ?? 30);
const loads = Number(process.env.BENCH_CONSOLE_LOADS ?? 5);
const keep = process.env.BENCH_CONSOLE_KEEP === '1';
const chromiumPath = process.env.VIGIE_CHROMIUM ?? '/usr/bin/chromium';
const schema = `bench_console_${records}`;
const env = {
  VIGIE_LOG_LEVEL: 'silent',
  VIGIE_JWT_SECRET: 'bench-jwt-secret-of-at-least-32-characters',
  VIGIE_CONSOLE_SESSION_KEY: 'bench-console-session-key-0123456789abcdef',
  VIGIE_EXPOSURE_BROAD_ROLES: 'agent',
};

/**
 * One line per console page: its path under /_vigie/console (from the data set), the JSON API route that
 * answers the same question (measured beside it), and a piece of its HTML that shows it rendered in full.
 * A page without a line here is named in the output as not measured.
 */
interface PageCase {
  page: string;
  path(d: ConsoleData): string;
  api?(d: ConsoleData): string;
  marker: string;
  /** p95 target in ms: 50 for a page's render; the exposure chart's data (its own route) has 1 s. */
  target?: number;
}
const windowQuery = (d: ConsoleData) => `from=${d.window.from.toISOString()}&to=${d.window.to.toISOString()}`;
const cases: PageCase[] = [
  { page: '/', path: () => '', api: () => '/maintenance/state', marker: 'id="campaigns"' },
  { page: '/maintenance', path: () => '/maintenance', api: () => '/maintenance/windows', marker: 'id="start-form"' },
  { page: '/exposure', path: (d) => `/exposure?${windowQuery(d)}`, api: (d) => `/exposure/report?${windowQuery(d)}`, marker: 'id="exposure-data"' },
  { page: '/exposure/series', path: (d) => `/exposure/series?${windowQuery(d)}`, marker: '"personal"', target: 1000 },
  { page: '/breaches', path: () => '/breaches', api: () => '/breaches', marker: 'id="register"' },
  { page: '/breaches/:id', path: (d) => `/breaches/${d.breachId}`, api: (d) => `/breaches/${d.breachId}`, marker: 'id="population-total"' },
  { page: '/breaches/:id/drafts/:draftId', path: (d) => `/breaches/${d.breachId}/drafts/${d.draftId}`, api: (d) => `/drafts/${d.draftId}`, marker: 'id="preview-title"' },
  { page: '/campaigns', path: () => '/campaigns', marker: 'id="campaigns"' },
  { page: '/campaigns/:id', path: (d) => `/campaigns/${d.campaignId}`, api: (d) => `/delivery/campaigns/${d.campaignId}`, marker: 'id="campaign-facts"' },
  { page: '/campaigns/:id/series', path: (d) => `/campaigns/${d.campaignId}/series`, marker: '"campaign-chart-all"', target: 1000 },
  { page: '/playbooks', path: () => '/playbooks', api: (d) => `/breaches/${d.breachId}/playbooks`, marker: 'id="task-' },
];

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
};
/** The machine's load when a part starts: figures taken on a shared machine are read with it. */
const load = () => `load average ${loadavg().map((n) => n.toFixed(1)).join(' ')}`;
const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));

async function timedRequest(app: ReturnType<typeof createApp>, path: string, headers: Record<string, string>, marker?: string): Promise<number> {
  const started = performance.now();
  const res = await app.request(path, { headers });
  const body = await res.text();
  const elapsed = performance.now() - started;
  if (res.status !== 200 || (marker && !body.includes(marker))) throw new Error(`${path} answered ${res.status}${marker ? ` without ${marker}` : ''}: ${body.slice(0, 300)}`);
  return elapsed;
}

/** Server render of each page, N rounds, each round: baseline, page, its API route (in turn, so load moves them together). */
async function measureRenders(db: Db, config: Config, data: ConsoleData): Promise<void> {
  const deps: AppDeps = {
    config,
    db,
    clock: { now: () => data.now },
    logger: silentLogger,
    staffTokenVerifier: createStaffTokenVerifier(config.jwt),
    consoleAssets: nodeConsoleAssets(),
    delivery: deliveryDeps({ db, clock: { now: () => data.now }, config }),
  };
  const app = createApp(deps);
  // A session as a login link opens one (the DPO who is also SRE and communications: every part of every page).
  const roles = ['dpo', 'sre', 'comms'];
  const link = await mintLoginLink(deps, { subject: 'bench-reader', roles }, { subject: 'bench', roles: ['admin'] });
  const signedIn = await app.request(link.path, { method: 'POST' });
  if (signedIn.status !== 303) throw new Error(`the login link answered ${signedIn.status}`);
  const cookie = { Cookie: signedIn.headers.get('set-cookie')!.split(';')[0]! };
  const token = await mintStaffToken({ secret: env.VIGIE_JWT_SECRET, issuer: config.jwt.issuer, audience: config.jwt.audience, rolesClaim: config.jwt.rolesClaim, subject: 'bench-reader', roles: ['dpo', 'sre', 'comms'], ttlSeconds: 3600, now: new Date() });
  const bearer = { Authorization: `Bearer ${token}` };
  const prefix = config.adminPrefix;

  const times = new Map<string, number[]>();
  const add = (key: string, value: number) => (times.get(key) ?? times.set(key, []).get(key)!).push(value);
  // Two warm-up rounds (connections, caches, JIT), not counted.
  for (let round = -2; round < renders; round++) {
    for (const one of cases) {
      const health = await timedRequest(app, `${prefix}/healthz`, {});
      const page = await timedRequest(app, `${prefix}/console${one.path(data)}`, cookie, one.marker);
      const api = one.api ? await timedRequest(app, `${prefix}${one.api(data)}`, bearer) : undefined;
      if (round < 0) continue;
      add(`${one.page}:health`, health);
      add(`${one.page}:page`, page);
      if (api !== undefined) add(`${one.page}:api`, api);
    }
  }
  console.log(`\nServer render, ${renders} renders each through app.request (signed-in session, roles dpo+sre+comms), interleaved with /_vigie/healthz and the page's API route (${load()}):\n`);
  console.log('| page | p50 | p95 | target p95 | healthz p50 | API route | API p50 | page ÷ healthz (p50) | page ÷ API (p50) |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const one of cases) {
    const page = times.get(`${one.page}:page`)!;
    const health = times.get(`${one.page}:health`)!;
    const api = times.get(`${one.page}:api`);
    const p95 = quantile(page, 0.95);
    const target = one.target ?? 50;
    console.log(
      `| ${one.page} | ${ms(quantile(page, 0.5))} ms | **${ms(p95)} ms** | ≤ ${target < 1000 ? `${target} ms` : `${target / 1000} s`} ${p95 <= target ? 'met' : 'MISSED'} | ${ms(quantile(health, 0.5))} ms | ${one.api ? `GET ${one.api(data).split('?')[0]}` : '—'} | ${api ? `${ms(quantile(api, 0.5))} ms` : '—'} | ${(quantile(page, 0.5) / quantile(health, 0.5)).toFixed(0)} × | ${api ? `${(quantile(page, 0.5) / quantile(api, 0.5)).toFixed(2)} ×` : '—'} |`,
    );
  }
  const left = consolePages.filter((p) => !cases.some((one) => one.page === p.path)).map((p) => p.path);
  console.log(`\nconsole pages: ${consolePages.map((p) => p.path).join(', ')}; measured: ${cases.map((one) => one.page).join(', ')}${left.length > 0 ? `; NOT measured (add a line to bench/console.ts): ${left.join(', ')}` : ''}`);
}

/** The exposure chart's data (the minute series) and the report beside it, for the 3 h 30 window, N times. */
async function measureChart(db: Db, config: Config, data: ConsoleData): Promise<void> {
  const window = { ...data.window, zone: config.timeZone, notes: [] };
  const broadRoles = config.exposure.broadRoles;
  const series: number[] = [];
  const reports: number[] = [];
  let exposed = 0;
  let others = 0;
  const n = Math.max(5, Math.round(renders / 3));
  for (let i = -1; i < n; i++) {
    let started = performance.now();
    const s = await exposureMinuteSeries(db, window, { broadRoles });
    const seriesMs = performance.now() - started;
    started = performance.now();
    const report = await buildExposureReport(db, window, { broadRoles, now: data.now });
    const reportMs = performance.now() - started;
    if (i < 0) continue;
    series.push(seriesMs);
    reports.push(reportMs);
    exposed = report.totals.peopleExposed;
    others = s.others.reduce((a, b) => a + b, 0);
  }
  console.log(`\nExposure chart data, 3 h 30 window (${data.window.from.toISOString()} → ${data.window.to.toISOString()}), ${n} runs: ${others} responses showing someone else's data, ${exposed} people exposed (${load()})\n`);
  console.log('| measure | p50 | p95 | target |');
  console.log('|---|---|---|---|');
  console.log(`| chart data (exposureMinuteSeries) | ${ms(quantile(series, 0.5))} ms | **${ms(quantile(series, 0.95))} ms** | ≤ 1 s ${quantile(series, 0.95) <= 1000 ? 'met' : 'MISSED'} |`);
  console.log(`| the exposure report beside it (buildExposureReport) | ${ms(quantile(reports, 0.5))} ms | ${ms(quantile(reports, 0.95))} ms | |`);
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

interface Load {
  loadMs: number;
  transferred: number;
  decoded: number;
  requests: number;
}

async function loadSituation(context: BrowserContext, url: string): Promise<Load> {
  const page = await context.newPage();
  try {
    await page.goto(url, { waitUntil: 'load' });
    if (!page.url().startsWith(url)) throw new Error(`the situation page sent the browser to ${page.url()}`);
    return await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const all = [nav, ...resources];
      return {
        loadMs: nav.loadEventEnd - nav.startTime,
        transferred: all.reduce((sum, r) => sum + r.transferSize, 0),
        decoded: all.reduce((sum, r) => sum + r.decodedBodySize, 0),
        requests: all.filter((r) => r.transferSize > 0).length,
      };
    });
  } finally {
    await page.close();
  }
}

/** First load of the situation page in Chromium against a real `startServer` on loopback, then again from cache. */
async function measureFirstLoad(db: Db): Promise<void> {
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const dataDir = join(tmpdir(), `vigie-bench-console-${process.pid}`);
  const serverEnv = {
    ...env,
    DATABASE_URL: url.toString(),
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    VIGIE_DATA_DIR: dataDir,
    // The data set's checks are done and its campaign must not really send: no background work beside the page.
    VIGIE_EXPOSURE_LIVE: 'false',
    VIGIE_DELIVERY_WORKER: 'false',
  };
  const config = parseConfig(serverEnv);
  const server = await startServer(config, serverEnv);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const base = `http://127.0.0.1:${server.port}`;
    const situation = `${base}${config.adminPrefix}/console`;
    const first: Load[] = [];
    const again: Load[] = [];
    for (let i = -1; i < loads; i++) {
      // A new browser profile each time (empty cache), signed in by its session cookie alone.
      const link = await mintLoginLink({ db, clock: { now: () => new Date() }, config }, { subject: 'bench-reader', roles: ['dpo', 'sre', 'comms'] }, { subject: 'bench', roles: ['admin'] });
      const opened = await fetch(`${base}${link.path}`, { method: 'POST', redirect: 'manual' });
      const [name, value] = opened.headers.get('set-cookie')!.split(';')[0]!.split('=') as [string, string];
      const context = await browser.newContext({ locale: 'fr-FR' });
      await context.addCookies([{ name, value, url: base }]);
      const cold = await loadSituation(context, situation);
      const warm = await loadSituation(context, situation);
      await context.close();
      if (i < 0) continue;
      first.push(cold);
      again.push(warm);
    }
    const row = (label: string, list: Load[]) => {
      const p50 = quantile(list.map((l) => l.loadMs), 0.5);
      const worst = Math.max(...list.map((l) => l.loadMs));
      const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
      console.log(`| ${label} | ${ms(p50)} ms | ${ms(worst)} ms | ${kb(quantile(list.map((l) => l.transferred), 0.5))} | ${kb(quantile(list.map((l) => l.decoded), 0.5))} | ${quantile(list.map((l) => l.requests), 0.5)} | ≤ 1 s ${worst <= 1000 ? 'met' : 'MISSED'} |`);
    };
    console.log(`\nSituation page in Chromium against startServer on loopback (${loads} fresh profiles; load event from navigation start; ${load()}):\n`);
    console.log('| load | median | worst | bytes over the wire | bytes decoded | requests that transferred | target |');
    console.log('|---|---|---|---|---|---|---|');
    row('first (empty cache)', first);
    row('second (cached assets)', again);
  } finally {
    await browser.close();
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export const consoleBenchmark: Benchmark = {
  name: 'console',
  title: `console pages on PostgreSQL: a ${people.toLocaleString('en')}-person breach, a ${records.toLocaleString('en')}-record access log`,
  async run() {
    const admin = (await openDatabase({ databaseUrl, databasePoolSize: 1, dataDir: '' })).db;
    await sql`create schema if not exists ${sql.id(schema)}`.execute(admin);
    const { db } = await openDatabase({ databaseUrl, databasePoolSize: 10, dataDir: '' }, { schema });
    const config = parseConfig(env);
    try {
      await migrateToLatest(db);
      let data = await findConsoleData(db, records);
      if (data) console.log(`data set: kept in schema ${schema} (BENCH_CONSOLE_KEEP), read again`);
      else data = await seedConsoleData(db, config, { databaseUrl, schema, records, people, log: (line) => console.log(line) });
      await measureRenders(db, config, data);
      await measureChart(db, config, data);
      await measureFirstLoad(db);
    } finally {
      await db.destroy();
      if (!keep) await sql`drop schema ${sql.id(schema)} cascade`.execute(admin);
      await admin.destroy();
    }
  },
};
