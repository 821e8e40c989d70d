/**
 * Screenshots of each console page for the README (docs/console/*.png), from a throwaway embedded database
 * seeded with an incident: `npm run screenshots:console`. Needs Chromium (as the page tests do).
 */
import { mkdirSync } from 'node:fs';
import { assessBreach } from '../src/breaches/assess.js';
import { editBreach, openBreach } from '../src/breaches/edit-breach.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { openDatabase } from '../src/entry/open-database.js';
import { startMaintenance } from '../src/maintenance/service.js';
import { chromiumPath, launchBrowser } from '../test/helpers/browser.js';
import { openPage, signInWithLink } from '../test/console/browser-helpers.js';
import { consoleApp, serveApp } from '../test/console/console-app.js';
import { seedIncident } from '../test/console/seed.js';

const out = new URL('../docs/console/', import.meta.url);
if (!chromiumPath) throw new Error('no Chromium: install the chromium package or set VIGIE_CHROMIUM');
mkdirSync(out, { recursive: true });

const { db } = await openDatabase({ databaseUrl: undefined, databasePoolSize: 1, dataDir: '' }, { inMemory: true });
await migrateToLatest(db);
const now = new Date();
const incident = await seedIncident(db, now);
const built = consoleApp({ db });
const actor = { subject: 'dora', roles: ['dpo' as const] };
// A breach whose 72-hour clock has less than 12 hours left (shown in red), another just opened.
await openBreach(built.deps, { title: 'Cache mal configuré : pages d’espace personnel servies à d’autres', awareAt: new Date(now.getTime() - 62 * 3600_000).toISOString(), natures: ['confidentiality'] }, actor);
await openBreach(built.deps, { title: 'Courriel envoyé au mauvais destinataire', awareAt: new Date(now.getTime() - 5 * 3600_000).toISOString() }, actor);
await startMaintenance(built.deps, { reason: 'Données affichées à la mauvaise personne : espace déclarations fermé le temps de corriger le cache', scope: '/declarations', plannedEnd: new Date(now.getTime() + 3 * 3600_000) }, { subject: 'sam', roles: ['sre'] });

const served = await serveApp(built.app.fetch);
const browser = await launchBrowser();
try {
  const { context, page } = await openPage(browser);
  await page.setViewportSize({ width: 1200, height: 860 });
  const shot = (name: string) => page.screenshot({ path: new URL(`${name}.png`, out).pathname, fullPage: false });
  await page.goto(`${served.base}/_vigie/console/sign-in`);
  await shot('sign-in');
  await signInWithLink(page, built.deps, served.base, 'dora', ['dpo', 'sre']);
  await shot('situation');
  await page.goto(`${served.base}/_vigie/console/maintenance`);
  await shot('maintenance');
  await page.goto(`${served.base}/_vigie/console/exposure?from=${encodeURIComponent(incident.from.toISOString())}&to=${encodeURIComponent(incident.to.toISOString())}`);
  await page.waitForSelector('#exposure-chart canvas');
  await page.evaluate(() => document.querySelector('#chart-title')?.scrollIntoView());
  await shot('exposure');
  // The breach opened from this report, as the DPO does it; assessed, then its page: clocks and facts, population.
  await page.fill('#open-breach-form input[name="reason"]', 'Rapport d’exposition de l’incident');
  await Promise.all([page.waitForURL(/\/breaches\/\d+/), page.click('#open-breach-submit')]);
  const breachId = /\/breaches\/(\d+)/.exec(page.url())![1]!;
  await editBreach(
    built.deps,
    breachId,
    {
      changes: {
        awareAt: new Date(now.getTime() - 62 * 3600_000).toISOString(),
        summary: 'Un cache a servi à des usagers connectés les pages personnelles d’autres usagers.',
        natures: ['confidentiality'],
        origins: ['wrong-person-on-portal'],
        personCategories: ['users'],
      },
      reason: 'Premiers faits établis',
    },
    actor,
  );
  await assessBreach(built.deps, breachId, { easeOfIdentification: 'maximum', likelyConsequences: 'limited' }, actor);
  await page.goto(`${served.base}/_vigie/console/breaches/${breachId}`);
  await shot('breach');
  await page.waitForSelector('#population-chart canvas');
  await page.evaluate(() => {
    document.querySelector('#population-title')?.scrollIntoView();
    window.scrollBy(0, -24);
  });
  await shot('breach-population');
  await context.close();
  console.log(`screenshots: ${['sign-in', 'situation', 'maintenance', 'exposure', 'breach', 'breach-population'].map((n) => `docs/console/${n}.png`).join(', ')}`);
} finally {
  await browser.close();
  await served.close();
  await db.destroy();
}
