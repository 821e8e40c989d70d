/**
 * The access log's cost, on real servers with the load (wrk) from another process, side by side in one run:
 *  1. a personal-data route that reads one PostgreSQL row by key, each client a user reading their own record
 *     with their bearer token: no log / strict / async (targets: strict ≥ 85 % of no-log throughput with
 *     ≤ 5 ms added p99; async ≥ 95 %); and strict with receivers unidentified, where every response is an
 *     exposure copied for the report (the cost when all traffic shows someone else's data);
 *  2. the gateway (`vigie serve` with VIGIE_UPSTREAM: maintenance + strict log + live detection) against the
 *     barest node:http proxy (bench/raw-proxy.ts; target ≥ 90 % of it), with nginx proxy_pass (keepalive
 *     upstream, access_log on) printed beside, all in front of the same origin, users reading their own page;
 *  3. the time to generate and insert synthetic records through the real writer.
 * Settings: BENCH_DATABASE_URL, BENCH_AUDIT_ROUNDS (15), BENCH_AUDIT_SECONDS (3), BENCH_AUDIT_CONNECTIONS (128),
 * BENCH_AUDIT_ROWS (1000000; the issue's figure is 10000000), BENCH_AUDIT_ONLY (route, gateway or generator:
 * one part alone).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { generateAccessLog } from '../src/audit/generate.js';
import { createDb } from '../src/db/create-db.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createNodeAuditCrypto } from '../src/entry/node-audit-crypto.js';
import { benchPrincipalSecret, benchTokens } from './audit-tokens.js';
import { cpuAccounting, postgresCpuMs, treeCpuMs } from './process-cpu.js';
import { median, nginxConfig, start, waitForPort, wrk, type Child, type LoadResult } from './load.js';
import { freePort } from '../test/helpers/processes.js';
import type { Benchmark } from './index.js';

const databaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const rounds = Number(process.env.BENCH_AUDIT_ROUNDS ?? 15);
const seconds = Number(process.env.BENCH_AUDIT_SECONDS ?? 3);
const connections = Number(process.env.BENCH_AUDIT_CONNECTIONS ?? 128);
const generatedRows = Number(process.env.BENCH_AUDIT_ROWS ?? 1_000_000);
const only = process.env.BENCH_AUDIT_ONLY;
if (only !== undefined && !['route', 'gateway', 'generator'].includes(only)) throw new Error('BENCH_AUDIT_ONLY must be route, gateway or generator');
const runs = (part: string) => only === undefined || only === part;

/** One wrk run, with the CPU the process under load (pid) and PostgreSQL spent per request. */
async function measure(url: string, script: string, durationSeconds: number, pid: number | undefined): Promise<LoadResult> {
  const before = cpuAccounting && pid ? { service: treeCpuMs(pid), postgres: postgresCpuMs() } : undefined;
  const result = await wrk(url, script, durationSeconds, connections);
  if (!before || !pid || result.requests === 0) return result;
  const perRequest = (ms: number) => (ms * 1000) / result.requests;
  return { ...result, serviceUs: perRequest(treeCpuMs(pid) - before.service), postgresUs: perRequest(postgresCpuMs() - before.postgres) };
}

const cpuCell = (values: (number | undefined)[]) => {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length ? `${Math.round(median(known))} µs` : '—';
};

async function compare(
  title: string,
  variants: { name: string; url: string; pid?: number | undefined }[],
  script: string,
  baseName: string,
  warmUp: { script: string; seconds: number } = { script, seconds: 2 },
): Promise<Map<string, LoadResult[]>> {
  const results = new Map<string, LoadResult[]>(variants.map((v) => [v.name, []]));
  for (const v of variants) await wrk(v.url, warmUp.script, warmUp.seconds, connections); // JIT, pools, sockets, token cache
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    const line: string[] = [];
    for (const v of order) {
      const result = await measure(v.url, script, seconds, v.pid);
      results.get(v.name)!.push(result);
      const cpu = result.serviceUs === undefined ? '' : ` cpu ${Math.round(result.serviceUs)}+${Math.round(result.postgresUs ?? 0)} µs`;
      line.push(`${v.name} ${Math.round(result.rps)} req/s p99 ${result.p99.toFixed(2)} ms${cpu}${result.errors ? ` (${result.errors} errors)` : ''}`);
    }
    console.log(`${title} round ${round + 1}/${rounds}: ${line.join(' | ')}`);
  }
  const base = results.get(baseName)!;
  // Paired per round: each variant against the base measured in the same round, seconds apart, so that the
  // machine's swings (other engineers' work, CPU frequency) move both sides of a ratio together; the median of
  // those ratios resists a round spoiled by a burst elsewhere.
  const paired = (values: LoadResult[], pick: (r: LoadResult) => number) => median(values.map((r, i) => pick(r) / pick(base[i]!)));
  console.log(`\n| ${title} (${rounds} rounds of ${seconds} s) | median req/s | median of paired ratios | ratio of medians | median p99 | added p99 (paired median) | service CPU / req | PostgreSQL CPU / req | errors |`);
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const v of variants) {
    const values = results.get(v.name)!;
    const rps = median(values.map((r) => r.rps));
    const addedP99 = median(values.map((r, i) => r.p99 - base[i]!.p99));
    console.log(
      `| ${v.name} | ${Math.round(rps)} | **${(paired(values, (r) => r.rps) * 100).toFixed(1)} %** | ${((rps / median(base.map((r) => r.rps))) * 100).toFixed(1)} % | ${median(values.map((r) => r.p99)).toFixed(2)} ms | ${v.name === baseName ? '—' : `${addedP99.toFixed(2)} ms`} | ${cpuCell(values.map((r) => r.serviceUs))} | ${cpuCell(values.map((r) => r.postgresUs))} | ${values.reduce((a, r) => a + r.errors, 0)} |`,
    );
  }
  console.log('');
  return results;
}

