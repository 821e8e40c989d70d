#!/usr/bin/env node
/**
 * The project's lint: rules that the type-checker does not enforce. Plain Node, no dependencies (the linters
 * with native bindings do not install everywhere our lockfile must).
 *
 * 1. The core is runtime-neutral (docs/architecture.md, convention 1): outside src/entry/ and src/cli/, no import of
 *    node:*, cloudflare:*, drivers or runtime SDKs.
 * 2. Relative imports name their .js file (ESM on Node resolves nothing else).
 * 3. No focused or skipped tests left behind (.only, .skip, .todo, xit, xdescribe).
 * 4. The core does not write to the console except through the logger.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// The tree to check: this repository, or another (the lint's own test points it at a fixture).
const root = process.argv[2] ?? new URL('..', import.meta.url).pathname;
const forbiddenInCore = [
  /^node:/,
  /^cloudflare:/,
  /^pg$/,
  /^pg-/,
  /^@electric-sql\//,
  /^@hono\/node-server/,
  /^@opentelemetry\/sdk-/,
  /^nodemailer$/,
  /^undici$/,
];
const edgeFolders = ['src/entry/', 'src/cli/'];

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(ts|mts|js|mjs)$/.test(name)) yield path;
  }
}

const importPattern = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;(])import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
const problems = [];
const report = (file, text, line, message) => problems.push(`${relative(root, file)}:${line}: ${message}`);
const lineOf = (text, index) => text.slice(0, index).split('\n').length;

for (const folder of ['src', 'test', 'bench']) {
  let list;
  try {
    list = [...files(join(root, folder))];
  } catch {
    continue;
  }
  for (const file of list) {
    const rel = relative(root, file);
    const text = readFileSync(file, 'utf8');
    const isCore = rel.startsWith('src/') && !edgeFolders.some((edge) => rel.startsWith(edge));
    for (const match of text.matchAll(importPattern)) {
      const specifier = match[1] ?? match[2] ?? match[3];
      const line = lineOf(text, match.index + match[0].search(/\S/));
      if (isCore && forbiddenInCore.some((pattern) => pattern.test(specifier))) {
        report(file, text, line, `"${specifier}" may only be imported in src/entry/ or src/cli/ (the core is runtime-neutral)`);
      }
      if (specifier.startsWith('.') && !/\.(js|json|mjs)$/.test(specifier)) {
        report(file, text, line, `relative import "${specifier}" must name its .js file`);
      }
    }
    if (rel.startsWith('test/') || rel.endsWith('.test.ts')) {
      for (const match of text.matchAll(/\b(?:it|test|describe)\.(only|skip|todo)\(|\bx(?:it|describe)\(/g)) {
        report(file, text, lineOf(text, match.index), `focused or skipped test (${match[0]}) left behind`);
      }
    }
    if (isCore && rel !== 'src/logger.ts') {
      for (const match of text.matchAll(/\bconsole\.(log|info|warn|error|debug)\(/g)) {
        report(file, text, lineOf(text, match.index), 'the core logs through the Logger, not console');
      }
    }
  }
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  console.error(`\nlint: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log('lint: no problems');
