import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endAllMaintenance, startMaintenance, systemActor } from '../../src/maintenance/service.js';
import { chromiumPath, launchBrowser } from '../helpers/browser.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { openPage, seriousViolations, signInWithLink, tabTo } from './browser-helpers.js';
import { consoleApp, serveApp } from './console-app.js';
import { seedIncident } from './seed.js';

describe.skipIf(!chromiumPath).each(engines())('the console in a real browser, on %s', (engine) => {
  let database: TestDatabase;
  let built: ReturnType<typeof consoleApp>;
  let served: Awaited<ReturnType<typeof serveApp>>;
  let browser: Browser;
  let incident: Awaited<ReturnType<typeof seedIncident>>;
  let base: string;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    incident = await seedIncident(database.db, new Date());
    built = consoleApp({ db: database.db });
    served = await serveApp(built.app.fetch);
    base = served.base;
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await database?.close();
  });

  it('has no serious or critical accessibility violation on any page, in French and in English, and no CSP violation', async () => {
    for (const locale of ['fr-FR', 'en-GB']) {
      const { context, page, problems } = await openPage(browser, { locale });
      await page.goto(`${base}/_vigie/console`);
      expect(page.url()).toContain('/_vigie/console/sign-in?return=');
      expect(await seriousViolations(page), `sign-in ${locale}`).toEqual([]);
      await signInWithLink(page, built.deps, base, 'dora', ['dpo', 'sre']);
      for (const path of ['', '/maintenance', '/exposure', '/breaches']) {
        await page.goto(`${base}/_vigie/console${path}`);
        expect(await page.getAttribute('html', 'lang')).toBe(locale.slice(0, 2));
        expect(await seriousViolations(page), `${path || '/'} ${locale}`).toEqual([]);
      }
      expect(problems).toEqual([]);
      await context.close();
    }
  }, 120_000);

  it('lets the SRE switch maintenance on and off with the keyboard alone, with inline errors first', async () => {
    const { context, page, problems } = await openPage(browser);
    await signInWithLink(page, built.deps, base, 'sam', ['sre']);
    await page.goto(`${base}/_vigie/console/maintenance`);
    await tabTo(page, '#start-scope-site');
    await page.keyboard.press('ArrowDown'); // the prefix radio
    await tabTo(page, '#start-prefix');
    await page.keyboard.type('/declarations');
    await tabTo(page, '#start-readOnly');
    await page.keyboard.press('Space');
    await tabTo(page, '#start-plannedEnd');
    await page.keyboard.type('2020-03-31 15:15'); // in the past: refused
    await tabTo(page, '#start-reason');
    await page.keyboard.type('Données affichées à la mauvaise personne');
    await tabTo(page, '#start-submit');
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/maintenance/start')), page.keyboard.press('Enter')]);
    await page.waitForSelector('#start-plannedEnd-error');
    expect(await page.textContent('#start-plannedEnd-error')).toBe("doit être dans le futur (une fenêtre déjà passée s'enregistre dans l'historique)");
    expect(await page.inputValue('#start-reason')).toBe('Données affichées à la mauvaise personne');
    expect(await page.isChecked('#start-readOnly')).toBe(true);

    await page.fill('#start-plannedEnd', '');
    await tabTo(page, '#start-submit');
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/maintenance/start')), page.keyboard.press('Enter')]);
    await page.waitForSelector('#maintenance-notice');
    expect(await page.textContent('#maintenance-notice')).toContain('La maintenance est en vigueur sur /declarations.');
    const link = await page.textContent('#bypass-link');
    expect(link).toMatch(new RegExp(`^${base}/_vigie/maintenance/bypass/[A-Za-z0-9_-]+$`));
    const windows = await database.db.selectFrom('maintenance_event').selectAll().where('kind', '=', 'started').execute();
    expect(windows).toMatchObject([{ scope: '/declarations', read_only: true, actor: 'sam', reason: 'Données affichées à la mauvaise personne' }]);

    await page.goto(`${base}/_vigie/console/maintenance`);
    const windowId = windows[0]!.window_id;
    await tabTo(page, `#end-${windowId}-reason`);
    await page.keyboard.type('Cache corrigé');
    await page.keyboard.press('Enter');
    await page.waitForURL(/done=ended/);
    expect(await page.textContent('#no-window')).toContain('le service est ouvert');
    expect(await page.textContent('#history tbody')).toContain('Cache corrigé');
    // The refused form came back as a 400 page, which Chromium reports; nothing else went wrong.
    expect(problems.filter((p) => !p.includes('status of 400'))).toEqual([]);
    await context.close();
  }, 120_000);

  it('refreshes the situation by itself when maintenance changes elsewhere', async () => {
    // Whatever an earlier test left, the site starts open here.
    await endAllMaintenance(built.deps, { reason: 'test start' }, systemActor);
    const { context, page, problems } = await openPage(browser);
    await signInWithLink(page, built.deps, base, 'sam', ['sre']);
    expect(await page.textContent('#maintenance-state')).toContain('Service ouvert');
    expect(await page.isVisible('#live-toggle')).toBe(true);
    const before = await page.getAttribute('#updated-time', 'datetime');
    const started = await startMaintenance(built.deps, { reason: 'Depuis la ligne de commande' }, systemActor);
    await page.waitForFunction(() => document.querySelector('#maintenance-state')?.textContent?.includes('En maintenance'), undefined, { timeout: 8_000 });
    expect(await page.getAttribute('#updated-time', 'datetime')).not.toBe(before);
    await built.deps.db!.deleteFrom('maintenance_event').where('window_id', '=', started.event.window_id).execute().catch(() => undefined);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);

  it('says so when the exposure chart’s data does not come, and still shows the counts', async () => {
    const { context, page, problems } = await openPage(browser);
    await signInWithLink(page, built.deps, base, 'dora', ['dpo']);
    await page.route('**/_vigie/console/exposure/series?*', (route) => route.fulfill({ status: 503, contentType: 'application/problem+json', body: '{"status":503}' }));
    await page.goto(`${base}/_vigie/console/exposure?from=${incident.from.toISOString()}&to=${incident.to.toISOString()}`);
    await page.waitForSelector('#chart-failed:not([hidden])');
    expect(await page.isVisible('#chart-failed')).toBe(true);
    expect(await page.locator('#exposure-chart canvas').count()).toBe(0);
    expect(await page.isVisible('#chart-table')).toBe(false);
    expect(await page.textContent('#count-people')).toBe(String(incident.people));
    // The only complaint is the browser's about the refused request; no script error.
    expect(problems.filter((text) => !/status of 503/.test(text))).toEqual([]);
    await context.close();
  }, 60_000);

  it('takes the DPO from an exposure alert to a breach with its window, counts and population', async () => {
    const { context, page, problems } = await openPage(browser);
    await signInWithLink(page, built.deps, base, 'dora', ['dpo']);
    await page.click('#alerts a');
    await page.waitForURL(/\/exposure\?alert=/);
    expect(await page.textContent('#window-origin')).toMatch(/^Fenêtre de l’alerte \d+$/);
    // The chart's script read the minute series from exposure/series (not in the page) and uPlot drew it; the
    // same figures fill the table: one row per minute with a response, the 60 mix-ups among them.
    await page.waitForSelector('#exposure-chart canvas');
    await page.waitForSelector('#chart-table:not([hidden])');
    expect(await page.getAttribute('#exposure-chart', 'aria-busy')).toBeNull();
    const others = await page.$$eval('#chart-rows tr td:nth-child(3)', (cells) => cells.reduce((sum, cell) => sum + Number(cell.textContent), 0));
    expect(others).toBe(incident.people);
    expect(await page.isVisible('#chart-failed')).toBe(false);
    expect(await page.textContent('#count-people')).toBe(String(incident.people));
    expect(await page.textContent('#count-receivers')).toBe('40');
    expect(await page.textContent('#count-responses')).toBe(String(incident.people));
    expect(await page.getAttribute('#first-exposure time', 'datetime')).toBe(incident.leakFrom.toISOString());
    // 60 people, 50 a page; then a search.
    expect(await page.locator('#people tbody tr').count()).toBe(50);
    await page.click('#people-next');
    expect(await page.locator('#people tbody tr').count()).toBe(10);
    await page.fill('#people-q', 'p-1007');
    await page.press('#people-q', 'Enter');
    await page.waitForURL(/q=p-1007/);
    expect(await page.locator('#people tbody tr').count()).toBe(1);

    await page.fill('#open-breach-form input[name="reason"]', 'Rapport d’exposition de l’alerte');
    await Promise.all([page.waitForURL(/\/breaches\/\d+\?done=fromExposure/), page.click('#open-breach-submit')]);
    expect(await page.textContent('#breach-notice')).toContain(`avec ${incident.people} personne(s)`);
    const breachId = /\/breaches\/(\d+)/.exec(page.url())![1]!;
    const breach = await database.db.selectFrom('breach').selectAll().where('id', '=', breachId).executeTakeFirstOrThrow();
    const facts = (typeof breach.facts === 'string' ? JSON.parse(breach.facts) : breach.facts) as Record<string, unknown>;
    expect(facts).toMatchObject({ peopleCount: incident.people, startedAt: incident.leakFrom.toISOString() });
    const population = await database.db.selectFrom('breach_person').select(({ fn }) => fn.countAll().as('n')).where('breach_id', '=', breachId).executeTakeFirstOrThrow();
    expect(Number(population.n)).toBe(incident.people);
    // The situation now shows the breach with its clock.
    await page.goto(`${base}/_vigie/console`);
    expect(await page.textContent('#breaches')).toContain(`Violation ${breachId}`);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
