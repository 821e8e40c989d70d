import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { createCampaign } from '../../src/delivery/campaigns.js';
import type { DeliveryContext } from '../../src/delivery/context.js';
import { campaignProgress, changeCampaign } from '../../src/delivery/control.js';
import type { Person } from '../../src/delivery/ports.js';
import { campaignOverview } from '../../src/delivery/overview.js';
import { reconcile } from '../../src/delivery/reconciliation.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { actor, carrierPrefixes, deliveryTestContext, draftId, fakePorts, sendAndWatch, startSmsHarness, type CarrierName } from './fixtures.js';

const minute = 60_000;

/**
 * The Pôle emploi campaign of 2013 at a hundredth (a five-hundredth embedded): 170,000 of 650,000 people on
 * one carrier that failed them, spread over both segments, the rest on three carriers that delivered.
 */
function poleEmploiPeople(n: number): Person[] {
  const others: CarrierName[] = ['SFR', 'Bouygues Telecom', 'Free mobile'];
  return Array.from({ length: n }, (_, i) => {
    const carrier: CarrierName = i % 65 < 17 ? 'Orange' : others[i % 3]!;
    return { id: `p${String(i).padStart(7, '0')}`, segment: i % 2 === 0 ? 'usagers' : 'agents', name: `Personne ${i}`, phone: `${carrierPrefixes[carrier]}${String(i).padStart(6, '0')}`, exposed: ['contact'], firstExposedAt: '2026-11-20T09:15:00Z' };
  });
}

describe.each(engines())('one carrier failing a large SMS campaign (Pôle emploi, 2013) on %s', (engine) => {
  let t: TestDatabase;
  let harness: Awaited<ReturnType<typeof startSmsHarness>>;
  let ctx: DeliveryContext;
  const clock = manualClock('2026-11-24T09:00:00Z');
  const size = engine === 'postgresql' ? 6_500 : 1_300;
  const people = poleEmploiPeople(size);
  const onOrange = people.filter((p) => p.phone!.startsWith(carrierPrefixes.Orange)).length;
  const register = fakePorts(people);

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    harness = await startSmsHarness(t.db, clock, register);
    ctx = deliveryTestContext(t.db, clock, register.ports);
  }, 180_000);
  afterAll(async () => {
    await harness?.close();
    await t?.close();
  });

  it('is one alert on that carrier with the share of the campaign it covers, saying the carriers were inferred', async () => {
    expect(onOrange / size).toBeCloseTo(170 / 650, 2);
    // The provider names no network in its receipts here: Vigie keeps ARCEP's block holder, and says so.
    harness.stand.reportsNetwork = false;
    harness.stand.setBehaviour('Orange', 'fail');
    const { campaign } = await createCampaign(ctx, actor, { draftId, channel: 'sms', reason: 'Art. 34 communication' });
    await changeCampaign(ctx, actor, campaign.id, 'start', 'approved by the DPO');
    await sendAndWatch(ctx, harness.stand, clock, () => false, { untilIdle: true });
    for (let i = 0; i < 3; i++) {
      clock.advance(minute);
      await sendAndWatch(ctx, harness.stand, clock, () => false, { maxRounds: 13 });
    }
    const report = await reconcile(ctx, campaign.id);
    // One anomaly, one alert: not again for the segments Orange's people are in, nor for a segment "(unknown)", nor the campaign.
    expect(report.alerts.map((a) => [a.kind, a.dimension, a.value])).toEqual([['failure-rate', 'carrier', 'Orange']]);
    const [alert] = report.alerts;
    expect(alert).toMatchObject({ carrier: 'Orange', segment: null, affected: onOrange, campaign_total: size, rate: 1 });
    expect(alert!.share).toBeCloseTo(onOrange / size, 6);
    expect(alert!.detail).toContain(`It covers ${((onOrange / size) * 100).toFixed(1)} % of the campaign (${onOrange.toLocaleString('en')} of ${size.toLocaleString('en')} messages)`);
    expect(alert!.detail).toContain(`carrier inferred from the numbering plan (not reported by the provider) for ${onOrange.toLocaleString('en')} of them`);
    expect(register.timeline.filter((e) => e.kind.startsWith('delivery.alert'))).toHaveLength(1);
    const orange = report.rows.find((r) => r.dimension === 'carrier' && r.value === 'Orange');
    expect(orange).toMatchObject({ total: onOrange, failed: onOrange, inferred: onOrange });
    expect(register.statuses.get(people[0]!.id)).toBe('not-informed');
  }, 300_000);

  it('shows one carrier’s silence per carrier within minutes, and lets the operator resend what stayed silent for 30 min', async () => {
    harness.stand.reportsNetwork = true;
    harness.stand.setBehaviour('Orange', 'deliver');
    harness.stand.setBehaviour('Free mobile', 'silent');
    const { campaign } = await createCampaign(ctx, actor, { draftId, channel: 'sms', segment: 'agents', reason: 'apology' });
    await changeCampaign(ctx, actor, campaign.id, 'start', 'approved');
    const started = clock.now().getTime();
    await sendAndWatch(ctx, harness.stand, clock, () => false, { untilIdle: true });
    const free = people.filter((p) => p.segment === 'agents' && p.phone!.startsWith(carrierPrefixes['Free mobile'])).length;

    // Five minutes in, nothing is "silent" yet at 30 min, but the receipts-missing alert has named the carrier.
    clock.set(new Date(started + 5 * minute));
    await sendAndWatch(ctx, harness.stand, clock, () => false, { maxRounds: 13 });
    expect((await campaignProgress(ctx, campaign.id)).silent).toBe(0);
    const early = await reconcile(ctx, campaign.id, 4 * minute);
    expect(early.rows.find((r) => r.dimension === 'carrier' && r.value === 'Free mobile')).toMatchObject({ silent: free, delivered: 0 });
    expect(early.alerts.map((a) => [a.kind, a.dimension, a.value])).toEqual([['receipts-missing', 'carrier', 'Free mobile']]);

    clock.set(new Date(started + 31 * minute));
    const progress = await campaignProgress(ctx, campaign.id);
    expect(progress).toMatchObject({ silent: free, silentAfterMinutes: 30 });
    // No receipt, so no network reported either: the silent carrier is the numbering plan's guess, and says so.
    expect(progress.carriers[0]).toMatchObject({ carrier: 'Free mobile', silent: free, accepted: free, inferred: free });
    expect(progress.carriers.slice(1).every((c) => c.silent === 0 && c.delivered === c.accepted && c.inferred === 0)).toBe(true);
    // The campaign's console page reads both at once (campaignOverview): the same answers as the API's two routes.
    expect(await campaignOverview(ctx, campaign.id)).toEqual({ progress, report: await reconcile(ctx, campaign.id) });

    // Resend "no receipt after 30 min" explicitly, over the API, long before the 24 h deadline makes them unknown.
    const res = await harness.app.app.request(`/_vigie/delivery/campaigns/${campaign.id}/resend`, {
      method: 'POST',
      headers: { ...(await harness.app.auth(['comms'])), 'content-type': 'application/json' },
      body: JSON.stringify({ states: ['silent'], silentAfterMinutes: 30, reason: 'Free mobile silent for 30 min' }),
    });
    expect(res.status).toBe(201);
    const resend = (await res.json()) as { queued: number; campaign: { id: string } };
    expect(resend.queued).toBe(free);
    const resent = await t.db.selectFrom('delivery_message').select('destination').where('campaign_id', '=', resend.campaign.id).execute();
    expect(resent.every((m) => m.destination.startsWith(carrierPrefixes['Free mobile']))).toBe(true);
  }, 300_000);
});
