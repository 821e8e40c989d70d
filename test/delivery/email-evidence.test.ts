import type { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { createCampaign } from '../../src/delivery/campaigns.js';
import { campaignProgress, changeCampaign } from '../../src/delivery/control.js';
import { monitorCampaigns } from '../../src/delivery/monitor.js';
import { signPayload } from '../../src/delivery/signature.js';
import { drain } from '../../src/delivery/worker.js';
import { createSmtpTransport } from '../../src/entry/smtp-transport.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { freePort } from '../helpers/processes.js';
import { testApp } from '../helpers/test-app.js';
import { actor, deliveryTestContext, draftId, fakePorts, makePeople, receiptSecret, startSmtpCatcher } from './fixtures.js';

const minute = 60_000;

// E-mail is judged on what SMTP reports: the relay's acceptance or refusal, then bounces. Never on receipts.
describe.each(engines())('an e-mail campaign over a real SMTP exchange, judged on what e-mail reports (%s)', (engine) => {
  let t: TestDatabase;
  let server: SMTPServer;
  let port = 0;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    port = await freePort();
    // person3 is refused for good (550), as a relay refuses a mailbox it knows does not exist.
    ({ server } = await startSmtpCatcher(port, (address, _session, callback) => {
      if (address.address === 'person3@example.test') return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      callback();
    }));
  }, 180_000);
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await t.close();
  });

  it('a healthy campaign raises no alert; people are informed once the bounce window passes; a bounce takes one back', async () => {
    const clock = manualClock('2026-11-24T09:00:00Z');
    const people = makePeople(200);
    const register = fakePorts(people);
    const ctx = deliveryTestContext(t.db, clock, register.ports);
    const transport = createSmtpTransport({ url: `smtp://127.0.0.1:${port}`, from: 'DPO <dpo@vigie.example>', ratePerSecond: 10_000, maxConnections: 4 });
    try {
      const { campaign } = await createCampaign(ctx, actor, { draftId, channel: 'email', reason: 'Art. 34 communication' });
      await changeCampaign(ctx, actor, campaign.id, 'start', 'approved');
      await drain(ctx, [transport], 50);
    } finally {
      await transport.close?.();
    }
    // The relay's refusal is a hand-off failure: that person is to inform again, with the relay's code.
    expect(register.followUps).toEqual([{ personId: people[3]!.id, outcome: 'not-informed', evidence: 'e-mail not delivered: relay refused (550)', at: clock.now() }]);

    // Minutes, then hours, later: no receipt ever comes from SMTP, and that is no anomaly (it was "receipts-missing" for 100 %).
    for (const wait of [5 * minute, 30 * minute, 25 * 60 * minute]) {
      clock.advance(wait);
      expect(await monitorCampaigns(ctx)).toEqual([]);
    }
    const [campaign] = await t.db.selectFrom('delivery_campaign').select('id').where('channel', '=', 'email').execute();
    const progress = await campaignProgress(ctx, campaign!.id);
    // Accepted e-mails stay "sent" (never "unknown" for lack of a receipt) and count as informed after 24 h without a bounce.
    expect(progress.counts).toMatchObject({ sent: 199, failed: 1, unknown: 0 });
    expect(progress).toMatchObject({ informed: 199, silent: 0, carriers: [] });
    const informed = register.followUps.filter((f) => f.outcome === 'informed');
    expect(informed).toHaveLength(199);
    expect(informed[0]!.evidence).toBe('e-mail accepted by the relay, no bounce within the bounce window (24 h)');

    // A late bounce, signed like receipts, names the message by the Message-ID the relay was given.
    const app = testApp({ db: t.db, clock, env: { VIGIE_DELIVERY_RECEIPT_SECRET: receiptSecret }, deps: { delivery: { ports: register.ports } } });
    const bounced = await t.db.selectFrom('delivery_message').select(['provider_message_id', 'person_id']).where('campaign_id', '=', campaign!.id).where('destination', '=', 'person7@example.test').executeTakeFirstOrThrow();
    expect(bounced.provider_message_id).toMatch(/^<vigie-\d+@vigie\.invalid>$/);
    const body = JSON.stringify({ bounces: [{ id: bounced.provider_message_id, reason: '550 5.1.1 <person7@example.test>: Recipient address rejected' }] });
    const send = async (signature: string) => app.app.request('/_vigie/delivery/bounces/smtp', { method: 'POST', headers: { 'content-type': 'application/json', 'vigie-signature': signature }, body });
    expect((await send(await signPayload('another-secret-of-some-length', body, clock.now()))).status).toBe(401);
    const res = await send(await signPayload(receiptSecret, body, clock.now()));
    expect(await res.json()).toEqual({ received: 1, changed: 1, ignored: 0, held: 0 });
    // Only the status codes are kept: the diagnostic quoted the address.
    expect(register.followUps.at(-1)).toEqual({ personId: bounced.person_id, outcome: 'not-informed', evidence: 'e-mail not delivered: bounced (550 5.1.1)', at: clock.now() });
    expect(await campaignProgress(ctx, campaign!.id)).toMatchObject({ informed: 198, counts: { sent: 198, failed: 2 } });
  }, 120_000);

  it('a relay refusing one segment is one refusal-rate alert on that segment; silent resends are refused for e-mail', async () => {
    const clock = manualClock('2026-12-01T09:00:00Z');
    const people = makePeople(200);
    const register = fakePorts(people);
    const ctx = deliveryTestContext(t.db, clock, register.ports);
    const failing = { send: async (m: { destination: string; reference: string }) => {
      const n = Number(/^person(\d+)@/.exec(m.destination)?.[1]);
      return n % 2 === 1 ? { status: 'permanent' as const, reason: 'relay refused (554)' } : { status: 'accepted' as const, providerMessageId: `<vigie-${m.reference}@vigie.invalid>` };
    } };
    const { campaign } = await createCampaign(ctx, actor, { draftId, channel: 'email', reason: 'Art. 34 communication' });
    await changeCampaign(ctx, actor, campaign.id, 'start', 'approved');
    await drain(ctx, [{ provider: 'smtp', channel: 'email', idempotent: false, ratePerSecond: 10_000, ...failing }]);
    clock.advance(minute);
    const alerts = await monitorCampaigns(ctx);
    expect(alerts.map((a) => [a.kind, a.dimension, a.value, a.share])).toEqual([['refusal-rate', 'segment', 'agents', 0.5]]);
    expect(register.timeline.filter((e) => e.kind.startsWith('delivery.alert'))).toHaveLength(1);
    clock.advance(minute);
    expect(await monitorCampaigns(ctx)).toEqual([]);

    const app = testApp({ db: t.db, clock, env: { VIGIE_DELIVERY_RECEIPT_SECRET: receiptSecret }, deps: { delivery: { ports: register.ports } } });
    const res = await app.app.request(`/_vigie/delivery/campaigns/${campaign.id}/resend`, {
      method: 'POST',
      headers: { ...(await app.auth(['comms'])), 'content-type': 'application/json' },
      body: JSON.stringify({ states: ['silent'], reason: 'no news' }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].path).toBe('body.states');
  }, 120_000);
});
