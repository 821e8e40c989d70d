import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import type { Db } from '../../src/db/database.js';
import { openDatabase } from '../../src/entry/open-database.js';
import { createPgNotifications } from '../../src/entry/pg-notifications.js';
import { silentLogger } from '../../src/logger.js';
import { createMaintenanceHolder, maintenancePolicyFromConfig } from '../../src/maintenance/holder.js';
import { chromiumPath, launchBrowser } from '../helpers/browser.js';
import { openTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/databases.js';
import { testConfig } from '../helpers/test-app.js';
import { openPage, signInWithLink } from './browser-helpers.js';
import { consoleApp, serveApp } from './console-app.js';

/** A Vigie instance as the Node entry builds it: its own pool, its own LISTEN connection, its maintenance holder. */
async function instance(schema: string, closers: (() => Promise<void>)[]) {
  const { db } = await openDatabase({ databaseUrl: testDatabaseUrl, databasePoolSize: 3, dataDir: '' }, { schema });
  const notifications = createPgNotifications({ connectionString: testDatabaseUrl!, logger: silentLogger, minBackoffMs: 100, maxBackoffMs: 500 });
  const config = testConfig();
  const holder = createMaintenanceHolder({
    db: db as Db,
    notifications,
    clock: systemClock,
    logger: silentLogger,
    policy: maintenancePolicyFromConfig(config),
    coldStart: 'open',
    refreshIntervalMs: 3_600_000,
  });
  await holder.start();
  closers.push(async () => {
    await holder.stop();
    await notifications.close();
    await db.destroy();
  });
  return consoleApp({ db: db as Db, deps: { maintenance: holder, notifications } });
}

describe.skipIf(!testDatabaseUrl || !chromiumPath)('the SRE switches maintenance on from the console; another instance answers 503 (PostgreSQL)', () => {
  let database: TestDatabase;
  let browser: Browser;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    database = await openTestDatabase('postgresql');
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    for (const close of closers.reverse()) await close();
    await database?.close();
  });

  it('holds on the second instance within a second, and lets it go when ended from the console', async () => {
    const first = await instance(database.schema!, closers);
    const second = await instance(database.schema!, closers);
    const served = await serveApp(first.app.fetch);
    closers.push(served.close);
    const site = () => second.app.request('/declarations/mars', { headers: { Accept: 'application/json' } });
    expect((await site()).status).toBe(404); // no service behind these instances: open

    const { context, page } = await openPage(browser);
    await signInWithLink(page, first.deps, served.base, 'sam', ['sre']);
    await page.goto(`${served.base}/_vigie/console/maintenance`);
    await page.fill('#start-reason', 'Données affichées à la mauvaise personne');
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/maintenance/start')), page.click('#start-submit')]);
    await page.waitForSelector('#maintenance-notice');
    expect(await page.textContent('#maintenance-notice')).toContain('tout le site');
    const clicked = performance.now();
    while ((await site()).status !== 503) {
      expect(performance.now() - clicked).toBeLessThan(1000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const blocked = await site();
    expect(blocked.headers.get('retry-after')).toBeTruthy();

    const windowId = (await database.db.selectFrom('maintenance_event').select('window_id').executeTakeFirstOrThrow()).window_id;
    await page.fill(`#end-${windowId}-reason`, 'Cache corrigé');
    await Promise.all([page.waitForURL(/done=ended/), page.press(`#end-${windowId}-reason`, 'Enter')]);
    const ended = performance.now();
    while ((await site()).status === 503) {
      expect(performance.now() - ended).toBeLessThan(1000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await context.close();
  }, 120_000);
});
