import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { repoRoot } from './processes.js';

/** Where the security suite's cases are kept between runs; `node scripts/security-table.mjs` reads it. */
export const securityResultsFile = join(repoRoot, 'test-results', 'security.json');

interface CaseResult {
  file: string;
  suite: string;
  test: string;
  state: string;
  durationMs: number;
}

/**
 * Writes every case of the security and fault suites (test/security, test/faults) that ran, with its result,
 * into test-results/security.json; files that did not run keep their previous results. docs/security.md's
 * table is made from it, so the table says what the suite really tried.
 */
export default class SecurityReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const ran = modules.filter((module) => /test\/(security|faults)\//.test(module.moduleId));
    if (ran.length === 0) return;
    const previous: { cases: CaseResult[] } = existsSync(securityResultsFile) ? JSON.parse(readFileSync(securityResultsFile, 'utf8')) : { cases: [] };
    const files = new Set(ran.map((module) => relative(repoRoot, module.moduleId)));
    const cases = previous.cases.filter((c) => !files.has(c.file));
    for (const module of ran) {
      const file = relative(repoRoot, module.moduleId);
      for (const test of module.children.allTests()) {
        const suites: string[] = [];
        for (let parent = test.parent; parent.type === 'suite'; parent = parent.parent) suites.unshift(parent.name);
        cases.push({ file, suite: suites.join(' › '), test: test.name, state: test.result().state, durationMs: Math.round(test.diagnostic()?.duration ?? 0) });
      }
    }
    mkdirSync(dirname(securityResultsFile), { recursive: true });
    writeFileSync(securityResultsFile, `${JSON.stringify({ updatedAt: new Date().toISOString(), cases }, null, 1)}\n`);
  }
}
