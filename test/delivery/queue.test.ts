import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { createCampaign } from '../../src/delivery/campaigns.js';
import { campaignProgress, changeCampaign } from '../../src/delivery/control.js';
import { claimMessages, recoverExpiredLeases } from '../../src/delivery/queue.js';
import { drain, runRound } from '../../src/delivery/worker.js';
import type { OutgoingMessage, SendOutcome, Transport } from '../../src/delivery/transport.js';
import { engines, openSchema, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { actor, deliveryTestContext, draftId, fakePorts, makePeople } from './fixtures.js';

/** A transport that records every hand-off and answers what `answer` says. */
function recordingTransport(answer: (m: OutgoingMessage) => SendOutcome = () => ({ status: 'accepted', providerMessageId: null }), options: Partial<Transport> = {}) {
  const sent: OutgoingMessage[] = [];
  const transport: Transport = {
    provider: 'sms',
    channel: 'sms',
    idempotent: true,
    ratePerSecond: 100_000,
    async send(message) {
      sent.push(message);
      return answer(message);
    },
    ...options,
  };
  return { transport, sent };
}

describe.each(engines())('delivery queue on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
  });
  afterAll(async () => t.close());

  const setup = async (n: number, start = '2026-11-24T08:00:00Z') => {
    const clock = manualClock(start);
    const register = fakePorts(makePeople(n));
    const ctx = deliveryTestContext(t.db, clock, register.ports, { backoffBaseMs: 1_000, backoffMaxMs: 8_000, maxAttempts: 3, leaseMs: 60_000 });
    const { campaign, queued } = await createCampaign(ctx, actor, { draftId, channel: 'sms', reason: 'Art. 34 communication' });
    return { clock, ctx, campaign, queued, register };
  };

  it('renders one message per person, sends nothing before start, then each person exactly once', async () => {
    const { ctx, campaign, queued } = await setup(250);
    expect(queued).toBe(250);
    const row = await t.db.selectFrom('delivery_message').selectAll().where('campaign_id', '=', campaign.id).orderBy('person_id').executeTakeFirstOrThrow();
    expect(row.body).toBe('Bonjour Personne 0, le 20/11/2026 vos données (des éléments de vos coordonnées et votre numéro de sécurité sociale) ont pu être vues. Infos: exemple.fr/incident');
    expect(row).toMatchObject({ carrier: 'Orange', carrier_source: 'numbering-plan' });
    const { transport, sent } = recordingTransport();
    expect(await drain(ctx, [transport])).toBe(0);
    await changeCampaign(ctx, actor, campaign.id, 'start', 'DPO approved on 24/11');
    expect(await drain(ctx, [transport], 40)).toBe(250);
    expect(new Set(sent.map((m) => m.destination)).size).toBe(250);
    const progress = await campaignProgress(ctx, campaign.id);
    expect(progress.counts.sent).toBe(250);
    expect(progress.campaign.status).toBe('completed');
    const actions = await t.db.selectFrom('staff_action').select(['actor', 'action', 'reason']).where('target', '=', campaign.id).orderBy('id').execute();
    expect(actions).toEqual([
      { actor: 'carole', action: 'delivery.campaign.create', reason: 'Art. 34 communication' },
      { actor: 'carole', action: 'delivery.campaign.start', reason: 'DPO approved on 24/11' },
    ]);
  });

  it('refuses a draft the DPO has not approved, and stores nothing', async () => {
    const clock = manualClock('2026-11-24T08:00:00Z');
    const register = fakePorts(makePeople(3));
    register.approved.value = false;
    const ctx = deliveryTestContext(t.db, clock, register.ports);
    const before = await t.db.selectFrom('delivery_campaign').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    await expect(createCampaign(ctx, actor, { draftId, channel: 'sms', reason: 'test' })).rejects.toThrow(/not approved/);
    const after = await t.db.selectFrom('delivery_campaign').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('pause stops claims at once; resume continues; cancel cancels what is still queued', async () => {
    const { ctx, campaign } = await setup(100);
    const { transport, sent } = recordingTransport();
    await changeCampaign(ctx, actor, campaign.id, 'start', 'go');
    await runRound(ctx, transport, 30);
    await changeCampaign(ctx, actor, campaign.id, 'pause', 'wrong wording spotted');
    expect(await runRound(ctx, transport, 30)).toBe(0);
    await changeCampaign(ctx, actor, campaign.id, 'resume', 'wording fixed');
    await runRound(ctx, transport, 30);
    await expect(changeCampaign(ctx, actor, campaign.id, 'start', 'again')).rejects.toThrow(/cannot be started/);
    await changeCampaign(ctx, actor, campaign.id, 'cancel', 'called off');
    expect(await runRound(ctx, transport, 30)).toBe(0);
    const progress = await campaignProgress(ctx, campaign.id);
    expect(sent.length).toBe(60);
    expect(progress.counts).toMatchObject({ sent: 60, cancelled: 40, queued: 0 });
  });

  it('retries temporary errors with backoff, gives up after the last attempt, fails refusals at once', async () => {
    const { ctx, campaign, clock } = await setup(3);
    const calls = new Map<string, number>();
    const { transport } = recordingTransport((m) => {
      calls.set(m.destination, (calls.get(m.destination) ?? 0) + 1);
      if (m.destination.endsWith('000000')) return { status: 'temporary', reason: 'provider answered 503' };
      if (m.destination.endsWith('000001')) return { status: 'permanent', reason: 'provider refused (400)' };
      return calls.get(m.destination)! < 2 ? { status: 'temporary', reason: 'provider answered 429' } : { status: 'accepted', providerMessageId: 'x' };
    });
    await changeCampaign(ctx, actor, campaign.id, 'start', 'go');
    expect(await runRound(ctx, transport)).toBe(3);
    expect(await runRound(ctx, transport)).toBe(0); // nothing due before the backoff
    for (let i = 0; i < 5; i++) {
      clock.advance(10_000);
      await runRound(ctx, transport);
    }
    const rows = await t.db.selectFrom('delivery_message').select(['destination', 'state', 'attempts', 'failure_reason']).where('campaign_id', '=', campaign.id).orderBy('person_id').execute();
    expect(rows.map((r) => [r.state, r.attempts])).toEqual([
      ['failed', 3],
      ['failed', 1],
      ['sent', 2],
    ]);
    expect(rows[0]!.failure_reason).toBe('gave up after 3 attempts: provider answered 503');
    expect(rows[1]!.failure_reason).toBe('provider refused (400)');
  });

  it('recovers a dead worker’s lease: requeued for an idempotent provider, unknown otherwise', async () => {
    const { ctx, campaign, clock } = await setup(10);
    await changeCampaign(ctx, actor, campaign.id, 'start', 'go');
    const claimed = await claimMessages(t.db, 'sms', 10, clock.now(), 60_000);
    expect(claimed).toHaveLength(10);
    // Another worker finds nothing to take while the lease holds.
    expect(await claimMessages(t.db, 'sms', 10, clock.now(), 60_000)).toHaveLength(0);
    clock.advance(61_000);
    expect(await recoverExpiredLeases(t.db, 'sms', true, clock.now())).toBe(10);
    const again = await claimMessages(t.db, 'sms', 10, clock.now(), 60_000);
    clock.advance(61_000);
    expect(await recoverExpiredLeases(t.db, 'sms', false, clock.now())).toBe(again.length);
    const progress = await campaignProgress(ctx, campaign.id);
    expect(progress.counts.unknown).toBe(10);
  });

  it('keeps the provider rate across workers (token bucket in the database)', async () => {
    // A later day than the other tests: the provider's bucket row is shared within the schema.
    const { ctx, campaign, clock } = await setup(50, '2026-11-25T08:00:00Z');
    await changeCampaign(ctx, actor, campaign.id, 'start', 'go');
    const { transport, sent } = recordingTransport(undefined, { ratePerSecond: 10 });
    await runRound(ctx, transport, 40);
    await runRound(ctx, transport, 40);
    expect(sent.length).toBe(10);
    clock.advance(500);
    await runRound(ctx, transport, 40);
    expect(sent.length).toBe(15);
  });
});

