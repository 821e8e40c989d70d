import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBreachBody } from '../../src/breaches/breach-facts.js';
import { openBreach } from '../../src/breaches/edit-breach.js';
import { startRun } from '../../src/playbooks/runs.js';
import { chromiumPath, launchBrowser } from '../helpers/browser.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { openPage, seriousViolations, signInWithLink } from '../console/browser-helpers.js';
import { consoleApp, serveApp } from '../console/console-app.js';

if (!chromiumPath) console.warn('no Chromium (set VIGIE_CHROMIUM or install chromium): the playbook console test is skipped');

describe.skipIf(!chromiumPath).each(engines())('playbook tasks in the console, in a real browser, on %s', (engine) => {
  let database: TestDatabase;
  let built: ReturnType<typeof consoleApp>;
  let served: Awaited<ReturnType<typeof serveApp>>;
  let browser: Browser;
  let breachId: string;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    built = consoleApp({ db: database.db });
    const now = Date.now();
    const { id } = await openBreach(
      built.deps,
      openBreachBody.parse({ title: 'Pages d’autres usagers', discoveredAt: new Date(now - 3600_000).toISOString(), awareAt: new Date(now - 1800_000).toISOString() }),
      { subject: 'dora', roles: ['dpo'] },
    );
    breachId = String(id);
    await startRun(built.deps, breachId, { playbook: 'wrong-user-data', reason: 'Cache mal configuré' }, { subject: 'sami', roles: ['sre'] });
    served = await serveApp(built.app.fetch);
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await database?.close();
  });

  it('lists the tasks with owners and due times, accessible in French and English', async () => {
    for (const locale of ['fr-FR', 'en-GB']) {
      const { context, page, problems } = await openPage(browser, { locale });
      await signInWithLink(page, built.deps, served.base, 'carole', ['comms']);
      await page.goto(`${served.base}/_vigie/console/playbooks`);
      expect(await seriousViolations(page), locale).toEqual([]);
      const heading = await page.textContent('h2[id^="run-"]');
      expect(heading).toContain(`${locale === 'fr-FR' ? 'Violation' : 'Breach'} ${breachId}`);
      const maintenance = await page.textContent('tbody tr:first-child');
      expect(maintenance).toContain(locale === 'fr-FR' ? 'Mettre le service (ou la partie touchée) en maintenance' : 'Put the service (or the part at fault) in maintenance');
      expect(maintenance).toContain(locale === 'fr-FR' ? 'en retard' : 'overdue');
      // Communications staff may not mark the SRE's task.
      expect(await page.locator('tbody tr:first-child a').count()).toBe(0);
      expect(problems).toEqual([]);
      await context.close();
    }
  }, 120_000);

  it('lets the owner mark a task done, saying why, with the error inline first', async () => {
    const { context, page, problems } = await openPage(browser);
    await signInWithLink(page, built.deps, served.base, 'sami', ['sre']);
    await page.goto(`${served.base}/_vigie/console/playbooks`);
    await page.click('tbody tr:first-child a');
    expect(await seriousViolations(page)).toEqual([]);
    await page.fill('#done-reason', 'x');
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/playbooks/done')), page.click('#change-form button')]);
    expect(await page.textContent('#done-reason-error')).toBe('dites pourquoi (au moins 3 caractères)');
    await page.fill('#done-reason', 'Maintenance en place');
    await Promise.all([page.waitForURL(/changed=done/), page.click('#change-form button')]);
    expect(await page.textContent('#task-notice')).toContain('La tâche est marquée comme faite.');
    const row = await page.textContent('tbody tr:first-child');
    expect(row).toContain('faite');
    expect(row).toContain('par sami : Maintenance en place');
    const stored = await database.db.selectFrom('playbook_task').select(['done_by', 'done_reason']).where('step_id', '=', 'maintenance').executeTakeFirstOrThrow();
    expect(stored).toEqual({ done_by: 'sami', done_reason: 'Maintenance en place' });
    expect(problems.filter((p) => !p.includes('status of 400'))).toEqual([]);
    await context.close();
  }, 120_000);
});
