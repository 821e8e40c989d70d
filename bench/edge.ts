/**
 * The gateway at the edge: the Workers build under `wrangler dev --local` (workerd), its Hyperdrive binding on a
 * schema of its own on the bench PostgreSQL, in front of a small origin. Variants on the same Worker, alternating
 * in rounds (autocannon's CLI in another process): a page that carries personal data (the strict access log:
 * the end-user token verified, the record group-committed before the response leaves) and a page that does not
 * (the same Worker and fetch gateway with maintenance, without the log). Ratios side by side.
 * Settings: BENCH_EDGE_ROUNDS (default 6), BENCH_EDGE_SECONDS per run (default 3), BENCH_EDGE_CONNECTIONS (16).
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { sql } from 'kysely';
import pg from 'pg';
import { ensurePartitionsAhead } from '../src/audit/partitions.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { openDatabase } from '../src/entry/open-database.js';
import { startEdgeWorker } from '../test/helpers/edge-worker.js';
import type { Benchmark } from './index.js';

const root = new URL('..', import.meta.url).pathname;
const rounds = Number(process.env.BENCH_EDGE_ROUNDS ?? 6);
const seconds = Number(process.env.BENCH_EDGE_SECONDS ?? 3);
const connections = Number(process.env.BENCH_EDGE_CONNECTIONS ?? 16);
const databaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const principalSecret = 'end-user-token-secret-for-the-edge-bench-32+';

/** /accounts/:id declares personal data (the id, for the id); anything else is a page without. */
function startOrigin(): Promise<Server> {
  const server = createServer((req, res) => {
    const account = /^\/accounts\/([\w-]+)/.exec(req.url ?? '');
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (account) Object.assign(headers, { 'vigie-data-subjects': account[1]!, 'vigie-data-categories': 'identity', 'vigie-produced-for': account[1]! });
    res.writeHead(200, headers);
    res.end('{"ok":true}');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

function load(url: string, headers: string[]): Promise<{ rps: number; non2xx: number; errors: number; p99: number }> {
  return new Promise((resolve, reject) => {
    const args = [`${root}node_modules/autocannon/autocannon.js`, '-c', String(connections), '-d', String(seconds), '-j', ...headers.flatMap((h) => ['-H', h]), url];
    const child = spawn('node', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.once('error', reject);
    child.once('exit', () => {
      try {
        const result = JSON.parse(out) as { requests: { average: number }; non2xx: number; errors: number; latency: { p99: number } };
        resolve({ rps: result.requests.average, non2xx: result.non2xx, errors: result.errors, p99: result.latency.p99 });
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

export const edgeBenchmark: Benchmark = {
  name: 'edge',
  title: 'requests/s through the Worker (workerd): the strict access log via Hyperdrive vs the same gateway without the log',
  async run() {
    const schema = `bench_edge_${Date.now().toString(36)}`;
    const role = `${schema}_worker`;
    await admin(`create schema ${schema}`);
    const { db } = await openDatabase({ databaseUrl, databasePoolSize: 2, dataDir: '' }, { schema });
    const origin = await startOrigin();
    let worker: Awaited<ReturnType<typeof startEdgeWorker>> | undefined;
    try {
      await migrateToLatest(db);
      await ensurePartitionsAhead(db, new Date(), 1);
      await admin(`create role ${role} login; grant postgres to ${role}; alter role ${role} set search_path to ${schema}`);
      const target = new URL(databaseUrl);
      worker = await startEdgeWorker({
        databaseUrl: `postgres://${role}:unused@${target.hostname}:${target.port || 5432}${target.pathname}`,
        vars: {
          VIGIE_UPSTREAM: `http://127.0.0.1:${(origin.address() as AddressInfo).port}`,
          VIGIE_AUDIT_KEY: 'audit-key-for-the-edge-bench-at-least-32-chars',
          VIGIE_PRINCIPAL_SECRET: principalSecret,
          VIGIE_LOG_LEVEL: 'silent',
        },
      });
      const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('p-1').setIssuer('vigie').setExpirationTime('1h').sign(new TextEncoder().encode(principalSecret));
      const headers = [`authorization=Bearer ${token}`];
      const variants = [
        { name: 'Worker without the log', url: `${worker.base}/public` },
        { name: 'edge gateway, strict log', url: `${worker.base}/accounts/p-1` },
      ];
      const figures = new Map(variants.map((v) => [v.name, [] as { rps: number; p99: number }[]]));
      for (const v of variants) {
        const warm = await load(v.url, headers); // warm-up
        if (warm.rps === 0) throw new Error(`${v.name}: no answer (${warm.errors} errors, ${warm.non2xx} non-2xx)\n${worker.process.output().slice(-3000)}`);
      }
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? variants : [...variants].reverse();
        const line: string[] = [];
        for (const v of order) {
          const result = await load(v.url, headers);
          if (result.non2xx > 0 || result.errors > 0) {
            throw new Error(`${v.name}: ${result.non2xx} non-2xx answers, ${result.errors} errors\n${worker.process.output().slice(-3000)}`);
          }
          figures.get(v.name)!.push(result);
          line.push(`${v.name} ${Math.round(result.rps)}/s`);
        }
        console.log(`round ${round + 1}: ${line.join(', ')}`);
      }
      const base = median(figures.get(variants[0]!.name)!.map((f) => f.rps));
      console.log('\n| variant | req/s (median) | p99 ms (median) | ratio |\n|---|---|---|---|');
      for (const v of variants) {
        const runs = figures.get(v.name)!;
        const rps = median(runs.map((f) => f.rps));
        console.log(`| ${v.name} | ${Math.round(rps)} | ${median(runs.map((f) => f.p99))} | ${(rps / base).toFixed(2)} |`);
      }
      const { rows } = await sql<{ batches: string; records: string }>`select count(*) as batches, coalesce(sum(row_count), 0) as records from audit_batch`.execute(db);
      const { batches, records } = rows[0]!;
      console.log(`\naccess log: ${records} records in ${batches} batches (${(Number(records) / Math.max(1, Number(batches))).toFixed(1)} records per commit), ${connections} connections`);
    } finally {
      await worker?.stop();
      origin.close();
      await db.destroy();
      await admin(`select pg_terminate_backend(pid) from pg_stat_activity where usename = '${role}'`).catch(() => {});
      await admin(`drop schema ${schema} cascade`);
      await admin(`drop owned by ${role}; drop role if exists ${role}`).catch(() => {});
    }
  },
};
