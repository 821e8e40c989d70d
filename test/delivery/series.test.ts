import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { createCampaign } from '../../src/delivery/campaigns.js';
import type { DeliveryContext } from '../../src/delivery/context.js';
import { campaignProgress, changeCampaign } from '../../src/delivery/control.js';
import { deliverySeries } from '../../src/delivery/series.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { actor, carrierPrefixes, deliveryTestContext, draftId, fakePorts, makePeople, sendAndWatch, startSmsHarness } from './fixtures.js';

const minute = 60_000;

describe.each(engines())('a campaign’s delivery over time (the console’s chart) on %s', (engine) => {
  let t: TestDatabase;
  let harness: Awaited<ReturnType<typeof startSmsHarness>>;
  let ctx: DeliveryContext;
  // The night clocks go forward in Paris (01:00Z): buckets are UTC instants. Each engine's run at its own time:
  // the same receipts signed at the same second would be refused as replays (the guard is per process).
  const clock = manualClock(engine === 'postgresql' ? '2026-03-29T00:40:00Z' : '2026-03-29T00:50:00Z');
  const people = makePeople(400);
  const register = fakePorts(people);

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    harness = await startSmsHarness(t.db, clock, register);
    ctx = deliveryTestContext(t.db, clock, register.ports, { silentAfterMs: 5 * minute });
  }, 180_000);
  afterAll(async () => {
    await harness?.close();
    await t?.close();
  });

  it('counts handed off, delivered, failed and silent per carrier as running totals, silent from the delay until now', async () => {
    harness.stand.setBehaviour('Orange', 'fail');
    harness.stand.setBehaviour('Free mobile', 'silent');
    const { campaign } = await createCampaign(ctx, actor, { draftId, channel: 'sms', reason: 'Art. 34' });
    await changeCampaign(ctx, actor, campaign.id, 'start', 'approved');
    const started = clock.now().getTime();
    await sendAndWatch(ctx, harness.stand, clock, () => false, { untilIdle: true });
    clock.set(new Date(started + 12 * minute));

    const series = await deliverySeries(ctx, campaign.id);
    const last = series.times.length - 1;
    expect(series.bucketMs).toBe(10_000); // twelve minutes: 72 buckets of 10 s
    expect(series.times[last]! - series.times[0]!).toBe(last * series.bucketMs);
    expect(series.times[last]).toBeGreaterThanOrEqual(clock.now().getTime());
    const per = (carrier: string) => series.carriers.find((c) => c.carrier === carrier)!.curve;
    const n = 100;
    expect(series.all.sent[last]).toBe(400);
    expect(series.all.delivered[last]).toBe(200);
    expect(series.all.failed[last]).toBe(n);
    expect(per('Orange').failed[last]).toBe(n);
    expect(per('SFR').delivered[last]).toBe(n);
    // Silent: nothing before the 5-minute delay, then Free mobile's 100 until now.
    const at = (ms: number) => series.times.findIndex((time) => time >= ms);
    expect(per('Free mobile').silent[at(started + 4 * minute)]).toBe(0);
    expect(per('Free mobile').silent[last]).toBe(n);
    expect(series.all.silent[last]).toBe((await campaignProgress(ctx, campaign.id)).silent);
    // Running totals never go down.
    for (const key of ['sent', 'delivered', 'failed'] as const) {
      expect(series.all[key].every((value, i, all) => i === 0 || value >= all[i - 1]!)).toBe(true);
    }
    // The carriers in trouble first: where to look.
    expect(series.carriers.slice(0, 2).map((c) => c.carrier).sort()).toEqual(['Free mobile', 'Orange']);
    expect(people.filter((p) => p.phone!.startsWith(carrierPrefixes['Free mobile']))).toHaveLength(n);
  }, 120_000);
});