export const auditBenchmark: Benchmark = {
  name: 'audit',
  title: 'access log: no log / strict / async on a PostgreSQL-reading route; gateway vs nginx; generator',
  async run() {
    const schema = `bench_audit_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-audit-'));
    const children: Child[] = [];
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, options: `-c search_path=${schema}` });
    const db = createDb(new PostgresDialect({ pool }), 'postgresql');
    try {
      await migrateToLatest(db);
      await sql`create table bench_person (id text primary key, name text not null, email text not null)`.execute(db);
      await sql`insert into bench_person select 'p' || i, 'Person ' || i, 'person' || i || '@example.org' from generate_series(1, 10000) i`.execute(db);
      await sql`analyze bench_person`.execute(db);
      const script = join(dir, 'people.lua');
      writeFileSync(script, `math.randomseed(os.time())\nrequest = function() return wrk.format("GET", "/people/p" .. math.random(1, 10000)) end\n`);
      // The route's clients are users reading their own record with their bearer token.
      const ownScript = join(dir, 'own.lua');
      const tokens = `tokens = {${(runs('route') || runs('gateway') ? await benchTokens(10_000) : []).map((t) => `"${t}"`).join(',')}}\n`;
      writeFileSync(
        ownScript,
        `math.randomseed(os.time())\n${tokens}` +
          `request = function() local i = math.random(1, 10000) return wrk.format("GET", "/people/p" .. i, { Authorization = "Bearer " .. tokens[i] }) end\n`,
      );
      const ownWarmUp = join(dir, 'own-warm-up.lua');
      writeFileSync(
        ownWarmUp,
        `${tokens}next_person = 0\n` +
          `request = function() next_person = next_person % 10000 + 1 return wrk.format("GET", "/people/p" .. next_person, { Authorization = "Bearer " .. tokens[next_person] }) end\n`,
      );

      // 1. The PostgreSQL-reading route, four ways.
      const services = [];
      const names: Record<string, string> = { none: 'no log', 'strict-unidentified': 'strict, receivers unidentified' };
      for (const mode of runs('route') ? ['none', 'strict', 'async', 'strict-unidentified'] : []) {
        const port = await freePort();
        children.push(await start('node', ['--import', 'tsx', 'bench/audit-service.ts', mode, String(port), databaseUrl, schema], {}, /ready/));
        services.push({ name: names[mode] ?? mode, url: `http://127.0.0.1:${port}`, pid: children.at(-1)!.process.pid });
      }
      // The warm-up reads every person in turn, so that each token is verified (and cached) before the
      // measured runs, as a signed-in user's token is after their first request.
      if (services.length > 0) await compare('route reading one row', services, ownScript, 'no log', { script: ownWarmUp, seconds: 5 });
      for (const child of children.splice(0)) await child.stop();

      if (runs('gateway')) {
        // 2. Gateway: Vigie (maintenance + strict log) vs nginx proxy_pass and a bare Node proxy, all in front of
        // the same origin.
        // Distinct ports: the kernel may hand the same free port out twice, and an nginx that cannot bind
        // retries for seconds before it exits, while wrk would measure whatever listens there.
        const ports = new Set<number>();
        while (ports.size < 5) ports.add(await freePort());
        const [originPort, nginxPort, vigiePort, rawPort, vigieOffPort] = [...ports] as [number, number, number, number, number];
        const origin = nginxConfig(dir, 'origin', `  access_log off;
    server { listen 127.0.0.1:${originPort}; location ~ ^/people/(?<id>[^/]+)$ { default_type application/json;
      add_header Vigie-Data-Subjects "$id"; add_header Vigie-Data-Categories "identity, contact"; add_header Vigie-Produced-For "$id";
      return 200 '{"id":"$id","name":"A person","email":"person@example.org"}'; } }`);
        const proxy = nginxConfig(dir, 'proxy', `  access_log ${dir}/proxy-access.log;
    upstream origin { server 127.0.0.1:${originPort}; keepalive 128; }
    server { listen 127.0.0.1:${nginxPort}; location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; } }`);
        children.push(await start('/usr/sbin/nginx', ['-p', dir, '-c', origin, '-g', 'daemon off;'], {}, undefined));
        const nginxProxy = await start('/usr/sbin/nginx', ['-p', dir, '-c', proxy, '-g', 'daemon off;'], {}, undefined);
        children.push(nginxProxy);
        const url = new URL(databaseUrl);
        url.searchParams.set('options', `-c search_path=${schema}`);
        const rawProxy = await start('node', ['--import', 'tsx', 'bench/raw-proxy.ts', String(rawPort), String(originPort)], {}, /ready/);
        children.push(rawProxy);
        // Vigie as deployed (live detection on, users reading their own page with their token), and the same without
        // detection and without records (an origin path that declares nothing): where its cost goes.
        const vigie = (port: number, extra: Record<string, string>) =>
          start('node', ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
            PORT: String(port),
            HOST: '127.0.0.1',
            DATABASE_URL: url.toString(),
            VIGIE_UPSTREAM: `http://127.0.0.1:${originPort}`,
            VIGIE_AUDIT_KEY: 'bench-audit-key-of-at-least-32-characters',
            VIGIE_DATA_DIR: join(dir, `vigie-${port}`),
            VIGIE_LOG_LEVEL: 'warn',
            VIGIE_PRINCIPAL_SECRET: benchPrincipalSecret,
            ...extra,
          }, undefined);
        const vigieOff = await vigie(vigieOffPort, { VIGIE_EXPOSURE_LIVE: 'false' });
        children.push(vigieOff);
        children.push(await vigie(vigiePort, {}));
        await waitForPort(`http://127.0.0.1:${vigieOffPort}/_vigie/healthz`);
        await waitForPort(`http://127.0.0.1:${vigiePort}/_vigie/healthz`);
        await waitForPort(`http://127.0.0.1:${nginxPort}/`);
        await new Promise((resolve) => setTimeout(resolve, 3000));
        for (const child of children) if (child.process.exitCode !== null) throw new Error(`a gateway bench process exited (${child.process.exitCode})`);
        const gateway = await compare(
          'gateway',
          [
            { name: 'nginx proxy_pass', url: `http://127.0.0.1:${nginxPort}`, pid: nginxProxy.process.pid },
            { name: 'node:http proxy, bare (reference)', url: `http://127.0.0.1:${rawPort}`, pid: rawProxy.process.pid },
            { name: 'vigie gateway (strict)', url: `http://127.0.0.1:${vigiePort}`, pid: children.at(-1)!.process.pid },
            { name: 'vigie gateway (strict), detection off', url: `http://127.0.0.1:${vigieOffPort}`, pid: vigieOff.process.pid },
          ],
          ownScript,
          'node:http proxy, bare (reference)',
          { script: ownWarmUp, seconds: 5 },
        );
        const { rows } = await sql<{ count: string }>`select count(*) as count from access_log`.execute(db);
        console.log(`gateway: ${rows[0]?.count} records written by Vigie during the runs (${gateway.get('vigie gateway (strict)')!.length} measured runs + warm-up)\n`);
        for (const child of children.splice(0)) await child.stop();

      }

      if (runs('generator')) {
        // 3. The generator through the real writer (batches of 5000, chained, one statement each).
        const result = await generateAccessLog(db, createNodeAuditCrypto('bench-audit-key-of-at-least-32-characters'), {
          rows: generatedRows,
          days: 30,
          from: new Date('2026-10-01T00:00:00Z'),
          seed: 7,
        });
        console.log(`generator: ${result.rows} rows in ${result.seconds} s (${result.rowsPerSecond} rows/s); 10 million rows at this rate: ${Math.round(10_000_000 / result.rowsPerSecond)} s`);
      }
      console.log(`load: wrk -t1 -c${connections}, ${seconds} s per run, ${rounds} rounds, order alternating`);
    } finally {
      for (const child of children) await child.stop();
      await db.destroy();
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
