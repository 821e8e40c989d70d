import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundledPlaybooks } from '../../src/playbooks/bundled.generated.js';
import { buildCatalog, checkPlaybookFiles } from '../../src/playbooks/catalog.js';
import { playbookJsonSchemaText } from '../../src/playbooks/json-schema.js';
import { formatProblem, parsePlaybook } from '../../src/playbooks/parse-playbook.js';

const good = `id: mine
version: 1
title: { fr: Le mien, en: Mine }
summary: { fr: Résumé, en: Summary }
sources:
  - title: Our own procedure
steps:
  - id: first
    title: { fr: Premier, en: First }
    owner: sre
    action: maintenance-on
    due: { from: detection, minutes: 30 }
  - id: second
    title: { fr: Second, en: Second }
    owner: dpo
    after: [first]
    due: { from: awareness, hours: 72 }
`;

/** The same playbook with one line changed. */
const changed = (from: string, to: string) => {
  if (!good.includes(from)) throw new Error(`fixture has no ${from}`);
  return good.replace(from, to);
};

describe('playbook format', () => {
  it('bundles the eight playbooks, each valid, with French and English texts and a source', () => {
    const catalog = buildCatalog();
    expect(catalog.problems.map(formatProblem)).toEqual([]);
    expect([...catalog.entries.keys()].sort()).toEqual([
      'credential-stuffing',
      'email-wrong-recipients',
      'lost-device',
      'migration-miscomputed-data',
      'processor-breach',
      'ransomware',
      'undelivered-communication',
      'wrong-user-data',
    ]);
    for (const { playbook } of catalog.entries.values()) {
      expect(playbook.sources.length).toBeGreaterThan(0);
      for (const step of playbook.steps) expect(step.title.fr).not.toBe(step.title.en);
    }
  });

  it('bundles the files of playbooks/ as they are (the Workers build reads no files)', () => {
    expect(Object.keys(bundledPlaybooks).length).toBe(8);
    expect(bundledPlaybooks['wrong-user-data.yaml']).toBe(readFileSync(new URL('../../playbooks/wrong-user-data.yaml', import.meta.url), 'utf8'));
  });

  it('keeps playbooks/schema.json in step with the zod schema', () => {
    const onDisk = readFileSync(new URL('../../playbooks/schema.json', import.meta.url), 'utf8');
    expect(onDisk, 'run: node --import tsx scripts/playbook-schema.ts').toBe(playbookJsonSchemaText());
    const schema = JSON.parse(onDisk) as { properties: { steps: { items: { properties: { owner: { enum: string[] } } } } } };
    expect(schema.properties.steps.items.properties.owner.enum).toEqual(['sre', 'dpo', 'comms', 'auditor', 'admin']);
  });

  it('accepts a good file', () => {
    const parsed = parsePlaybook('mine.yaml', good);
    expect(parsed.ok).toBe(true);
  });

  it.each([
    ['an unknown role', changed('owner: sre', 'owner: ceo'), 10, 'steps.0.owner', 'unknown role "ceo"'],
    ['an unknown action', changed('action: maintenance-on', 'action: launch-rockets'), 11, 'steps.0.action', 'unknown action "launch-rockets"'],
    ['a cycle', changed('    due: { from: detection, minutes: 30 }', '    after: [second]\n    due: { from: detection, minutes: 30 }'), 8, 'steps.0.id', 'cycle in step dependencies: first → second → first'],
    ['a cycle through a due time', changed('    due: { from: detection, minutes: 30 }', '    due: { from: "step:second", minutes: 30 }'), 8, 'steps.0.id', 'cycle in step dependencies: first → second → first'],
    ['an unknown anchor', changed('from: awareness', 'from: lunch'), 17, 'steps.1.due.from', 'a due time that cannot be computed'],
    ['a due time with no duration', changed('due: { from: awareness, hours: 72 }', 'due: { from: awareness }'), 17, 'steps.1.due', 'a due time that cannot be computed: give exactly one of minutes, hours, days'],
    ['a due time counted from a missing step', changed('from: awareness', 'from: "step:third"'), 17, 'steps.1.due.from', 'a due time that cannot be computed: no step "third"'],
    ['a filing due after the filing itself', changed('    owner: dpo\n', '    owner: dpo\n    action: file-notification\n').replace('from: awareness', 'from: notification'), 18, 'steps.1.due.from', 'makes the notification it would be counted from'],
    ['an unknown predecessor', changed('after: [first]', 'after: [zeroth]'), 16, 'steps.1.after.0', 'unknown step "zeroth"'],
    ['an unknown field', changed('    owner: dpo\n', '    owner: dpo\n    colour: red\n'), 16, 'steps.1', 'unknown field "colour"'],
    ['an unknown fact', changed('    owner: dpo\n', '    owner: dpo\n    when:\n      - { fact: facts.mood, is: calm }\n'), 17, 'steps.1.when.0.fact', 'unknown fact "facts.mood"'],
    ['a missing text', changed('title: { fr: Second, en: Second }', 'title: { fr: Second }'), 14, 'steps.1.title.en', 'is required'],
    ['broken YAML', changed('after: [first]', 'after: [first'), 17, '', 'YAML:'],
  ])('refuses %s, naming file, line and reason', (_name, text, line, path, reason) => {
    const parsed = parsePlaybook('mine.yaml', text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const first = parsed.problems[0]!;
    expect(first).toMatchObject({ file: 'mine.yaml', line, path });
    expect(first.reason).toContain(reason);
    expect(formatProblem(first)).toMatch(new RegExp(`^mine\\.yaml:${line}:\\d+: `));
  });

  it('checks a directory: every file, each problem once, ids unique', () => {
    const result = checkPlaybookFiles({ 'a.yaml': good, 'b.yaml': good, 'c.yaml': changed('owner: sre', 'owner: ceo') });
    expect(result.playbooks.map((p) => p.file)).toEqual(['a.yaml']);
    expect(result.problems.map((p) => `${p.file}:${p.line} ${p.reason.split(' (')[0]}`)).toEqual(['b.yaml:1 playbook id "mine" is already used by a.yaml', 'c.yaml:10 unknown role "ceo"']);
  });

  it('lets an organisation replace a bundled playbook by its id and add its own', () => {
    const mine = good.replace('id: mine', 'id: ransomware');
    const catalog = buildCatalog({ 'ransomware.yaml': mine, 'mine.yaml': good });
    expect(catalog.entries.get('ransomware')).toMatchObject({ origin: 'organisation' });
    expect(catalog.entries.get('ransomware')!.playbook.steps).toHaveLength(2);
    expect(catalog.entries.get('mine')).toMatchObject({ origin: 'organisation' });
    expect(catalog.entries.get('lost-device')).toMatchObject({ origin: 'bundled' });
  });
});
