import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/processes.js';

/** Every file whose text may cite a document: the README, docs/, the sources and their data, scripts, templates. */
function* citingFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules' && !name.startsWith('.')) yield* citingFiles(path);
    } else if (/\.(ts|json|md|mjs|mustache)$/.test(name) && !name.endsWith('.generated.ts')) yield path;
  }
}

describe('the documentation stands on its own', () => {
  it('cites only documents that are in the repository', () => {
    const files = [join(repoRoot, 'README.md'), ...['docs', 'src', 'scripts', 'templates', 'playbooks', 'bench', 'demo', 'test'].flatMap((dir) => [...citingFiles(join(repoRoot, dir))])];
    const broken: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const where = relative(repoRoot, file);
      // Nothing may send the reader outside the repository (the team's shared folder, a sibling checkout).
      for (const match of text.matchAll(/(?:\.\.\/)+shared\/|\bshared\/reference\//g)) broken.push(`${where}: ${match[0]}`);
      for (const match of text.matchAll(/(?<![\w/.-])((?:[\w-]+\/)*[\w-]+\.md)\b/g)) {
        const cited = match[1]!;
        const candidates = cited.includes('/') ? [join(repoRoot, cited), join(dirname(file), cited)] : [join(repoRoot, cited), join(repoRoot, 'docs', cited), join(dirname(file), cited)];
        if (!candidates.some((path) => existsSync(path))) broken.push(`${where}: ${cited}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
