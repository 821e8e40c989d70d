/**
 * `npm run demo:pajemploi`: replays 31 March 2020 on an embedded database (or DATABASE_URL's PostgreSQL, in
 * a schema of its own), then prints what Vigie knows next to what the origin knows.
 *   --breaker   also trip the circuit breaker (5 illegitimate accesses within 300 s)
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateToLatest } from '../src/db/migrate.js';
import { openDatabase } from '../src/entry/open-database.js';
import { buildExposureReport } from '../src/exposure/report.js';
import { parseWindow } from '../src/exposure/window.js';
import { groundTruth, runPajemploiScenario, zone } from './pajemploi-scenario.js';

const breaker = process.argv.includes('--breaker');
const databaseUrl = process.env.DATABASE_URL;
const schema = databaseUrl ? `demo_pajemploi_${randomBytes(4).toString('hex')}` : undefined;
if (databaseUrl && schema) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.end();
}
const { db, engine } = await openDatabase({ databaseUrl, databasePoolSize: 5, dataDir: '' }, { inMemory: true, ...(schema ? { schema } : {}) });
await migrateToLatest(db);
console.log(`Replaying 31 March 2020 (Europe/Paris, 11:00 → 16:00) on ${engine}${schema ? ` (schema ${schema})` : ''}…`);
const run = await runPajemploiScenario({
  db,
  ...(breaker ? { breaker: { threshold: 5, windowSeconds: 300 } } : {}),
  onProgress: (at, requests) => {
    if (at.getUTCMinutes() % 30 === 0 && at.getUTCSeconds() === 0) process.stderr.write(`  ${at.toISOString()}: ${requests} requests\n`);
  },
});
const window = parseWindow({ from: '2020-03-31 11:45', to: '2020-03-31 15:15' }, zone);
const report = await buildExposureReport(db, window, { broadRoles: [], now: new Date() });
const truth = groundTruth(run.served, window.from, window.to);
const truthPairs = [...truth.byPerson.values()].reduce((n, receivers) => n + [...receivers.values()].reduce((s, r) => s + r.times, 0), 0);
console.log(`\n${run.requests} requests through Vigie; ${run.served.filter((s) => s.producedFor !== s.receiver).length} pages served to the wrong person.`);
console.log(`Exposure report ${report.window.from} → ${report.window.to}:`);
console.log(`  people exposed  ${report.totals.peopleExposed}   (origin's ground truth: ${truth.byPerson.size})`);
console.log(`  responses       ${report.totals.responses}   (ground truth: ${truth.responses})`);
console.log(`  accesses        ${report.totals.accesses}   (ground truth: ${truthPairs})`);
for (const c of report.totals.byCategory) console.log(`  ${c.category.padEnd(12)} ${c.people} people, ${c.responses} responses`);
console.log(`Live detection: first alert stored ${run.detectionMs?.toFixed(0) ?? '—'} ms after the first leaked response.`);
if (breaker) console.log(`Circuit breaker: maintenance on ${run.breakerScope} ${run.breakerMs?.toFixed(0) ?? '—'} ms after the leak that made 5 illegitimate accesses; ${run.refusedDuringMaintenance} requests then refused.`);
const top = report.byPerson.slice(0, 5).map((p) => `${p.subject} seen by ${p.receivers.map((r) => `${r.receiver}×${r.times}`).join(', ')}`);
console.log(`First exposed people:\n  ${top.join('\n  ')}`);
await db.destroy();
if (databaseUrl && schema) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`drop schema ${schema} cascade`);
  await client.end();
}
