import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { createCampaign } from '../../src/delivery/campaigns.js';
import { changeCampaign } from '../../src/delivery/control.js';
import { deliveryContext } from '../../src/delivery/wiring.js';
import { pajemploiInput } from '../notices/fixtures.js';
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
    expect(list).toContain(`<option value="${seeded.draftId}"`);
    const preview = await (await built.app.request(`${base}/campaigns?preview=${seeded.draftId}`, { headers: { Cookie: comms.cookie } })).text();
    expect(preview).toContain('data-part="sms">Urssaf - Pajemploi : le 31/03/2020, des informations vous concernant');
    expect(preview).toContain('2 SMS (GSM-7)');

    // A channel the draft has no part for is refused by its field before anything is queued.
    const before = await campaigns();
    const wrong = await built.app.request(`${base}/campaigns/create`, formPost({ _csrf: comms.csrf, draftId: seeded.draftId, channel: 'email', reason: 'Art. 34 : information des personnes' }, { Cookie: comms.cookie }));
    expect(wrong.status).toBe(400);
    const refused = await wrong.text();
    expect(refused).toContain('id="create-channel-error"');
    expect(refused).toContain('the draft has no email part');
    expect(await campaigns()).toEqual(before);

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

  it('counts the silent ones after the minutes chosen, and refuses an unticked form by its field', async () => {
    const comms = await signIn(built, 'carole', ['comms']);
    const campaign = await startedCampaign();
    const free = people.filter((p) => p.phone!.startsWith('+33651')).map((p) => p.id);
    const now = clock.now().getTime();
    // Handed off 40 minutes ago; only Free mobile's receipts never came.
    await database.db.updateTable('delivery_message').set({ state: 'delivered', sent_at: new Date(now - 40 * 60_000), receipt_at: new Date(now - 39 * 60_000) }).where('campaign_id', '=', campaign.id).execute();
    await database.db.updateTable('delivery_message').set({ state: 'sent', receipt_at: null }).where('campaign_id', '=', campaign.id).where('person_id', 'in', free).execute();
    const ask = (fields: Record<string, string>) => built.app.request(`${base}/campaigns/${campaign.id}/resend`, formPost({ _csrf: comms.csrf, reason: 'Free mobile silencieux', ...fields }, { Cookie: comms.cookie }));
    const after30 = await (await ask({ 'state-silent': 'on', silentAfterMinutes: '30' })).text();
    expect(after30).toContain(`Le renvoi partira vers ${free.length} personne(s)`);
    expect(after30).toContain('name="state-silent" value="on"');
    // Not yet silent at 45 minutes: nothing matches, said on the field, nothing created.
    const before = await campaigns();
    const after45 = await ask({ 'state-silent': 'on', silentAfterMinutes: '45' });
    expect(after45.status).toBe(400);
    expect(await after45.text()).toContain('aucun message de cette campagne ne correspond');
    const none = await ask({});
    expect(none.status).toBe(400);
    expect(await none.text()).toContain('id="resend-states-error"');
    expect(await campaigns()).toEqual(before);
  });

  it('records a letter campaign’s exported letters as posted, refusing a posting time in the future by its field', async () => {
    const comms = await signIn(built, 'carole', ['comms']);
    const api = async (path: string, roles: ('dpo' | 'comms')[], body: unknown) => {
      const res = await built.app.request(`/_vigie${path}`, { method: 'POST', headers: { ...(await built.auth(roles, roles[0])), 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status, path).toBeLessThan(300);
      return (await res.json()) as { id: string };
    };
    const draft = await api(`/breaches/${seeded.breachId}/drafts`, ['comms'], { kind: 'notice', channel: 'letter', lang: 'fr', input: pajemploiInput(), reason: 'Courrier aux personnes sans téléphone' });
    await api(`/drafts/${draft.id}/approval`, ['dpo'], { version: 1, reason: 'relu' });
    const created = await built.app.request(`${base}/campaigns/create`, formPost({ _csrf: comms.csrf, draftId: String(draft.id), channel: 'letter', reason: 'Courrier postal' }, { Cookie: comms.cookie }));
    expect(created.status).toBe(303);
    const campaign = (await campaigns()).find((c) => c.channel === 'letter')!;
    // The print house gets the export through the API; the console records the posting.
    await api(`/delivery/campaigns/${campaign.id}/letters`, ['comms'], { reason: 'Export pour l’imprimeur' });
    const page = await (await built.app.request(`${base}/campaigns/${campaign.id}`, { headers: { Cookie: comms.cookie } })).text();
    expect(page).toContain('id="posted-form"');

    const future = await built.app.request(`${base}/campaigns/${campaign.id}/posted`, formPost({ _csrf: comms.csrf, postedAt: '2099-01-01 10:00', reason: 'Déposé à La Poste' }, { Cookie: comms.cookie }));
    expect(future.status).toBe(400);
    expect(await future.text()).toContain('id="posted-postedAt-error"');
    expect(await database.db.selectFrom('delivery_message').select('id').where('campaign_id', '=', campaign.id).where('informed_at', 'is not', null).execute()).toEqual([]);

    const posted = await built.app.request(`${base}/campaigns/${campaign.id}/posted`, formPost({ _csrf: comms.csrf, postedAt: '', reason: 'Déposé à La Poste' }, { Cookie: comms.cookie }));
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe(`${base}/campaigns/${campaign.id}?done=posted&posted=${people.length}`);
    const informed = await database.db.selectFrom('delivery_message').select('id').where('campaign_id', '=', campaign.id).where('informed_at', 'is not', null).execute();
    expect(informed).toHaveLength(people.length);
    expect(await database.db.selectFrom('staff_action').select(['actor', 'reason']).where('action', '=', 'delivery.letters.posted').execute()).toEqual([{ actor: 'carole', reason: 'Déposé à La Poste' }]);
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

  it('renders the campaign page without its delivery series, which comes as JSON to the page’s roles and as problem+json otherwise', async () => {
    const campaign = await startedCampaign();
    const dpo = await signIn(built, 'dora', ['dpo']);
    const page = await (await built.app.request(`${base}/campaigns/${campaign.id}`, { headers: { Cookie: dpo.cookie } })).text();
    expect(page).toContain('id="count-delivered"');
    expect(page).toContain('id="chart-needs-script"');
    const block = JSON.parse(/<script type="application\/json" id="campaign-data"[^>]*>([^<]*)<\/script>/.exec(page)![1]!) as Record<string, unknown>;
    expect(block).toEqual({ series: `${base}/campaigns/${campaign.id}/series` });

    const res = await built.app.request(`${base}/campaigns/${campaign.id}/series`, { headers: { Cookie: dpo.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as { times: number[]; receipts: boolean; intro: string; charts: { id: string; title: string; sent: number[] }[]; rows: { at: string; text: string; sent: number }[] };
    expect(body.receipts).toBe(true);
    expect(body.intro).toMatch(/\d+ (s|min|h|j)\b/);
    expect(body.charts[0]).toMatchObject({ id: 'campaign-chart-all' });
    expect(body.charts[0]!.sent).toHaveLength(body.times.length);
    expect(body.rows[0]).toMatchObject({ at: new Date(body.times[0]!).toISOString(), sent: 0 });

    // The SRE may not read campaigns; no session; a campaign that does not exist: problem+json, not a page.
    const sre = await signIn(built, 'sam', ['sre']);
    const refused = await built.app.request(`${base}/campaigns/${campaign.id}/series`, { headers: { Cookie: sre.cookie } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    const anonymous = await built.app.request(`${base}/campaigns/${campaign.id}/series`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json');
    const missing = await built.app.request(`${base}/campaigns/00000000-0000-4000-8000-000000000000/series`, { headers: { Cookie: dpo.cookie } });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ status: 404, type: 'urn:vigie:problem:not-found' });
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
