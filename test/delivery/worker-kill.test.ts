import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { createCampaign } from '../../src/delivery/campaigns.js';
import { changeCampaign } from '../../src/delivery/control.js';
import { createSmsHttpTransport } from '../../src/delivery/sms-http.js';
import { drain } from '../../src/delivery/worker.js';
import { openTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/databases.js';
import { freePort, startProcess } from '../helpers/processes.js';
import { actor, deliveryTestContext, draftId, fakePorts, makePeople, numberingFixtureFile, startSmsStandIn, type SmsStandIn } from './fixtures.js';

const people = 3_000;

describe.skipIf(!testDatabaseUrl)('a worker process killed mid-campaign (PostgreSQL)', () => {
  let t: TestDatabase;
  let stand: SmsStandIn;
  beforeAll(async () => {
    t = await openTestDatabase('postgresql');
    stand = await startSmsStandIn(() => 'http://127.0.0.1:9/unused', await freePort());
    // No receipts: this test is about hand-offs only.
    for (const carrier of ['Orange', 'SFR', 'Bouygues Telecom', 'Free mobile'] as const) stand.setBehaviour(carrier, 'silent');
  });
  afterAll(async () => {
    await stand?.close();
    await t?.close();
  });

  it('loses no message and sends none twice', async () => {
    const register = fakePorts(makePeople(people));
    const setupCtx = deliveryTestContext(t.db, manualClock(new Date()), register.ports);
    const { campaign } = await createCampaign(setupCtx, actor, { draftId, channel: 'sms', reason: 'Art. 34 communication' });
    await changeCampaign(setupCtx, actor, campaign.id, 'start', 'approved');

    const url = new URL(testDatabaseUrl!);
    url.searchParams.set('options', `-c search_path=${t.schema}`);
    const worker = startProcess('node', ['--import', 'tsx', 'src/cli/main.ts', 'campaign', 'work', '--batch-size', '100'], {
      DATABASE_URL: url.toString(),
      VIGIE_SMS_URL: stand.url,
      VIGIE_NUMBERING_PLAN: numberingFixtureFile,
      VIGIE_SMS_RATE: '400',
      VIGIE_LOG_LEVEL: 'silent',
    });
    const started = Date.now();
    while (stand.delivered.size < 800) {
      if (worker.child.exitCode !== null) throw new Error(`worker exited early:\n${worker.output()}`);
      if (Date.now() - started > 60_000) throw new Error(`worker sent ${stand.delivered.size} in 60 s:\n${worker.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await worker.stop('SIGKILL');
    const atKill = await t.db.selectFrom('delivery_message').select(['state', sql<number>`count(*)::int`.as('n')]).where('campaign_id', '=', campaign.id).groupBy('state').execute();
    const counts = Object.fromEntries(atKill.map((r) => [r.state, r.n]));
    expect(counts.queued).toBeGreaterThan(0);
    expect((counts.sent ?? 0) + (counts.sending ?? 0)).toBeGreaterThanOrEqual(800);

    // Another instance takes over once the dead worker's lease has run out.
    const later = manualClock(new Date(Date.now() + 5 * 60_000));
    const ctx = deliveryTestContext(t.db, later, register.ports);
    await drain(ctx, [createSmsHttpTransport({ provider: 'sms', url: stand.url, sender: 'Vigie', ratePerSecond: 100_000 })], 500);

    const final = await t.db.selectFrom('delivery_message').select(['state', sql<number>`count(*)::int`.as('n')]).where('campaign_id', '=', campaign.id).groupBy('state').execute();
    expect(final).toEqual([{ state: 'sent', n: people }]);
    expect(stand.delivered.size).toBe(people);
    expect([...stand.perPhone.values()].every((n) => n === 1)).toBe(true);
    expect(stand.perPhone.size).toBe(people);
    console.log(`killed with ${counts.sending ?? 0} message(s) mid-hand-off; ${stand.duplicatesDropped} re-hand-off(s) dropped by the provider's reference check`);
  }, 120_000);
});
