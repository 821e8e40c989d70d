import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { createMaintenanceHolder, maintenancePolicyFromConfig } from '../../src/maintenance/holder.js';
import { silentLogger } from '../../src/logger.js';
import { consoleApp, signIn } from '../console/console-app.js';
import { bypassKey } from '../maintenance/maintenance-app.js';
import { pajemploiInput } from '../notices/fixtures.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { usePersonalDataHygiene } from '../helpers/hygiene.js';
import { testConfig } from '../helpers/test-app.js';

// Markup typed into any free-text field of a breach (by a careless or hostile staff member, or pasted from
// a ticket) comes out escaped in every HTML Vigie produces: the register document, the drafts' e-mail HTML,
// the maintenance page, the console.

const payloads = ['<img src=x onerror=alert(1)>', '"><script>alert(2)</script>', "'><svg onload=alert(3)>"];
const marked = (text: string, n = 0) => `${text} ${payloads[n % payloads.length]}`;

function expectEscaped(html: string, label: string) {
  expect(html, label).not.toContain('<img src=x');
  expect(html, label).not.toContain('<script>alert(2)');
  expect(html, label).not.toContain('<svg onload');
  expect(html, label).not.toMatch(/<[^>]*\bon(error|load)=alert/);
}

describe('markup in breach fields is escaped in every HTML output', () => {
  usePersonalDataHygiene();
  let database: TestDatabase;
  const clock = manualClock('2020-03-31T14:00:00Z');
  let built: ReturnType<typeof consoleApp>;
  let holder: ReturnType<typeof createMaintenanceHolder>;
  let breachId = '';

  beforeAll(async () => {
    database = await openTestDatabase('embedded');
    const env = { VIGIE_MAINTENANCE_BYPASS_KEY: bypassKey, VIGIE_ORG_NAME: marked('Organisation', 0) };
    holder = createMaintenanceHolder({ db: database.db, clock, logger: silentLogger, policy: maintenancePolicyFromConfig(testConfig(env)), coldStart: 'open', refreshIntervalMs: 60_000 });
    await holder.start();
    built = consoleApp({ db: database.db, clock, env, deps: { maintenance: holder } });
    const call = async (method: string, path: string, body: unknown, roles: Parameters<typeof built.auth>[0] = ['dpo']) => {
      const res = await built.app.request(`/_vigie${path}`, { method, headers: { ...(await built.auth(roles)), 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const created = await call('POST', '/breaches', {
      title: marked('Titre', 0),
      summary: marked('Résumé', 1),
      natures: ['confidentiality'],
      origins: ['other'],
      originOther: marked('Origine', 2),
      causes: ['other'],
      causeOther: marked('Cause', 0),
      circumstances: marked('Circonstances', 1),
      awareAt: '2020-03-31T11:30:00+02:00',
      personCategories: ['users', 'other'],
      personCategoriesOther: marked('Personnes', 2),
      dataCategories: ['contact', 'other'],
      dataCategoriesOther: marked('Données', 0),
      consequencesDetail: marked('Conséquences', 2),
      summaryForPeople: marked('Pour les personnes', 0),
      reason: marked('Raison', 1),
    });
    breachId = created.id;
    await call('POST', `/breaches/${breachId}/events`, { kind: 'note', at: '2020-03-31T15:40:00+02:00', summary: marked('Note', 2) });
    await call('POST', '/maintenance/windows', { reason: marked('Raison interne', 0), publicMessage: marked('Retour vers 15 h', 1), bypassLink: false }, ['sre']);
    await holder.refresh();
  }, 120_000);
  afterAll(async () => {
    await holder.stop();
    await database.close();
  });

  it('the register document (HTML) escapes every field, in French and English', async () => {
    for (const lang of ['fr', 'en']) {
      const res = await built.app.request(`/_vigie/breaches/${breachId}/document?format=html&lang=${lang}`, { headers: await built.auth(['dpo']) });
      expect(res.status).toBe(200);
      const html = await res.text();
      expectEscaped(html, `document ${lang}`);
      expect(html, html.slice(html.indexOf('Titre'), html.indexOf('Titre') + 200)).toMatch(/Titre (&lt;|&#60;)img src=x/);
    }
  });

  it("the drafts' e-mail HTML escapes every free-text field of their input", async () => {
    // Every free-text string of the Pajemploi input gets markup (codes, dates, addresses and numbers stay valid).
    const inject = (value: unknown, n = { i: 0 }): unknown => {
      if (typeof value === 'string') return /\s/.test(value) && !/^https?:|@|^\+?[\d ]+$/.test(value) ? marked(value, n.i++) : value;
      if (Array.isArray(value)) return value.map((item) => inject(item, n));
      if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inject(v, n)]));
      return value;
    };
    const input = inject(pajemploiInput());
    let checked = 0;
    for (const kind of ['notice', 'apology']) {
      const res = await built.app.request('/_vigie/drafts/preview', {
        method: 'POST',
        headers: { ...(await built.auth(['comms'])), 'content-type': 'application/json' },
        body: JSON.stringify({ kind, channel: 'email', lang: 'fr', input }),
      });
      const body = (await res.json()) as { parts?: Record<string, string> };
      expect(res.status, JSON.stringify(body).slice(0, 400)).toBe(200);
      for (const [name, text] of Object.entries(body.parts!)) {
        if (!/html/.test(name)) continue;
        expectEscaped(text, `${kind} ${name}`);
        expect(text).toContain('&lt;');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('the maintenance page escapes the public message (and never shows the reason)', async () => {
    const res = await built.app.request('/espace', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(503);
    const html = await res.text();
    expectEscaped(html, 'maintenance page');
    expect(html).toContain('Retour vers 15 h');
    expect(html).not.toContain('Raison interne');
  });

  it('the console pages escape breach titles and maintenance messages', async () => {
    const { cookie } = await signIn(built, 'dora', ['dpo', 'sre']);
    for (const path of ['/_vigie/console', '/_vigie/console/maintenance']) {
      const res = await built.app.request(path, { headers: { cookie } });
      expect(res.status, path).toBe(200);
      const html = await res.text();
      expectEscaped(html, path);
    }
  });
});
