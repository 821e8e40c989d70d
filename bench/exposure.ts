import { sql } from 'kysely';
import { migrateToLatest } from '../src/db/migrate.js';
import type { Db } from '../src/db/database.js';
import { openDatabase } from '../src/entry/open-database.js';
import { illegitimateAccesses, timeScope } from '../src/exposure/report-query.js';
import { buildExposureReport } from '../src/exposure/report.js';
import { parseWindow } from '../src/exposure/window.js';
import { generateExposureData } from './exposure-data.js';
import type { Benchmark } from './index.js';

const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// BENCH_EXPOSURE_RECORDS=1000000 while developing; the data is kept in its own schema between runs.
const records = Number(process.env.BENCH_EXPOSURE_RECORDS ?? 10_000_000);
const schema = `bench_exposure_${records}`;

async function prepare(): Promise<Db> {
  const admin = (await openDatabase({ databaseUrl, databasePoolSize: 1, dataDir: '' })).db;
  await sql`create schema if not exists ${sql.id(schema)}`.execute(admin);
  await admin.destroy();
  const { db } = await openDatabase({ databaseUrl, databasePoolSize: 2, dataDir: '' }, { schema });
  await migrateToLatest(db);
  const { rows } = await sql<{ n: string }>`select count(*) as n from access_log`.execute(db);
  if (Number(rows[0]!.n) !== records) {
    if (Number(rows[0]!.n) > 0) throw new Error(`schema ${schema} holds a partial data set; drop it and run again`);
    console.log(`generating ${records.toLocaleString('en')} records in schema ${schema} (kept for later runs)…`);
    await generateExposureData(db, records, (line) => console.log(`  ${line}`));
  }
  return db;
}

async function time<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await run();
  return { ms: performance.now() - started, result };
}

export const exposureBenchmark: Benchmark = {
  name: 'exposure',
  title: `exposure report over ${records.toLocaleString('en')} log records, 3.5-hour window (PostgreSQL)`,
  async run() {
    const db = await prepare();
    try {
      const window = parseWindow({ from: '2020-03-31 11:45', to: '2020-03-31 15:15' }, 'Europe/Paris');
      const floor = () => sql<{ n: string }>`select count(*) as n from access_log
        where at >= ${window.from.toISOString()}::timestamptz and at < ${window.to.toISOString()}::timestamptz`.execute(db);
      const report = () => buildExposureReport(db, window, { broadRoles: [], now: new Date() });
      // Warm both (first reads pay for the cache), then take the best of three of each, interleaved.
      await floor();
      await report();
      const floors: number[] = [];
      const reports: number[] = [];
      let last;
      for (let i = 0; i < 3; i++) {
        floors.push((await time(floor)).ms);
        const r = await time(report);
        reports.push(r.ms);
        last = r.result;
      }
      const inWindow = Number((await floor()).rows[0]!.n);
      const best = (list: number[]) => Math.min(...list);
      console.log(`rows in window: ${inWindow.toLocaleString('en')}`);
      console.log(`floor  SELECT count(*) over the window: ${best(floors).toFixed(0)} ms (runs: ${floors.map((m) => m.toFixed(0)).join(', ')})`);
      console.log(`report (grouped by person and receiver): ${best(reports).toFixed(0)} ms (runs: ${reports.map((m) => m.toFixed(0)).join(', ')}) — ${(best(reports) / best(floors)).toFixed(1)}× the floor`);
      console.log(`result: ${last!.totals.peopleExposed} people exposed, ${last!.totals.receivers} receivers, ${last!.totals.responses} responses`);
      if (process.env.BENCH_EXPLAIN) {
        const plan = await sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers) select count(*) from (${illegitimateAccesses(timeScope(window.from, window.to), [])}) x`.execute(db);
        console.log(plan.rows.map((row) => row['QUERY PLAN']).join('\n'));
      }
    } finally {
      await db.destroy();
    }
  },
};
