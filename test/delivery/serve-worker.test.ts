import type { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { createCampaign } from '../../src/delivery/campaigns.js';
import { campaignProgress, changeCampaign } from '../../src/delivery/control.js';
import { startDeliveryWorker } from '../../src/entry/delivery-worker.js';
import { silentLogger } from '../../src/logger.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { freePort } from '../helpers/processes.js';
import { testConfig } from '../helpers/test-app.js';
import { actor, deliveryTestContext, draftId, fakePorts, makePeople, startSmtpCatcher, type ReceivedMail } from './fixtures.js';

// `vigie serve` sends started campaigns itself: on the embedded engine no second process could open the database.
describe.each(engines())('the delivery worker inside vigie serve on %s', (engine) => {
  let t: TestDatabase;
  let server: SMTPServer;
  let port = 0;
  let received: ReceivedMail[] = [];

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    port = await freePort();
    ({ server, received } = await startSmtpCatcher(port));
  }, 180_000);
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await t.close();
  });

  it('is started only with a transport, and not with VIGIE_DELIVERY_WORKER=false', () => {
    expect(startDeliveryWorker(testConfig(), t.db, systemClock, silentLogger)).toBeUndefined();
    expect(startDeliveryWorker(testConfig({ VIGIE_SMTP_URL: `smtp://127.0.0.1:${port}`, VIGIE_DELIVERY_WORKER: 'false' }), t.db, systemClock, silentLogger)).toBeUndefined();
    expect(() => testConfig({ VIGIE_DELIVERY_WORKER: 'yes' })).toThrow(/VIGIE_DELIVERY_WORKER.*must be true or false/);
  });

  it('sends a started campaign to every recipient over SMTP, then stops cleanly', async () => {
    const people = makePeople(8);
    const ctx = deliveryTestContext(t.db, systemClock, fakePorts(people).ports);
    const { campaign } = await createCampaign(ctx, actor, { draftId, channel: 'email', reason: 'Art. 34 communication' });
    await changeCampaign(ctx, actor, campaign.id, 'start', 'approved');
    const config = testConfig({ VIGIE_SMTP_URL: `smtp://127.0.0.1:${port}`, VIGIE_SMTP_FROM: 'DPO <dpo@vigie.example>' });
    const worker = startDeliveryWorker(config, t.db, systemClock, silentLogger)!;
    expect(worker).toBeDefined();
    try {
      const started = performance.now();
      while (received.length < people.length) {
        expect(performance.now() - started).toBeLessThan(15_000);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await worker.stop();
    }
    expect(received.flatMap((m) => m.to).sort()).toEqual(people.map((p) => p.email!).sort());
    expect((await campaignProgress(ctx, campaign.id)).counts).toMatchObject({ sent: people.length, queued: 0, sending: 0 });
  });
});
