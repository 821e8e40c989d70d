import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { deliveryContext } from '../../src/delivery/wiring.js';
import { carrierPrefixes, sendAndWatch, startSmsStandIn, type SmsStandIn } from '../delivery/fixtures.js';
import { chromiumPath, launchBrowser } from '../helpers/browser.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { freePort } from '../helpers/processes.js';
import { openPage, seriousViolations, signInWithLink, tabTo } from './browser-helpers.js';
import { campaignConsoleApp, makePeople, runSampleCampaign, seedApprovedSmsDraft } from './campaign-seed.js';
import { serveApp } from './console-app.js';

const minute = 60_000;

/**
 * Communications' job end to end, in Chromium: a campaign from the approved SMS notice, started from the
 * console, sent through a local SMS provider that posts signed receipts back over HTTP, one carrier (Orange)
 * failing every message; the page shows it on the chart, in the alerts and the reconciliation; the resend goes
 * to exactly the people not reached, its count confirmed with the keyboard alone.
 */
describe.skipIf(!chromiumPath).each(engines())('communications run a campaign in a real browser, on %s', (engine) => {
  let database: TestDatabase;
  let built: ReturnType<typeof campaignConsoleApp>;
  let served: Awaited<ReturnType<typeof serveApp>>;
  let stand: SmsStandIn;
  let browser: Browser;
  let seeded: { breachId: string; draftId: string };
  // The app, the sender and the monitor share one clock, moved by the test as a worker's time would pass.
  // Each engine's run an hour apart: the same receipts signed at the same second would be refused as replays
  // (the webhook's replay guard is per process, and both runs share this one).
  const clock = manualClock(new Date(Date.now() - (engine === 'postgresql' ? 3_600_000 : 0)));
  // 60 people on each of four carriers: enough for the monitor to judge a carrier (50 at least).
  const people = makePeople(240);
  const onOrange = people.filter((p) => p.phone!.startsWith(carrierPrefixes.Orange)).map((p) => p.id).sort();

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    built = campaignConsoleApp(database.db, clock, people);
    seeded = await seedApprovedSmsDraft(built, people);
    served = await serveApp(built.app.fetch);
    stand = await startSmsStandIn(() => `${served.base}/_vigie/delivery/receipts/sms`, await freePort(), () => clock.now());
    stand.setBehaviour('Orange', 'fail');
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stand?.close();
    await served?.close();
    await database?.close();
  });

  it('creates and starts the campaign, shows the failing carrier, and resends to exactly the undelivered after confirming the count', async () => {
    const { context, page, problems } = await openPage(browser);
    await signInWithLink(page, built.deps, served.base, 'carole', ['comms']);
    await page.click('a.fr-nav__link[href$="/campaigns"]');
    await page.waitForURL(/\/campaigns$/);
    expect(await seriousViolations(page), 'campaign list').toEqual([]);
    await page.click(`#preview-${seeded.draftId}`);
    expect(await page.textContent('#draft-preview [data-part="sms"]')).toContain('Urssaf - Pajemploi');
    expect(await seriousViolations(page), 'campaign list with a preview').toEqual([]);

    // Create from the approved draft: nothing leaves yet.
    await page.selectOption('#create-draftId', seeded.draftId);
    await page.selectOption('#create-channel', 'sms');
    await page.fill('#create-reason', 'Art. 34 : information des personnes');
    await Promise.all([page.waitForURL(/done=created/), page.click('#create-submit')]);
    const campaignId = /\/campaigns\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    expect(await page.textContent('#campaign-notice')).toContain('240 message(s) en file');
    expect(await page.getAttribute('#campaign-status', 'data-status')).toBe('ready');
    expect(stand.handoffs).toBe(0);

    await page.fill('#control-reason', 'Approuvé par la DPO');
    await Promise.all([page.waitForURL(/done=start/), page.click('#control-start')]);
    expect(await page.getAttribute('#campaign-status', 'data-status')).toBe('running');

    // A worker sends; receipts come back over HTTP; the monitor runs every minute of the clock.
    const delivery = deliveryContext(built.deps);
    await sendAndWatch(delivery, stand, clock, () => false, { untilIdle: true });
    for (let i = 0; i < 3; i++) {
      clock.advance(minute);
      await sendAndWatch(delivery, stand, clock, () => false, { maxRounds: 13 });
    }
    expect(stand.delivered.size).toBe(240);

    await page.goto(`${served.base}/_vigie/console/campaigns/${campaignId}`);
    await page.waitForSelector('#campaign-chart-all canvas');
    // One chart per carrier besides the campaign's: five in all, drawn from campaigns/:id/series (not in the
    // page); the same figures fill the table, whose last row is the whole campaign's running totals.
    expect(await page.locator('.vigie-chart canvas').count()).toBe(5);
    await page.waitForSelector('#chart-table:not([hidden])');
    expect(await page.locator('#chart-rows tr:last-child td').allTextContents()).toEqual([expect.any(String), '240', '180', String(onOrange.length), '0', '0']);
    expect(await page.isVisible('#chart-failed')).toBe(false);
    expect(await page.textContent('#count-delivered')).toBe('180');
    expect(await page.textContent('#count-failed')).toBe(String(onOrange.length));
    const orangeRow = page.locator('#reconciliation-carrier tr[data-value="Orange"]');
    expect(await orangeRow.locator('[data-col="failed"]').textContent()).toBe(String(onOrange.length));
    expect(await orangeRow.locator('th .fr-badge').textContent()).toBe('anomalie');
    expect(await page.locator('#campaign-alerts li').count()).toBe(1);
    expect(await page.getAttribute('#campaign-alerts li', 'data-value')).toBe('Orange');
    expect(await seriousViolations(page), 'campaign page').toEqual([]);

    // The resend with the keyboard alone: failed and unknown are ticked by default.
    await page.focus('#resend-title');
    await tabTo(page, '#resend-state-failed');
    expect(await page.isChecked('#resend-state-failed')).toBe(true);
    await tabTo(page, '#resend-reason');
    await page.keyboard.type('Échecs chez Orange : renvoi');
    await tabTo(page, '#resend-check');
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/resend')), page.keyboard.press('Enter')]);
    await page.waitForSelector('#resend-confirmation');
    expect(await page.textContent('#resend-confirm-text')).toContain(`Le renvoi partira vers ${onOrange.length} personne(s)`);
    expect(await page.textContent('#resend-confirm')).toBe(`Confirmer : renvoyer à ${onOrange.length} personne(s)`);
    expect(await seriousViolations(page), 'resend confirmation').toEqual([]);
    // Nothing has left or been created before the confirmation.
    expect(await database.db.selectFrom('delivery_campaign').select('id').where('resend_of', '=', campaignId).execute()).toEqual([]);
    const handedBefore = stand.handoffs;

    await page.focus('#resend-confirm-title');
    await tabTo(page, '#resend-confirm');
    await Promise.all([page.waitForURL(/done=resent/), page.keyboard.press('Enter')]);
    expect(await page.textContent('#campaign-notice')).toContain(`${onOrange.length} message(s) en file`);
    const resendId = /\/campaigns\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    expect(await page.getAttribute('#campaign-status', 'data-status')).toBe('running');
    const resend = await database.db.selectFrom('delivery_campaign').selectAll().where('id', '=', resendId).executeTakeFirstOrThrow();
    expect(resend).toMatchObject({ resend_of: campaignId, created_by: 'carole', reason: 'Échecs chez Orange : renvoi', total: onOrange.length });
    const messages = await database.db.selectFrom('delivery_message').select(['person_id', 'destination']).where('campaign_id', '=', resendId).orderBy('person_id').execute();
    expect(messages.map((m) => m.person_id)).toEqual(onOrange);
    expect(messages.every((m) => m.destination.startsWith(carrierPrefixes.Orange))).toBe(true);

    // And it leaves: the worker hands off exactly those.
    stand.setBehaviour('Orange', 'deliver');
    await sendAndWatch(delivery, stand, clock, () => false, { untilIdle: true });
    expect(stand.handoffs - handedBefore).toBe(onOrange.length);
    // The 400 of a refused form is the only thing Chromium may report; there was none here.
    expect(problems).toEqual([]);
    await context.close();
  }, 240_000);

  it('shows a reading role the campaign in English without its forms or serious accessibility violations', async () => {
    const { campaignId } = await runSampleCampaign(database.db, makePeople(240));
    const { context, page, problems } = await openPage(browser, { locale: 'en-GB' });
    await signInWithLink(page, built.deps, served.base, 'dora', ['dpo']);
    await page.goto(`${served.base}/_vigie/console/campaigns`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.isVisible('#create-form')).toBe(false);
    expect(await seriousViolations(page), 'campaign list, en').toEqual([]);
    await page.click(`a[data-campaign="${campaignId}"]`);
    await page.waitForSelector('#campaign-chart-all canvas');
    expect(await page.textContent('#campaign-alerts li strong')).toBe('failure rate — Orange');
    expect(await page.locator('#control-form, #resend-form').count()).toBe(0);
    expect(await seriousViolations(page), 'campaign page, en').toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
