import { sql } from 'kysely';
import { openBreachBody } from '../src/breaches/breach-facts.js';
import type { BreachDeps } from '../src/breaches/breach-store.js';
import { openBreach } from '../src/breaches/edit-breach.js';
import { getBreach } from '../src/breaches/get-breach.js';
import { addPopulation, changePerson, countPopulation, personStatuses } from '../src/breaches/population.js';
import { systemClock } from '../src/clock.js';
import { parseConfig } from '../src/config.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { openDatabase } from '../src/entry/open-database.js';
import type { Benchmark } from './index.js';

const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// The CMG incident: 30,000 families, each followed to their own resolution (docs/incidents.md, C).
const people = Number(process.env.BENCH_BREACH_PEOPLE ?? 30_000);
const changes = Number(process.env.BENCH_BREACH_CHANGES ?? 2_000);
const schema = 'bench_breaches';
const actor = { subject: 'bench', roles: ['dpo'] };

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

export const breachesBenchmark: Benchmark = {
  name: 'breaches',
  title: `breach population of ${people.toLocaleString('en')} people: import, exact counts by status, concurrent follow-up from two instances`,
  async run() {
    const admin = (await openDatabase({ databaseUrl, databasePoolSize: 1, dataDir: '' })).db;
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin);
    await sql`create schema ${sql.id(schema)}`.execute(admin);
    const a = (await openDatabase({ databaseUrl, databasePoolSize: 4, dataDir: '' }, { schema })).db;
    const b = (await openDatabase({ databaseUrl, databasePoolSize: 4, dataDir: '' }, { schema })).db;
    try {
      await migrateToLatest(a);
      const config = parseConfig({ VIGIE_LOG_LEVEL: 'silent' });
      const deps = (db: typeof a): BreachDeps => ({ db, clock: systemClock, config });
      const { id } = await openBreach(deps(a), openBreachBody.parse({ title: 'CMG', awareAt: new Date().toISOString() }), actor);
      const list = Array.from({ length: people }, (_, i) => ({ ref: `F-${i}`, status: 'to-inform' as const }));
      const [, importMs] = await timed(() => addPopulation(deps(a), id, list, 'csv', actor));

      const countTimes: number[] = [];
      for (let i = 0; i < 20; i++) countTimes.push((await timed(() => countPopulation(a, id, new Date())))[1]);
      const recordTimes: number[] = [];
      for (let i = 0; i < 10; i++) recordTimes.push((await timed(() => getBreach(a, id, { config, now: new Date() })))[1]);

      let next = 0;
      const worker = async (db: typeof a) => {
        while (next < changes) {
          const n = next++;
          await changePerson(deps(db), id, `F-${(n * 7919) % people}`, { status: personStatuses[n % personStatuses.length]!, reason: 'bench' }, actor);
        }
      };
      const [, changeMs] = await timed(() => Promise.all([a, b, a, b, a, b, a, b].map(worker)));
      const counts = await countPopulation(a, id, new Date());
      const sum = Object.values(counts.byStatus).reduce((x, y) => x + y, 0);

      console.log('| measure | figure |');
      console.log('|---|---|');
      console.log(`| import ${people.toLocaleString('en')} people (one transaction, chunks of 1,000) | ${(importMs / 1000).toFixed(2)} s (${Math.round(people / (importMs / 1000)).toLocaleString('en')} people/s) |`);
      console.log(`| exact counts by status (GROUP BY), median of 20 | ${median(countTimes).toFixed(1)} ms |`);
      console.log(`| whole record (getBreach: facts, timeline, counts, clocks), median of 10 | ${median(recordTimes).toFixed(1)} ms |`);
      console.log(`| ${changes.toLocaleString('en')} status changes, 8 workers on 2 pools (2 instances) | ${(changeMs / 1000).toFixed(2)} s (${Math.round(changes / (changeMs / 1000)).toLocaleString('en')} changes/s) |`);
      console.log(`| counts after the run: total ${counts.total.toLocaleString('en')}, sum by status ${sum.toLocaleString('en')} | ${sum === people ? 'exact' : 'WRONG'} |`);
    } finally {
      await a.destroy();
      await b.destroy();
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin);
      await admin.destroy();
    }
  },
};
