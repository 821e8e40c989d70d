import type { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { createCampaign } from '../../src/delivery/campaigns.js';
import { campaignProgress, changeCampaign } from '../../src/delivery/control.js';
import { drain } from '../../src/delivery/worker.js';
import { createSmtpTransport } from '../../src/entry/smtp-transport.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { freePort } from '../helpers/processes.js';
import { actor, deliveryTestContext, draftId, fakePorts, makePeople, startSmtpCatcher, type ReceivedMail } from './fixtures.js';

describe.each(engines())('e-mail over a real SMTP exchange on %s', (engine) => {
  let t: TestDatabase;
  let server: SMTPServer;
  let port = 0;
  let received: ReceivedMail[] = [];
  const deferredOnce = new Set<string>();

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    port = await freePort();
    ({ server, received } = await startSmtpCatcher(port, (address, _session, callback) => {
      // person3 is refused for good; person5's mailbox is busy the first time (greylisting).
      if (address.address === 'person3@example.test') return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      if (address.address === 'person5@example.test' && !deferredOnce.has(address.address)) {
        deferredOnce.add(address.address);
        return callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
      }
      callback();
    }));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await t.close();
  });

  it('hands each message to the relay once, retries a deferral, fails a refusal', async () => {
    const clock = manualClock('2026-11-24T09:00:00Z');
    const register = fakePorts(makePeople(12));
    const ctx = deliveryTestContext(t.db, clock, register.ports, { backoffBaseMs: 1_000, backoffMaxMs: 4_000 });
    const transport = createSmtpTransport({ url: `smtp://127.0.0.1:${port}`, from: 'DPO <dpo@vigie.example>', ratePerSecond: 1_000, maxConnections: 2 });
    try {
      const { campaign } = await createCampaign(ctx, actor, { draftId, channel: 'email', reason: 'Art. 34 communication' });
      await changeCampaign(ctx, actor, campaign.id, 'start', 'approved');
      await drain(ctx, [transport], 5);
      clock.advance(10_000);
      await drain(ctx, [transport], 5);
      const progress = await campaignProgress(ctx, campaign.id);
      expect(progress.counts).toMatchObject({ sent: 11, failed: 1, queued: 0, sending: 0 });
      const failed = await t.db.selectFrom('delivery_message').select(['destination', 'failure_reason', 'attempts']).where('campaign_id', '=', campaign.id).where('state', '=', 'failed').execute();
      expect(failed).toEqual([{ destination: 'person3@example.test', failure_reason: 'relay refused (550)', attempts: 1 }]);
      const retried = await t.db.selectFrom('delivery_message').select(['state', 'attempts']).where('campaign_id', '=', campaign.id).where('destination', '=', 'person5@example.test').executeTakeFirstOrThrow();
      expect(retried).toEqual({ state: 'sent', attempts: 2 });

      const recipients = received.flatMap((m) => m.to).sort();
      expect(recipients).toEqual(makePeople(12).map((p) => p.email!).filter((e) => e !== 'person3@example.test').sort());
      const toSeven = received.find((m) => m.to[0] === 'person7@example.test')!;
      expect(toSeven.from).toBe('dpo@vigie.example');
      expect(toSeven.raw).toContain('Subject: =?UTF-8?Q?Information_sur_vos_donn=C3=A9es_personn');
      expect(toSeven.raw).toMatch(/X-Vigie-Reference: \d+/);
      expect(toSeven.raw).toContain('Personne 7');
    } finally {
      await transport.close?.();
    }
  });
});
