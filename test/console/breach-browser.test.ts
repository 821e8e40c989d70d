import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBreach } from '../../src/breaches/edit-breach.js';
import { addPopulation } from '../../src/breaches/population.js';
import { wallTime } from '../../src/console/components.js';
import { createDraft } from '../../src/notices/drafts-service.js';
import { draftInputFromRegister } from '../../src/notices/from-breach.js';
import { chromiumPath, launchBrowser } from '../helpers/browser.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { openPage, seriousViolations, signInWithLink, tabTo } from './browser-helpers.js';
import { consoleApp, serveApp } from './console-app.js';
import { seedIncident } from './seed.js';

const zone = 'Europe/Paris';

/** Submits a form with the keyboard (Enter on its focused button) and waits for the answer to its POST. */
async function submitWithKeyboard(page: Page, button: string, action: string) {
  await tabTo(page, button, 400);
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(action)), page.keyboard.press('Enter')]);
  await page.waitForLoadState('load');
}

describe.skipIf(!chromiumPath).each(engines())('the DPO’s journey in a real browser, on %s', (engine) => {
  let database: TestDatabase;
  let built: ReturnType<typeof consoleApp>;
  let served: Awaited<ReturnType<typeof serveApp>>;
  let browser: Browser;
  let incident: Awaited<ReturnType<typeof seedIncident>>;
  let base: string;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    incident = await seedIncident(database.db, new Date());
    built = consoleApp({ db: database.db, env: { VIGIE_ORG_NAME: 'Caisse Exemple', VIGIE_DPO_CONTACT: 'Jeanne Martin <dpo@example.fr>' } });
    served = await serveApp(built.app.fetch);
    base = `${served.base}/_vigie/console`;
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await database?.close();
  });

  it('goes from an exposure alert to a breach, an assessment and an approved, filed CNIL draft; the facts with the keyboard alone', async () => {
    const { context, page, problems } = await openPage(browser);
    await signInWithLink(page, built.deps, served.base, 'dora', ['dpo']);
    // The alert → its exposure report → "open a breach from this report".
    await page.click('#alerts a');
    await page.waitForURL(/\/exposure\?alert=/);
    await page.fill('#open-breach-form input[name="reason"]', 'Rapport d’exposition de l’alerte');
    await Promise.all([page.waitForURL(/\/breaches\/\d+\?done=fromExposure/), page.click('#open-breach-submit')]);
    const breachId = /\/breaches\/(\d+)/.exec(page.url())![1]!;
    expect(await page.textContent('#breach-notice')).toContain(`avec ${incident.people} personne(s)`);
    // Window, counts and population came with it: the first and last exposure, the alert on the timeline, 60 people.
    expect(await page.inputValue('#facts-startedAt')).toBe(wallTime(incident.leakFrom, zone));
    expect(await page.inputValue('#facts-peopleCount')).toBe(String(incident.people));
    expect(await page.inputValue('#facts-recipientsCount')).toBe('40');
    expect(await page.textContent('#timeline')).toMatch(/Alerte d’exposition \d+/);
    expect(await page.textContent('#population-counts td[data-status="identified"]')).toBe(String(incident.people));
    await page.waitForSelector('#population-chart canvas');
    expect(await seriousViolations(page), 'breach page').toEqual([]);

    // The facts, with the keyboard alone: a mistake first, shown inline, then corrected.
    const aware = wallTime(new Date(Date.now() - 2 * 3600_000), zone);
    await page.goto(`${base}/breaches/${breachId}`);
    await tabTo(page, '#facts-summary', 200);
    await page.keyboard.type('Un cache a servi à des usagers connectés les pages personnelles d’autres usagers.');
    await tabTo(page, '#facts-certainty');
    await page.keyboard.press('ArrowDown'); // « Établi »
    await tabTo(page, '#facts-natures-confidentiality');
    await page.keyboard.press('Space');
    await tabTo(page, '#facts-origins-wrong-person-on-portal');
    await page.keyboard.press('Space');
    await tabTo(page, '#facts-causes-internal-accidental');
    await page.keyboard.press('Space');
    await tabTo(page, '#facts-awareAt');
    await page.keyboard.type(aware);
    await tabTo(page, '#facts-personCategories-users');
    await page.keyboard.press('Space');
    await tabTo(page, '#facts-peopleCount');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('soixante');
    await tabTo(page, '#facts-consequences-loss-of-control', 100);
    await page.keyboard.press('Space');
    await tabTo(page, '#facts-measuresImmediate');
    await page.keyboard.type('Cache désactivé');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Espace personnel fermé le temps de corriger');
    await tabTo(page, '#facts-reason', 100);
    await page.keyboard.type('Premiers faits établis');
    await submitWithKeyboard(page, '#facts-submit', '/facts');
    expect(await page.textContent('#facts-peopleCount-error')).toBe('doit être un nombre entier');
    // What was typed is still there, the boxes still checked.
    expect(await page.isChecked('#facts-natures-confidentiality')).toBe(true);
    expect(await page.inputValue('#facts-awareAt')).toBe(aware);
    await page.focus('#facts-peopleCount');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(String(incident.people));
    await page.keyboard.press('Enter'); // Enter in a text field submits its form
    await page.waitForURL(/done=facts/);
    expect(await page.textContent('#breach-notice')).toContain('Les faits sont enregistrés');
    expect(await page.textContent('#revisions')).toContain('Premiers faits établis');
    expect(await page.textContent('#clocks')).toMatch(/reste (69|70) h/);

    // The assessment: the register's facts, the DPO's judgement; the score, the recommendation and its reasons.
    await page.selectOption('#assess-easeOfIdentification', 'maximum');
    await page.selectOption('#assess-likelyConsequences', 'limited');
    await Promise.all([page.waitForURL(/done=assessed/), page.click('#assess-submit')]);
    expect(await page.textContent('#assessment-score')).toMatch(/Sévérité ENISA : [\d.]+ \(/);
    expect(await page.locator('#reasons li').count()).toBeGreaterThan(0);
    // The decision: notify the CNIL, with its justification.
    await page.selectOption('#decide-authority', 'notify');
    await page.fill('#decide-justification', 'Données d’identité et financières vues par 40 comptes : notification par prudence.');
    await Promise.all([page.waitForURL(/done=decided/), page.click('#decide-submit')]);
    expect(await page.textContent('#decision')).toContain('Notifier la CNIL');

    // The CNIL draft: written from the register, previewed, approved, filed with its reference.
    await page.selectOption('#draft-kind', 'cnil-initial/form');
    await page.fill('#draft-reason', 'Notification initiale');
    await Promise.all([page.waitForURL(/\/drafts\/\d+\?done=created/), page.click('#draft-submit')]);
    expect(await page.textContent('#preview')).toContain('Un cache a servi à des usagers connectés');
    expect(await seriousViolations(page), 'draft page').toEqual([]);
    await page.fill('#approve-reason', 'Relu avec le RSSI');
    await Promise.all([page.waitForURL(/done=approved/), page.click('#approve-submit')]);
    expect(await page.textContent('#draft-approved')).toContain('Approuvé par dora');
    await page.fill('#file-filedAt', wallTime(new Date(), zone));
    await page.fill('#file-reference', 'CNIL-2020-0331-42');
    await page.fill('#file-reason', 'Déposée sur le téléservice');
    await Promise.all([page.waitForURL(/done=filed/), page.click('#file-submit')]);
    expect(await page.textContent('#draft-filed')).toContain('CNIL-2020-0331-42');

    // The register says so: notified, clock met, the filing and its reference, every step by dora.
    await page.click('#back-to-breach');
    expect(await page.textContent('#breach-status')).toBe('notifiée');
    expect(await page.textContent('#clocks')).toContain('respecté');
    const filing = await database.db.selectFrom('breach_filing').selectAll().where('breach_id', '=', breachId).executeTakeFirstOrThrow();
    expect(filing).toMatchObject({ regime: 'gdpr', kind: 'initial', reference: 'CNIL-2020-0331-42', recorded_by: 'dora' });
    const draft = await database.db.selectFrom('notice_draft').selectAll().where('breach_id', '=', breachId).executeTakeFirstOrThrow();
    expect(draft).toMatchObject({ approved_version: 1, approved_by: 'dora', cnil_reference: 'CNIL-2020-0331-42' });
    const actions = await database.db.selectFrom('staff_action').select('action').where('actor', '=', 'dora').where('target', 'in', [`breach:${breachId}`, `draft:${draft.id}`]).execute();
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['breach.open', 'breach.edit', 'breach.assess', 'breach.decide', 'notice.draft.create', 'notice.draft.approve', 'notice.draft.file']));
    await page.goto(`${base}/breaches`);
    expect(await seriousViolations(page), 'register').toEqual([]);
    // The refused facts form came back as a 400 page, which Chromium reports; nothing else went wrong.
    expect(problems.filter((p) => !p.includes('status of 400'))).toEqual([]);
    await context.close();
  }, 240_000);

  it('has no serious or critical accessibility violation on the breach and draft pages as each role reads them, in French and in English', async () => {
    const dpo = { subject: 'dora', roles: ['dpo' as const] };
    const { id } = await openBreach(
      built.deps,
      {
        title: 'Courriel au mauvais destinataire',
        summary: 'Un courriel contenant des relevés a été envoyé au mauvais destinataire.',
        awareAt: new Date(Date.now() - 3600_000).toISOString(),
        natures: ['confidentiality'],
        dataCategories: ['financial'],
        consequences: ['loss-of-control'],
        measures: { immediate: ['Rappel du courriel'], mediumTerm: [], longTerm: [] },
      },
      dpo,
    );
    await addPopulation(built.deps, id, [{ ref: 'p-1', exposed: ['financial'], firstAt: new Date(Date.now() - 7200_000).toISOString() }], 'manual', dpo);
    const draft = await createDraft(built.deps, { breachId: id, kind: 'notice', channel: 'email', lang: 'fr', input: await draftInputFromRegister(built.deps, id), reason: 'Information' }, dpo);
    for (const locale of ['fr-FR', 'en-GB']) {
      for (const roles of [['dpo'], ['auditor'], ['comms'], ['sre']] as const) {
        const { context, page, problems } = await openPage(browser, { locale });
        await signInWithLink(page, built.deps, served.base, `${roles[0]}-person`, [...roles]);
        await page.goto(`${base}/breaches/${id}`);
        expect(await page.getAttribute('html', 'lang')).toBe(locale.slice(0, 2));
        expect(await seriousViolations(page), `breach page, ${roles[0]}, ${locale}`).toEqual([]);
        if (roles[0] !== 'sre') {
          await page.goto(`${base}/breaches/${id}/drafts/${draft.id}?person=p-1&name=L%C3%A9a`);
          expect(await seriousViolations(page), `draft page, ${roles[0]}, ${locale}`).toEqual([]);
        }
        expect(problems).toEqual([]);
        await context.close();
      }
    }
  }, 240_000);
});
