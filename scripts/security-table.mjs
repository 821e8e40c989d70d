#!/usr/bin/env node
// Rewrites the table of cases in docs/security.md from the security suite's own output
// (test-results/security.json, written by test/helpers/security-reporter.ts when test/security or
// test/faults run): `TEST_DATABASE_URL=… npx vitest run test/security test/faults && node scripts/security-table.mjs`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const resultsFile = join(root, 'test-results', 'security.json');
const docFile = join(root, 'docs', 'security.md');
const start = '<!-- security-table:start -->';
const end = '<!-- security-table:end -->';

if (!existsSync(resultsFile)) {
  console.error('security-table: no test-results/security.json; run the suite first (npx vitest run test/security test/faults)');
  process.exit(1);
}
const { updatedAt, cases } = JSON.parse(readFileSync(resultsFile, 'utf8'));

const areas = {
  'known-defects': 'Known defects (maintenance)',
  'auth-probe': 'Authentication',
  'bad-input': 'Bad input',
  injection: 'Injection (HTML)',
  outbound: 'Outbound requests (SSRF)',
  forgery: 'Forgery and replay',
  tamper: 'Tamper (access log)',
  hygiene: 'Personal-data hygiene',
  durability: 'Faults and durability',
};
const engineOf = (suite) => (/postgresql/i.test(suite) ? 'PostgreSQL' : /embedded/i.test(suite) ? 'PGlite' : '');
const plain = (suite) => suite.replace(/\s*\((embedded|postgresql)\)/gi, '').replace(/\s+on (embedded|postgresql)\b/gi, '');
const escape = (text) => text.replace(/\|/g, '\\|').replace(/</g, '&lt;');

const rows = new Map();
for (const c of cases) {
  const name = c.file.split('/').pop().replace(/\.test\.ts$/, '');
  const key = `${c.file}|${plain(c.suite)}|${c.test}`;
  const row = rows.get(key) ?? { area: areas[name] ?? name, file: c.file, suite: plain(c.suite), test: c.test, results: [] };
  row.results.push({ engine: engineOf(c.suite), state: c.state });
  rows.set(key, row);
}

const lines = ['| Area | Case | Result |', '|---|---|---|'];
let failed = 0;
for (const row of rows.values()) {
  const states = new Set(row.results.map((r) => r.state));
  const engines = row.results.map((r) => r.engine).filter(Boolean);
  const on = engines.length > 0 ? ` (${[...new Set(engines)].join(', ')})` : '';
  let result;
  if (states.size === 1 && states.has('passed')) result = `passed${on}`;
  else if (states.has('failed')) {
    failed++;
    result = `**failed** ${row.results.filter((r) => r.state === 'failed').map((r) => r.engine || 'in process').join(', ')}`;
  } else result = row.results.map((r) => `${r.state}${r.engine ? ` on ${r.engine}` : ''}`).join(', ');
  lines.push(`| ${row.area} | ${escape(row.test)} | ${result} |`);
}
lines.push('', `${rows.size} cases; ${failed} failing. Last run: ${updatedAt}.`);

const doc = readFileSync(docFile, 'utf8');
const from = doc.indexOf(start);
const to = doc.indexOf(end);
if (from < 0 || to < from) {
  console.error(`security-table: docs/security.md has no ${start} … ${end} markers`);
  process.exit(1);
}
writeFileSync(docFile, `${doc.slice(0, from + start.length)}\n${lines.join('\n')}\n${doc.slice(to)}`);
console.log(`security-table: ${rows.size} cases written to docs/security.md (${failed} failing)`);
