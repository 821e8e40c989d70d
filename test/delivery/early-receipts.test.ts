import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { createCampaign } from '../../src/delivery/campaigns.js';
import { changeCampaign } from '../../src/delivery/control.js';
import { monitorCampaigns } from '../../src/delivery/monitor.js';
import { signPayload } from '../../src/delivery/signature.js';
import type { Transport } from '../../src/delivery/transport.js';
import { drain } from '../../src/delivery/worker.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testApp } from '../helpers/test-app.js';
import { actor, deliveryTestContext, draftId, fakePorts, makePeople, receiptSecret } from './fixtures.js';

// A provider may post a receipt (by its own message id) before Vigie has written the answer that gave it that
// id. Answered 200 and dropped, it was lost for good: providers retry only failed posts.
describe.each(engines())('receipts that arrive before their hand-off is recorded, on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
  }, 180_000);
  afterAll(async () => t.close());

  it('are kept, then applied when the hand-off lands; those whose hand-off never lands are dropped after a week', async () => {
    const clock = manualClock('2026-11-24T09:00:00Z');
    const people = makePeople(6);
    const register = fakePorts(people);
    const app = testApp({ db: t.db, clock, env: { VIGIE_DELIVERY_RECEIPT_SECRET: receiptSecret }, deps: { delivery: { ports: register.ports } } });
    const postReceipts = async (receipts: object[]) => {
      const body = JSON.stringify({ receipts });
      const res = await app.app.request('/_vigie/delivery/receipts/sms', { method: 'POST', headers: { 'content-type': 'application/json', 'vigie-signature': await signPayload(receiptSecret, body, clock.now()) }, body });
      expect(res.status).toBe(200);
      return res.json();
    };
    const answers: unknown[] = [];
    // The provider's receipt overtakes its own answer to the hand-off: posted, over the real route, before send() returns.
    const racing: Transport = {
      provider: 'sms', channel: 'sms', idempotent: true, ratePerSecond: 1_000,
      async send(message) {
        const id = `prov-${message.reference}`;
        const last = message.destination.endsWith('5');
        answers.push(await postReceipts([{ id, status: last ? 'failed' : 'delivered', error: last ? 'absent subscriber' : undefined, network: '20801' }]));
        return { status: 'accepted', providerMessageId: id };
      },
    };
    const ctx = deliveryTestContext(t.db, clock, register.ports);
    const { campaign } = await createCampaign(ctx, actor, { draftId, channel: 'sms', reason: 'Art. 34 communication' });
    await changeCampaign(ctx, actor, campaign.id, 'start', 'approved');
    await drain(ctx, [racing]);

    expect(answers).toEqual(Array.from({ length: 6 }, () => ({ received: 1, changed: 0, ignored: 0, held: 1 })));
    const messages = await t.db.selectFrom('delivery_message').select(['person_id', 'state', 'carrier', 'carrier_source', 'failure_reason']).where('campaign_id', '=', campaign.id).orderBy('person_id').execute();
    expect(messages.map((m) => m.state)).toEqual(['delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'failed']);
    expect(messages.every((m) => m.carrier === 'Orange' && m.carrier_source === 'provider')).toBe(true);
    expect(messages[5]!.failure_reason).toBe('absent subscriber');
    expect(register.statuses.get(people[0]!.id)).toBe('informed');
    expect(register.statuses.get(people[5]!.id)).toBe('not-informed');
    expect(await t.db.selectFrom('delivery_early_report').select('id').execute()).toEqual([]);

    // A receipt for an id no hand-off ever gets is kept a week, then dropped; one for a final message is ignored.
    const first = await t.db.selectFrom('delivery_message').select('provider_message_id').where('campaign_id', '=', campaign.id).orderBy('id').executeTakeFirstOrThrow();
    expect(await postReceipts([{ id: 'prov-never', status: 'delivered' }, { id: first.provider_message_id, status: 'failed' }])).toEqual({ received: 2, changed: 0, ignored: 1, held: 1 });
    expect(await t.db.selectFrom('delivery_early_report').select('provider_message_id').execute()).toEqual([{ provider_message_id: 'prov-never' }]);

    // A hand-off whose answer was lost (a timeout: queued for a retry) while the provider took it: its receipt,
    // arriving after, settles the message, which is then not handed off again.
    const lostAnswers: string[] = [];
    const lost: Transport = {
      ...racing,
      async send(message) {
        lostAnswers.push(message.reference);
        return { status: 'temporary', reason: 'provider unreachable (TimeoutError)' };
      },
    };
    const again = await createCampaign(ctx, actor, { draftId, channel: 'sms', segment: 'agents', reason: 'apology' });
    await changeCampaign(ctx, actor, again.campaign.id, 'start', 'approved');
    expect(await drain(ctx, [lost])).toBe(3);
    expect(await postReceipts(lostAnswers.map((reference) => ({ reference, status: 'delivered' })))).toEqual({ received: 3, changed: 3, ignored: 0, held: 0 });
    clock.advance(3_600_000);
    expect(await drain(ctx, [lost])).toBe(0);
    const settled = await t.db.selectFrom('delivery_message').select('state').where('campaign_id', '=', again.campaign.id).execute();
    expect(settled.map((m) => m.state)).toEqual(['delivered', 'delivered', 'delivered']);
    clock.advance(8 * 86_400_000);
    await monitorCampaigns(ctx);
    expect(await t.db.selectFrom('delivery_early_report').select('id').execute()).toEqual([]);
  }, 60_000);
});
