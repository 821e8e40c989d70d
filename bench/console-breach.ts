import { sql } from 'kysely';
import { assessBreach } from '../src/breaches/assess.js';
import { editBreach, openBreach } from '../src/breaches/edit-breach.js';
import { addPopulation, personStatuses } from '../src/breaches/population.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { openDatabase } from '../src/entry/open-database.js';
import { consoleApp, signIn } from '../test/console/console-app.js';
import type { Benchmark } from './index.js';

const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// The CMG incident's size (docs/incidents.md, C): the breach page must render in ≤ 50 ms p95 (issue 18).
const people = Number(process.env.BENCH_BREACH_PEOPLE ?? 30_000);
const rounds = Number(process.env.BENCH_CONSOLE_ROUNDS ?? 200);
const schema = 'bench_console_breach';
const actor = { subject: 'bench', roles: ['dpo' as const] };

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))]!;

export const consoleBreachBenchmark: Benchmark = {
  name: 'console-breach',
  title: `server render of the console's breach pages, a breach of ${people.toLocaleString('en')} people, in process on PostgreSQL`,
  async run() {
    const admin = (await openDatabase({ databaseUrl, databasePoolSize: 1, dataDir: '' })).db;
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin);
    await sql`create schema ${sql.id(schema)}`.execute(admin);
    const db = (await openDatabase({ databaseUrl, databasePoolSize: 8, dataDir: '' }, { schema })).db;
    try {
      await migrateToLatest(db);
      const built = consoleApp({ db, env: { VIGIE_ORG_NAME: 'Caisse Exemple', VIGIE_DPO_CONTACT: 'dpo@example.fr' } });
      const { id } = await openBreach(built.deps, { title: 'CMG', awareAt: new Date(Date.now() - 20 * 3600_000).toISOString(), natures: ['confidentiality'], dataCategories: ['contact'] }, actor);
      for (let i = 0; i < 20; i++) await editBreach(built.deps, id, { changes: { summary: `Révision ${i}` }, reason: 'bench' }, actor);
      await addPopulation(built.deps, id, Array.from({ length: people }, (_, i) => ({ ref: `F-${String(i).padStart(6, '0')}`, status: personStatuses[i % 4]! })), 'csv', actor);
      await assessBreach(built.deps, id, { easeOfIdentification: 'maximum' }, actor);
      const dpo = await signIn(built, 'dora', ['dpo']);
      const pages = [
        ['breach page (first page of people)', `/_vigie/console/breaches/${id}`],
        ['breach page (people filtered by status, page 100)', `/_vigie/console/breaches/${id}?status=informed&page=100`],
        ['register', '/_vigie/console/breaches'],
      ] as const;
      console.log('| page | p50 | p95 | bytes |');
      console.log('|---|---|---|---|');
      for (const [name, path] of pages) {
        const times: number[] = [];
        let bytes = 0;
        for (let i = 0; i < rounds + 10; i++) {
          const started = performance.now();
          const res = await built.app.request(path, { headers: { Cookie: dpo.cookie } });
          const body = await res.text();
          if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
          if (i >= 10) times.push(performance.now() - started);
          bytes = body.length;
        }
        console.log(`| ${name} | ${quantile(times, 0.5).toFixed(1)} ms | ${quantile(times, 0.95).toFixed(1)} ms | ${bytes.toLocaleString('en')} |`);
      }
    } finally {
      await db.destroy();
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin);
      await admin.destroy();
    }
  },
};
