import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { createCampaign } from '../../src/delivery/campaigns.js';
import { changeCampaign } from '../../src/delivery/control.js';
import { deliveryContext } from '../../src/delivery/wiring.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { campaignConsoleApp, makePeople, seedApprovedSmsDraft } from './campaign-seed.js';
import { formPost, signIn } from './console-app.js';

const base = '/_vigie/console';

describe.each(engines())('the campaign pages in process on %s', (engine) => {
  let database: TestDatabase;
  let built: ReturnType<typeof campaignConsoleApp>;
  let seeded: { breachId: string; draftId: string };
  const clock = manualClock(new Date());
  const people = makePeople(40);

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    built = campaignConsoleApp(database.db, clock, people);
    seeded = await seedApprovedSmsDraft(built, people);
  }, 120_000);
  afterAll(() => database?.close());

  const campaigns = () => database.db.selectFrom('delivery_campaign').selectAll().orderBy('id').execute();
  const campaignOf = (id: string) => database.db.selectFrom('delivery_campaign').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  /** A campaign of its own for each test, started through delivery's service functions. */
  const startedCampaign = async () => {
    const ctx = deliveryContext(built.deps);
    const { campaign } = await createCampaign(ctx, { subject: 'carole', roles: ['comms'] }, { draftId: seeded.draftId, channel: 'sms', reason: 'fixture' });
    return changeCampaign(ctx, { subject: 'carole', roles: ['comms'] }, campaign.id, 'start', 'fixture');
  };

  it('lets communications create a campaign from the approved draft, start it, and shows the draft as a person reads it', async () => {
    const comms = await signIn(built, 'carole', ['comms']);
    const list = await (await built.app.request(`${base}/campaigns`, { headers: { Cookie: comms.cookie } })).text();
    expect(list).toContain('id="create-form"');
    expect(list).toContain(`<option value="${seeded.draftId}" selected="">`);
    const preview = await (await built.app.request(`${base}/campaigns?preview=${seeded.draftId}`, { headers: { Cookie: comms.cookie } })).text();
    expect(preview).toContain('data-part="sms">Urssaf - Pajemploi : le 31/03/2020, des informations vous concernant');
    expect(preview).toContain('2 SMS (GSM-7)');

    const created = await built.app.request(`${base}/campaigns/create`, formPost({ _csrf: comms.csrf, draftId: seeded.draftId, channel: 'sms', segment: '', reason: 'Art. 34 : information des personnes' }, { Cookie: comms.cookie }));
    expect(created.status).toBe(303);
    const campaign = (await campaigns()).find((c) => c.reason === 'Art. 34 : information des personnes')!;
    expect(campaign).toMatchObject({ status: 'ready', total: 40, draft_id: seeded.draftId, created_by: 'carole', reason: 'Art. 34 : information des personnes' });
    expect(created.headers.get('location')).toBe(`${base}/campaigns/${campaign.id}?done=created&queued=40&without=0`);
    const page = await (await built.app.request(created.headers.get('location')!, { headers: { Cookie: comms.cookie } })).text();
    expect(page).toContain('40 message(s) en file');
    expect(page).toContain('id="control-start"');
    expect(page).not.toContain('id="resend-form"'); // never started: nothing to resend

    const started = await built.app.request(`${base}/campaigns/${campaign.id}/control`, formPost({ _csrf: comms.csrf, do: 'start', reason: 'Approuvé par la DPO' }, { Cookie: comms.cookie }));
    expect(started.status).toBe(303);
    expect(await campaignOf(campaign.id)).toMatchObject({ status: 'running' });
    const action = await database.db.selectFrom('staff_action').selectAll().where('action', '=', 'delivery.campaign.start').executeTakeFirstOrThrow();
    expect(action).toMatchObject({ actor: 'carole', reason: 'Approuvé par la DPO', target: campaign.id });
  });

  it('refuses a reason shorter than the API accepts, by its field, and changes nothing', async () => {
    const comms = await signIn(built, 'carole', ['comms']);
    const campaign = await startedCampaign();
    const res = await built.app.request(`${base}/campaigns/${campaign.id}/control`, formPost({ _csrf: comms.csrf, do: 'pause', reason: 'x' }, { Cookie: comms.cookie }));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('id="control-reason-error"');
    expect(html).toContain('dites pourquoi (au moins 3 caractères)');
    expect(await campaignOf(campaign.id)).toMatchObject({ status: 'running' });
  });

  it('shows the count to confirm before a resend, and resends to exactly those people once confirmed', async () => {
    const comms = await signIn(built, 'carole', ['comms']);
    const campaign = await startedCampaign();
    // What the provider said: the Orange numbers failed (test/console/campaign-browser.test.ts goes through a real SMS provider stand-in).
    const orange = people.filter((p) => p.phone!.startsWith('+33607')).map((p) => p.id);
    await database.db.updateTable('delivery_message').set({ state: 'sent', sent_at: clock.now() }).where('campaign_id', '=', campaign.id).execute();
    await database.db.updateTable('delivery_message').set({ state: 'failed', failed_at: clock.now(), failure_reason: 'carrier refused' }).where('campaign_id', '=', campaign.id).where('person_id', 'in', orange).execute();
    const fields = { _csrf: comms.csrf, 'state-failed': 'on', 'state-unknown': 'on', channel: '', carrier: '', reason: 'Échecs Orange' };
    const count = await built.app.request(`${base}/campaigns/${campaign.id}/resend`, formPost(fields, { Cookie: comms.cookie }));
    expect(count.status).toBe(200);
    const confirmation = await count.text();
    expect(confirmation).toContain('id="resend-confirmation"');
    expect(confirmation).toContain(`Le renvoi partira vers ${orange.length} personne(s)`);
    expect(confirmation).toContain(`name="expectedCount" value="${orange.length}"`);
    const before = await campaigns();
    expect(confirmation).toContain('id="resend-confirm"');
    expect(await campaigns()).toEqual(before); // nothing created before confirmation

    // A count that no longer matches is shown again, not sent.
    const stale = await built.app.request(`${base}/campaigns/${campaign.id}/resend`, formPost({ ...fields, confirm: 'yes', expectedCount: String(orange.length + 3) }, { Cookie: comms.cookie }));
    expect(await stale.text()).toContain('id="resend-changed"');
    expect(await campaigns()).toEqual(before);

    const confirmed = await built.app.request(`${base}/campaigns/${campaign.id}/resend`, formPost({ ...fields, confirm: 'yes', expectedCount: String(orange.length) }, { Cookie: comms.cookie }));
    expect(confirmed.status).toBe(303);
    const made = (await campaigns()).filter((c) => c.resend_of === campaign.id);
    expect(made).toMatchObject([{ status: 'running', total: orange.length, reason: 'Échecs Orange', created_by: 'carole' }]);
    expect(confirmed.headers.get('location')).toBe(`${base}/campaigns/${made[0]!.id}?done=resent&queued=${orange.length}`);
    const resent = await database.db.selectFrom('delivery_message').select('person_id').where('campaign_id', '=', made[0]!.id).orderBy('person_id').execute();
    expect(resent.map((m) => m.person_id)).toEqual([...orange].sort());
  });

  it('refuses campaign actions to a role that may only read, even with a forged form', async () => {
    const dpo = await signIn(built, 'dora', ['dpo']);
    const campaign = await startedCampaign();
    const page = await (await built.app.request(`${base}/campaigns/${campaign.id}`, { headers: { Cookie: dpo.cookie } })).text();
    expect(page).toContain('id="reconciliation-carrier"');
    expect(page).not.toContain('id="control-form"');
    expect(page).not.toContain('id="resend-form"');
    const list = await (await built.app.request(`${base}/campaigns`, { headers: { Cookie: dpo.cookie } })).text();
    expect(list).not.toContain('id="create-form"');
    const before = await campaigns();
    for (const [action, fields] of [
      ['/campaigns/create', { draftId: seeded.draftId, channel: 'sms', reason: 'forged create' }],
      [`/campaigns/${campaign.id}/resend`, { 'state-failed': 'on', confirm: 'yes', expectedCount: '10', reason: 'forged resend' }],
      [`/campaigns/${campaign.id}/control`, { do: 'pause', reason: 'forged pause' }],
    ] as const) {
      const res = await built.app.request(`${base}${action}`, formPost({ _csrf: dpo.csrf, ...fields }, { Cookie: dpo.cookie }));
      expect(res.status, action).toBe(403);
      expect(await res.text()).toContain('communication, administration');
    }
    expect(await campaigns()).toEqual(before);
    // The SRE does not even read campaigns.
    const sre = await signIn(built, 'sam', ['sre']);
    expect((await built.app.request(`${base}/campaigns/${campaign.id}`, { headers: { Cookie: sre.cookie } })).status).toBe(403);
    expect(await (await built.app.request(base, { headers: { Cookie: sre.cookie } })).text()).not.toContain(`href="${base}/campaigns"`);
  });

  it('refuses a campaign form without the session’s CSRF token', async () => {
    const comms = await signIn(built, 'carole', ['comms']);
    const campaign = await startedCampaign();
    const before = await campaigns();
    const res = await built.app.request(`${base}/campaigns/${campaign.id}/resend`, formPost({ 'state-failed': 'on', confirm: 'yes', expectedCount: '10', reason: 'no token' }, { Cookie: comms.cookie }));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Le formulaire a expiré ou ne vient pas de cette console');
    const create = await built.app.request(`${base}/campaigns/create`, formPost({ draftId: seeded.draftId, channel: 'sms', reason: 'no token' }, { Cookie: comms.cookie }));
    expect(create.status).toBe(403);
    expect(await campaigns()).toEqual(before);
  });
});
