import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/processes.js';

const fixture = mkdtempSync(join(tmpdir(), 'vigie-lint-'));
afterAll(() => rmSync(fixture, { recursive: true, force: true }));

const write = (path: string, text: string) => {
  mkdirSync(join(fixture, path, '..'), { recursive: true });
  writeFileSync(join(fixture, path), text);
};
const lint = () => spawnSync('node', [join(repoRoot, 'scripts/lint.mjs'), fixture], { encoding: 'utf8' });

describe('lint', () => {
  it('keeps node:* and drivers out of the core, and allows them in entries', () => {
    write('src/entry/node.ts', "import { readFile } from 'node:fs/promises';\nimport pg from 'pg';\n");
    write('src/maintenance/store.ts', "import { ok } from './ok.js';\n");
    expect(lint().status).toBe(0);
    write('src/maintenance/bad.ts', "import { readFile } from 'node:fs';\nimport pg from 'pg';\nconst x = await import('@electric-sql/pglite');\n");
    const result = lint();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('src/maintenance/bad.ts:1: "node:fs" may only be imported in src/entry/ or src/cli/');
    expect(result.stderr).toContain('src/maintenance/bad.ts:2: "pg"');
    expect(result.stderr).toContain('src/maintenance/bad.ts:3: "@electric-sql/pglite"');
    rmSync(join(fixture, 'src/maintenance/bad.ts'));
  });

  it('finds focused tests, extension-less relative imports and console use in the core', () => {
    write('test/a.test.ts', `import { x } from './x';\nit.${'only'}('a', () => {});\n`);
    write('src/feature/log.ts', "console.log('hello');\n");
    const result = lint();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('test/a.test.ts:1: relative import "./x" must name its .js file');
    expect(result.stderr).toContain('test/a.test.ts:2: focused or skipped test');
    expect(result.stderr).toContain('src/feature/log.ts:1: the core logs through the Logger');
  });
});
