import { sql } from 'kysely';
import type { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { createCampaign } from '../../src/delivery/campaigns.js';
import { campaignProgress, changeCampaign } from '../../src/delivery/control.js';
import { startDeliveryWorker } from '../../src/entry/delivery-worker.js';
import { addPopulation } from '../../src/breaches/population.js';
import { openBreachBody } from '../../src/breaches/breach-facts.js';
import { openBreach } from '../../src/breaches/edit-breach.js';
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
  const refusing = { value: false };

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    port = await freePort();
    // The relay refuses every address of the "agents" segment (odd-numbered people): a refusal-rate anomaly.
    ({ server, received } = await startSmtpCatcher(port, (address, _session, callback) => {
      const n = Number(/^person(\d+)@/.exec(address.address)?.[1]);
      if (refusing.value && n % 2 === 1) return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      callback();
    }));
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

  it('puts the anomalies it finds on the breach timeline, and hand-off failures on the people’s statuses', async () => {
    const config = testConfig({ VIGIE_SMTP_URL: `smtp://127.0.0.1:${port}` });
    const deps = { db: t.db, clock: systemClock, config };
    const dpo = { subject: 'dora', roles: ['dpo'] };
    const { id: breach } = await openBreach(deps, openBreachBody.parse({ title: 'Données affichées à la mauvaise personne' }), dpo);
    const people = makePeople(120);
    await addPopulation(deps, String(breach), people.map((p) => ({ ref: p.id })), 'manual', dpo);
    const ctx = deliveryTestContext(t.db, systemClock, fakePorts(people, { breach: String(breach) }).ports);
    const { campaign } = await createCampaign(ctx, actor, { draftId, channel: 'email', reason: 'Art. 34 communication' });
    await changeCampaign(ctx, actor, campaign.id, 'start', 'approved');
    refusing.value = true;
    const worker = startDeliveryWorker(config, t.db, systemClock, silentLogger, { monitorEveryMs: 200, idleMs: 50 })!;
    const alerts = () => t.db.selectFrom('breach_event').select(['kind', 'summary', 'source', 'recorded_by']).where('breach_id', '=', String(breach)).where('kind', '=', 'alert').execute();
    try {
      const started = performance.now();
      const handedOff = async () => {
        const { counts } = await campaignProgress(ctx, campaign.id);
        return counts.queued + counts.sending === 0;
      };
      while ((await alerts()).length === 0 || !(await handedOff())) {
        expect(performance.now() - started).toBeLessThan(20_000);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await worker.stop();
      refusing.value = false;
    }
    const [alert, ...others] = await alerts();
    expect(others).toEqual([]);
    expect(alert).toMatchObject({ source: 'delivery', recorded_by: 'vigie-delivery' });
    expect(alert!.summary).toMatch(/^refusal-rate on segment agents: 100\.0 % refused or given up \((\d+) of \1 hand-offs/);
    expect(alert!.summary).toContain('It covers 50.0 % of the campaign (60 of 120 messages)');
    const statuses = await t.db.selectFrom('breach_person').select(['status', sql<number>`count(*)::int`.as('n')]).where('breach_id', '=', String(breach)).groupBy('status').orderBy('status').execute();
    // Refused people are to inform again; accepted e-mails wait for the bounce window before counting as informed.
    expect(statuses).toEqual([{ status: 'identified', n: 60 }, { status: 'to-inform', n: 60 }]);
  }, 60_000);
});