describe.skipIf(engines().length < 2)('delivery queue with several instances on PostgreSQL', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase('postgresql');
  });
  afterAll(async () => t.close());

  it('four workers on four pools send each person exactly once', async () => {
    const clock = manualClock('2026-11-24T08:00:00Z');
    const register = fakePorts(makePeople(2_000));
    const ctx = deliveryTestContext(t.db, clock, register.ports);
    const { campaign } = await createCampaign(ctx, actor, { draftId, channel: 'sms', reason: 'go' });
    await changeCampaign(ctx, actor, campaign.id, 'start', 'go');
    const pools = await Promise.all([1, 2, 3, 4].map(() => openSchema(t.schema!, 3)));
    const sent: string[] = [];
    const transport: Transport = {
      provider: 'sms', channel: 'sms', idempotent: true, ratePerSecond: 1_000_000,
      async send(m) {
        sent.push(m.reference);
        await new Promise((resolve) => setTimeout(resolve, 1));
        return { status: 'accepted', providerMessageId: null };
      },
    };
    try {
      await Promise.all(pools.map((db) => drain({ ...ctx, db }, [transport], 50)));
    } finally {
      await Promise.all(pools.map((db) => db.destroy()));
    }
    expect(sent.length).toBe(2_000);
    expect(new Set(sent).size).toBe(2_000);
  });
});
