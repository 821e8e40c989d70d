import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { refusedSignatures, signPayload } from '../../src/delivery/signature.js';
import type { Transport } from '../../src/delivery/transport.js';
import { drain } from '../../src/delivery/worker.js';
import { createWebhookSender, verifyWebhook } from '../../src/http/signed-webhooks.js';
import { silentLogger } from '../../src/logger.js';
import { deliveryTestContext, draftId, fakePorts, makePeople, receiptSecret } from '../delivery/fixtures.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { usePersonalDataHygiene } from '../helpers/hygiene.js';
import { dumpTables } from '../helpers/table-dump.js';
import { testApp } from '../helpers/test-app.js';

// Providers' receipts and bounces authenticate by signature alone (no staff token): forged, stale, tampered
// and replayed ones are refused, counted by reason (metrics), and change nothing.

describe.each(engines())('forged and replayed provider webhooks (%s)', (engine) => {
  const hygiene = usePersonalDataHygiene();
  let t: TestDatabase;
  const clock = manualClock(new Date());
  const register = fakePorts(makePeople(4));
  let app: ReturnType<typeof testApp>;
  let providerId = '';

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    app = testApp({ db: t.db, clock, logger: hygiene.logger, env: { VIGIE_DELIVERY_RECEIPT_SECRET: receiptSecret }, deps: { delivery: { ports: register.ports } } });
    const headers = { ...(await app.auth(['comms'])), 'content-type': 'application/json' };
    const created = await app.app.request('/_vigie/delivery/campaigns', { method: 'POST', headers, body: JSON.stringify({ draftId, channel: 'sms', reason: 'Art. 34' }) });
    const { campaign } = (await created.json()) as { campaign: { id: string } };
    await app.app.request(`/_vigie/delivery/campaigns/${campaign.id}/start`, { method: 'POST', headers, body: JSON.stringify({ reason: 'approved' }) });
    const transport: Transport = { provider: 'sms', channel: 'sms', idempotent: true, ratePerSecond: 1000, send: async (m) => ({ status: 'accepted', providerMessageId: `prov-${m.reference}`, carrier: null }) };
    await drain(deliveryTestContext(t.db, clock, register.ports), [transport]);
    const first = await t.db.selectFrom('delivery_message').select('provider_message_id').orderBy('id').executeTakeFirstOrThrow();
    providerId = first.provider_message_id!;
  }, 120_000);
  afterAll(() => t.close());

  const post = (kind: 'receipts' | 'bounces', body: string, signature?: string) =>
    app.app.request(`/_vigie/delivery/${kind}/sms`, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'vigie-signature': signature } : {}) }, body });
  const counted = () => ({ ...refusedSignatures });

  for (const kind of ['receipts', 'bounces'] as const) {
    it(`${kind}: missing, malformed, wrong-key, stale, future and tampered signatures are refused with 401, counted, and change nothing`, async () => {
      const body = JSON.stringify(kind === 'receipts' ? { receipts: [{ id: providerId, status: 'failed', error: 'forged' }] } : { bounces: [{ id: providerId, type: 'hard', reason: '550 5.1.1' }] });
      const before = await dumpTables(t.db);
      const counts = counted();
      const now = clock.now();
      const cases: [string, string | undefined, string][] = [
        ['missing', undefined, body],
        ['malformed', 't=abc,v1=zz', body],
        ['wrong', await signPayload('another-secret-of-some-length', body, now), body],
        ['stale', await signPayload(receiptSecret, body, new Date(now.getTime() - 10 * 60_000)), body],
        ['stale', await signPayload(receiptSecret, body, new Date(now.getTime() + 10 * 60_000)), body],
        ['wrong', await signPayload(receiptSecret, body, now), body.replace(providerId, 'prov-other')],
      ];
      for (const [reason, signature, payload] of cases) {
        const res = await post(kind, payload, signature);
        expect(res.status, reason).toBe(401);
        const text = await res.text();
        expect(text).not.toContain(providerId);
        expect(text).not.toContain(receiptSecret);
      }
      expect(await dumpTables(t.db)).toEqual(before);
      const after = counted();
      const delta = (reason: string) => (after[`${kind}|${reason}`] ?? 0) - (counts[`${kind}|${reason}`] ?? 0);
      expect({ missing: delta('missing'), malformed: delta('malformed'), wrong: delta('wrong'), stale: delta('stale') }).toEqual({ missing: 1, malformed: 1, wrong: 2, stale: 2 });
    });
  }

  it('a replayed receipt is refused (409, counted) and changes nothing; a resend signed afresh changes nothing either', async () => {
    const body = JSON.stringify({ receipts: [{ id: providerId, status: 'DELIVRD' }] });
    const signature = await signPayload(receiptSecret, body, clock.now());
    const applied = await post('receipts', body, signature);
    expect(applied.status).toBe(200);
    expect(await applied.json()).toMatchObject({ changed: 1 });
    const state = await dumpTables(t.db);
    const replayedBefore = refusedSignatures['receipts|replayed'] ?? 0;
    for (let i = 0; i < 3; i++) expect((await post('receipts', body, signature)).status).toBe(409);
    expect((refusedSignatures['receipts|replayed'] ?? 0) - replayedBefore).toBe(3);
    expect(await dumpTables(t.db)).toEqual(state);
    clock.advance(2000);
    const resent = await post('receipts', body, await signPayload(receiptSecret, body, clock.now()));
    expect(await resent.json()).toMatchObject({ changed: 0 });
    expect(await dumpTables(t.db)).toEqual(state);
  });

  it("alert webhooks: Vigie's signature verifies; bad, stale, tampered and replayed deliveries are refused by the receiver's check", async () => {
    const secret = 'alert-webhook-secret-0123456789';
    const sent: { body: string; signature: string | null }[] = [];
    const sender = createWebhookSender({
      urls: ['http://receiver.invalid/hook'],
      secret,
      logger: silentLogger,
      now: () => clock.now(),
      fetch: (async (_url: string, init: RequestInit) => {
        sent.push({ body: String(init.body), signature: new Headers(init.headers).get('vigie-signature') });
        return new Response(null, { status: 204 });
      }) as typeof fetch,
    });
    await sender.send({ kind: 'delivery-anomaly', alertId: '42' });
    const [delivery] = sent;
    const seen = new Set<string>();
    const now = clock.now();
    expect(await verifyWebhook(secret, delivery!.body, delivery!.signature, now, { seen })).toBe('ok');
    expect(await verifyWebhook(secret, delivery!.body, delivery!.signature, now, { seen })).toBe('replayed');
    expect(await verifyWebhook(secret, delivery!.body.replace('42', '43'), delivery!.signature, now)).toBe('wrong');
    expect(await verifyWebhook('another-secret-0123456789', delivery!.body, delivery!.signature, now)).toBe('wrong');
    expect(await verifyWebhook(secret, delivery!.body, undefined, now)).toBe('missing');
    expect(await verifyWebhook(secret, delivery!.body, 'sha1=abc', now)).toBe('malformed');
    expect(await verifyWebhook(secret, delivery!.body, delivery!.signature, new Date(now.getTime() + 10 * 60_000))).toBe('stale');
  });
});
