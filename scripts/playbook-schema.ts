/**
 * Writes playbooks/schema.json from the zod schema of playbooks (src/playbooks/playbook-schema.ts), for editors.
 * `--check` exits 1 when the file is out of date (test/playbooks/schema.test.ts checks the same).
 * Run: node --import tsx scripts/playbook-schema.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { playbookJsonSchemaText } from '../src/playbooks/json-schema.js';

const target = new URL('../playbooks/schema.json', import.meta.url);
const wanted = playbookJsonSchemaText();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (current !== wanted) {
    console.error('playbooks/schema.json is out of date: run node --import tsx scripts/playbook-schema.ts');
    process.exit(1);
  }
  console.log('playbooks/schema.json: up to date');
} else {
  writeFileSync(target, wanted);
  console.log('wrote playbooks/schema.json');
}
