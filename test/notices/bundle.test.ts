import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { channelParts, draftKinds } from '../../src/notices/documents.js';
import { parseTemplate } from '../../src/notices/strict-render.js';
import { bundledTemplates } from '../../src/notices/templates.generated.js';

describe('templates bundled for every runtime', () => {
  it('src/notices/templates.generated.ts matches templates/drafts (run node scripts/bundle-templates.mjs)', () => {
    const out = execFileSync('node', ['scripts/bundle-templates.mjs', '--check'], { encoding: 'utf8' });
    expect(out).toContain('up to date');
  });

  it('has a template for every part of every document in French and in English, each parsing', () => {
    for (const lang of ['fr', 'en']) {
      for (const kind of draftKinds) {
        for (const parts of Object.values(channelParts[kind]) as readonly (readonly string[])[]) {
          for (const part of parts) {
            const text = bundledTemplates[`drafts/${lang}/${kind}.${part}.mustache`];
            expect(text, `${lang}/${kind}.${part}`).toBeDefined();
            expect(parseTemplate(text!).length).toBeGreaterThan(0);
          }
        }
      }
    }
  });
});
