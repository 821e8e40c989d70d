import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { loadTemplateOverrides } from '../../src/entry/load-templates.js';
import { testApp } from '../helpers/test-app.js';
import { pajemploiInput, sameDay } from './fixtures.js';

describe('an organisation’s template directory (VIGIE_TEMPLATES_DIR)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigie-templates-'));
    await mkdir(join(dir, 'drafts/fr/partials'), { recursive: true });
    await writeFile(join(dir, 'drafts/fr/notice.sms.mustache'), 'Pajemploi vous informe : incident du [[person.date]]. Détails : {{organisation.noticeUrl}}\n');
    await writeFile(join(dir, 'drafts/fr/partials/people-body.mustache'), 'Texte de notre service juridique. Contact : {{dpo.name}}.\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is read once by the entry and overrides the bundled templates and partials, without code', async () => {
    const overrides = await loadTemplateOverrides(dir);
    expect(Object.keys(overrides).sort()).toEqual(['drafts/fr/notice.sms.mustache', 'drafts/fr/partials/people-body.mustache']);
    const { app, auth } = testApp({ clock: manualClock(sameDay), deps: { noticeTemplates: overrides } });
    const preview = async (channel: string, lang = 'fr') => {
      const res = await app.request('/_vigie/drafts/preview', {
        method: 'POST',
        headers: { ...(await auth(['comms'])), 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'notice', channel, lang, input: pajemploiInput() }),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { parts: Record<string, string> };
    };
    expect((await preview('sms')).parts.sms).toBe('Pajemploi vous informe : incident du 31/03/2020. Détails : https://pajemploi.example/incident');
    expect((await preview('email')).parts['email-text']).toContain('Texte de notre service juridique. Contact : DPO de l’Acoss.');
    // English has no override: the bundled template still speaks.
    expect((await preview('sms', 'en')).parts.sms).toContain('may have been shown to another user');
  });

  it('stops start-up when an organisation’s HTML template turns escaping off with {{{…}}}', async () => {
    const unsafe = await mkdtemp(join(tmpdir(), 'vigie-templates-unsafe-'));
    try {
      await mkdir(join(unsafe, 'drafts/fr'), { recursive: true });
      await writeFile(join(unsafe, 'drafts/fr/notice.email-html.mustache'), '<p>{{{breach.summary}}}</p>\n');
      await expect(loadTemplateOverrides(unsafe)).rejects.toThrow('configuration error: VIGIE_TEMPLATES_DIR: drafts/fr/notice.email-html.mustache writes {{{breach.summary}}} unescaped');
    } finally {
      await rm(unsafe, { recursive: true, force: true });
    }
  });

  it('stops start-up with a message naming the setting when the directory is missing', async () => {
    await expect(loadTemplateOverrides(join(dir, 'nope'))).rejects.toThrow('VIGIE_TEMPLATES_DIR is not a readable directory');
  });
});
