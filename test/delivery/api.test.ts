import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { carrierOf } from '../../src/delivery/carrier.js';
import { signPayload } from '../../src/delivery/signature.js';
import { drain } from '../../src/delivery/worker.js';
import type { Transport } from '../../src/delivery/transport.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testApp } from '../helpers/test-app.js';
import { deliveryTestContext, draftId, fakePorts, makePeople, receiptSecret } from './fixtures.js';

describe.each(engines())('delivery API and signed receipts on %s', (engine) => {
  let t: TestDatabase;
  const clock = manualClock(new Date());
  const register = fakePorts(makePeople(40));
  let app: ReturnType<typeof testApp>;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
    app = testApp({ db: t.db, clock, env: { VIGIE_DELIVERY_RECEIPT_SECRET: receiptSecret, VIGIE_TIMEZONE: 'Europe/Paris' }, deps: { delivery: { ports: register.ports } } });
  });
  afterAll(async () => t.close());

  const json = async (roles: Parameters<typeof app.auth>[0]) => ({ ...(await app.auth(roles)), 'content-type': 'application/json' });
  const post = async (path: string, body: unknown, roles: Parameters<typeof app.auth>[0] = ['comms']) =>
    app.app.request(`/_vigie/delivery${path}`, { method: 'POST', headers: await json(roles), body: JSON.stringify(body) });
  const messageStates = async () =>
    (await t.db.selectFrom('delivery_message').select(['id', 'state', 'delivered_at', 'failed_at', 'carrier']).orderBy('id').execute()).map((r) => ({ ...r }));

  let campaignId = '';
  it('creates, starts and reports a campaign; dates in the organisation’s zone with offset', async () => {
    const res = await post('/campaigns', { draftId, channel: 'sms', reason: 'Art. 34 communication' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { campaign: { id: string; status: string; createdAt: string; total: number }; queued: number };
    expect(body).toMatchObject({ queued: 40, campaign: { status: 'ready', total: 40 } });
    expect(body.campaign.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$/);
    campaignId = body.campaign.id;
    expect((await post(`/campaigns/${campaignId}/start`, { reason: 'approved' })).status).toBe(200);
    // The provider names the network of half the numbers (its portability lookup, as a mobile network code).
    const ported = (m: { reference: string }) => Number(m.reference) % 2 === 0;
    const transport: Transport = {
      provider: 'sms', channel: 'sms', idempotent: true, ratePerSecond: 1000,
      send: async (m) => ({ status: 'accepted', providerMessageId: `prov-${m.reference}`, carrier: ported(m) ? '20815' : null }),
    };
    await drain(deliveryTestContext(t.db, clock, register.ports), [transport]);
    const status = await app.app.request(`/_vigie/delivery/campaigns/${campaignId}`, { headers: await app.auth(['auditor']) });
    expect(status.status).toBe(200);
    const progress = (await status.json()) as { carriers: { carrier: string; accepted: number; inferred: number }[] };
    expect(progress).toMatchObject({ counts: { sent: 40, queued: 0 }, accepted: 40, done: 1, campaign: { status: 'completed' } });

    // The provider's network is the authority; the numbering plan's block holder stays only where it said nothing.
    const rows = await t.db.selectFrom('delivery_message').select(['id', 'destination', 'carrier', 'carrier_source']).where('campaign_id', '=', campaignId).execute();
    for (const row of rows) {
      if (ported({ reference: row.id })) expect(row).toMatchObject({ carrier: 'Free mobile', carrier_source: 'provider' });
      else expect(row).toMatchObject({ carrier: carrierOf(row.destination), carrier_source: 'numbering-plan' });
    }
    const inferred = Object.fromEntries(progress.carriers.map((c) => [c.carrier, c.inferred]));
    expect(inferred['Free mobile']).toBe(rows.filter((r) => r.carrier === 'Free mobile' && r.carrier_source === 'numbering-plan').length);
    expect(progress.carriers.reduce((n, c) => n + c.inferred, 0)).toBe(20);
  });

  it('refuses bad input naming the field, and the wrong role', async () => {
    const bad = await post('/campaigns', { draftId, channel: 'pigeon', reason: '' });
    expect(bad.status).toBe(400);
    const problem = (await bad.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path).sort()).toEqual(['body.channel', 'body.reason']);
    expect((await post('/campaigns', { draftId, channel: 'sms', reason: 'because' }, ['auditor'])).status).toBe(403);
    expect((await post(`/campaigns/${campaignId}/pause`, { reason: 'late' })).status).toBe(409);
  });

  it('a forged receipt is refused and changes nothing; a signed one is applied once', async () => {
    const [first] = await messageStates();
    const body = JSON.stringify({ receipts: [{ reference: first!.id, status: 'failed', error: 'forged', carrier: 'evil' }] });
    const before = await messageStates();
    const send = (signature: string | undefined, payload = body) =>
      app.app.request('/_vigie/delivery/receipts/sms', { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'vigie-signature': signature } : {}) }, body: payload });
    expect((await send(undefined)).status).toBe(401);
    expect((await send(await signPayload('another-secret-of-some-length', body, clock.now()))).status).toBe(401);
    const stale = await signPayload(receiptSecret, body, new Date(clock.now().getTime() - 10 * 60_000));
    expect((await send(stale)).status).toBe(401);
    const valid = await signPayload(receiptSecret, body, clock.now());
    const tampered = body.replace('failed', 'delivered');
    expect((await send(valid, tampered)).status).toBe(401);
    expect(await messageStates()).toEqual(before);

    const good = JSON.stringify({ receipts: [{ id: `prov-${first!.id}`, status: 'DELIVRD', network: '20810' }] });
    const res = await send(await signPayload(receiptSecret, good, clock.now()), good);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 1, changed: 1, ignored: 0, held: 0 });
    const after = await messageStates();
    expect(after[0]).toMatchObject({ state: 'delivered', carrier: 'SFR' });
    expect(after.slice(1)).toEqual(before.slice(1));
    // The same signed request again is a replay (409); the provider's own retry, signed afresh, changes nothing.
    expect((await send(await signPayload(receiptSecret, good, clock.now()), good)).status).toBe(409);
    clock.advance(1000);
    const again = await send(await signPayload(receiptSecret, good, clock.now()), good);
    expect(await again.json()).toEqual({ received: 1, changed: 0, ignored: 1, held: 0 });
  });

  it('exports a letter campaign as one print file and a mailing list', async () => {
    const created = (await (await post('/campaigns', { draftId, channel: 'letter', segment: 'agents', reason: 'no e-mail on file' })).json()) as { campaign: { id: string }; queued: number };
    expect(created.queued).toBe(20);
    const res = await post(`/campaigns/${created.campaign.id}/letters`, { reason: 'to the print house' });
    expect(res.status).toBe(200);
    const out = (await res.json()) as { html: string; csv: string; count: number };
    expect(out.count).toBe(20);
    expect(out.html.match(/<section class="letter">/g)).toHaveLength(20);
    expect(out.html).toContain('Personne 1<br>1 rue de la Paix<br>75002 Paris');
    const lines = out.csv.trim().split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[1]).toMatch(/^\d+;p0000001;Personne 1;1 rue de la Paix;75002 Paris;;;$/);

    // Exporting is not informing: a person records that the print house posted them, which is the evidence.
    expect(register.followUps.filter((f) => f.evidence.startsWith('letter'))).toEqual([]);
    const posted = await post(`/campaigns/${created.campaign.id}/letters/posted`, { reason: 'La Poste receipt from the print house', postedAt: clock.now().toISOString() });
    expect(posted.status).toBe(200);
    expect(await posted.json()).toEqual({ posted: 20 });
    const letterFollowUps = register.followUps.filter((f) => f.evidence === 'letter posted');
    expect(letterFollowUps.map((f) => f.personId).sort()).toEqual(makePeople(40).filter((_, i) => i % 2 === 1).map((p) => p.id));
    expect(letterFollowUps.every((f) => f.outcome === 'informed')).toBe(true);
    expect((await post(`/campaigns/${created.campaign.id}/letters/posted`, { reason: 'again' })).status).toBe(409);
    const report = await app.app.request(`/_vigie/delivery/campaigns/${created.campaign.id}/reconciliation`, { headers: await app.auth(['dpo']) });
    expect((await report.json()).rows.find((r: { dimension: string }) => r.dimension === 'provider')).toMatchObject({ total: 20, informed: 20, pending: 0, silent: 0 });

    // Returned mail comes back through the bounce webhook (signed as receipts): that person is to inform again.
    const returned = (await t.db.selectFrom('delivery_message').select(['id', 'person_id']).where('campaign_id', '=', created.campaign.id).orderBy('id').executeTakeFirstOrThrow());
    const bounce = JSON.stringify({ bounces: [{ reference: String(returned.id), reason: 'NPAI' }, { reference: String(returned.id), type: 'soft' }] });
    const res2 = await app.app.request('/_vigie/delivery/bounces/print', { method: 'POST', headers: { 'content-type': 'application/json', 'vigie-signature': await signPayload(receiptSecret, bounce, clock.now()) }, body: bounce });
    expect(await res2.json()).toEqual({ received: 2, changed: 1, ignored: 1, held: 0 });
    expect(register.followUps.at(-1)).toMatchObject({ personId: returned.person_id, outcome: 'not-informed', evidence: 'letter returned: bounced' });
  });

  it('refuses a letter campaign from a draft with no letter part, naming the field, and stores nothing', async () => {
    const smsOnly = testApp({ db: t.db, clock, env: { VIGIE_DELIVERY_RECEIPT_SECRET: receiptSecret }, deps: { delivery: { ports: fakePorts(makePeople(40), { parts: ['sms'] }).ports } } });
    const before = await t.db.selectFrom('delivery_campaign').select('id').execute();
    const res = await smsOnly.app.request('/_vigie/delivery/campaigns', {
      method: 'POST',
      headers: { ...(await smsOnly.auth(['comms'])), 'content-type': 'application/json' },
      body: JSON.stringify({ draftId, channel: 'letter', reason: 'no e-mail on file' }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).errors).toEqual([{ path: 'body.channel', message: 'the draft has no letter part (letter or letter-html; it has: sms): approve a letter draft and send that' }]);
    expect(await t.db.selectFrom('delivery_campaign').select('id').execute()).toEqual(before);
  });

  it('with the real drafts and register ports: an unknown draft is a 404, and nothing is stored', async () => {
    const real = testApp({ db: t.db, clock, env: { VIGIE_DELIVERY_RECEIPT_SECRET: receiptSecret } });
    const count = async () => (await t.db.selectFrom('delivery_campaign').select('id').execute()).length;
    const before = await count();
    const res = await real.app.request('/_vigie/delivery/campaigns', {
      method: 'POST',
      headers: { ...(await real.auth(['comms'])), 'content-type': 'application/json' },
      body: JSON.stringify({ draftId: 'no-such-draft', channel: 'email', reason: 'Art. 34 communication' }),
    });
    expect(res.status).toBe(404);
    expect(await count()).toBe(before);
  });
});
