/**
 * `npm run bench [-- name …]`: runs each benchmark of bench/index.ts (or the named ones) one after another
 * and prints its figures. Each benchmark measures its variants side by side in the same run and reports
 * ratios, so that a busy or slower machine moves both sides together.
 */
import { cpus, totalmem } from 'node:os';
import { benchmarks } from './index.js';

const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const selected = wanted.length > 0 ? benchmarks.filter((b) => wanted.includes(b.name)) : benchmarks;
if (selected.length === 0) {
  console.error(`unknown benchmark; known: ${benchmarks.map((b) => b.name).join(', ')}`);
  process.exit(2);
}
console.log(`# vigie benchmarks — ${new Date().toISOString()}`);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
console.log(`database: ${process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres (default)'}\n`);
for (const bench of selected) {
  console.log(`## ${bench.name}: ${bench.title}`);
  const started = performance.now();
  await bench.run();
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}
