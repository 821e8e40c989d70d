import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CommittedRecord } from '../../src/audit/record.js';
import { systemClock } from '../../src/clock.js';
import { createDetector } from '../../src/exposure/detector.js';
import { readEntitlements, upsertEntitlements } from '../../src/exposure/relations.js';
import { createWebhookSender } from '../../src/http/signed-webhooks.js';
import { silentLogger } from '../../src/logger.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testApp, testConfig } from '../helpers/test-app.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { access, openWriter } from './log.js';

const secret = 'webhook-secret-0123456789';

describe.each(engines())('live detection (%s)', (engine) => {
  let t: TestDatabase;
  let hooks: WebhookReceiver;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
    hooks = await startWebhookReceiver();
    const input = readEntitlements({ relations: [{ principal: 'P1', subject: 'C1', validFrom: '2019-01-01T00:00:00Z' }] }, 'Europe/Paris');
    await upsertEntitlements({ db: t.db, clock: systemClock }, { ...input, roles: [], source: 'test' }, { subject: 'sync', roles: [], reason: 'test' });
  }, 180_000); // migrations on the embedded engine are slow on a busy machine
  afterAll(async () => {
    await hooks.close();
    await t.close();
  });

  it('stores one alert per burst and sends signed webhooks without personal data', async () => {
    const config = testConfig({ VIGIE_EXPOSURE_WEBHOOKS: hooks.url, VIGIE_EXPOSURE_WEBHOOK_SECRET: secret });
    const detector = createDetector({
      db: t.db,
      clock: systemClock,
      logger: silentLogger,
      settings: config.exposure,
      webhooks: createWebhookSender({ urls: config.exposure.webhooks, secret, logger: silentLogger }),
    });
    const writer = openWriter(t.db, detector.onBatchCommitted);
    await writer.append(access('2020-03-31T09:40:00Z', 'P1', ['P1', 'C1'])); // legitimate
    await Promise.all([
      writer.append(access('2020-03-31T09:45:00Z', 'P2', ['P1'], { producedFor: 'P1' })),
      writer.append(access('2020-03-31T09:45:05Z', 'P3', ['C1'])),
    ]);
    await writer.append(access('2020-03-31T09:46:00Z', null, ['P1']));
    await writer.append(access('2020-03-31T10:30:00Z', 'P4', ['C1'])); // 44 minutes later: a new burst
    await writer.close();
    await detector.idle();
    const alerts = await t.db.selectFrom('exposure_alert').selectAll().orderBy('id').execute();
    expect(alerts.map((a) => [new Date(a.first_at).toISOString(), new Date(a.last_at).toISOString(), a.accesses])).toEqual([
      ['2020-03-31T09:45:00.000Z', '2020-03-31T09:46:00.000Z', 3],
      ['2020-03-31T10:30:00.000Z', '2020-03-31T10:30:00.000Z', 1],
    ]);
    expect(detector.stats()).toMatchObject({ illegitimate: 4, alerts: 2, failures: 0 });
    expect(hooks.received).toHaveLength(2);
    for (const { body, signature } of hooks.received) {
      expect(signature).toBe(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
      expect(JSON.parse(body)).toMatchObject({ type: 'exposure.alert.opened', detectedBy: 'live' });
      expect(body).not.toMatch(/"P\d|"C\d/);
    }
  });

  it('shows alerts over the API: counts to sre, the accesses to dpo only', async () => {
    const { app, auth } = testApp({ db: t.db });
    const list = await (await app.request('/_vigie/exposure/alerts', { headers: await auth(['sre']) })).json();
    expect(list.alerts.map((a: { accesses: number; peopleExposed: number; receivers: number }) => [a.accesses, a.peopleExposed, a.receivers])).toEqual([
      [1, 1, 1],
      [3, 2, 3],
    ]);
    const id = list.alerts[1].id;
    expect((await app.request(`/_vigie/exposure/alerts/${id}`, { headers: await auth(['sre']) })).status).toBe(403);
    const detail = await (await app.request(`/_vigie/exposure/alerts/${id}`, { headers: await auth(['dpo']) })).json();
    expect(detail.accessList.map((a: { receiver: string; subject: string; reason: string }) => `${a.receiver}→${a.subject}:${a.reason}`)).toEqual([
      'P2→P1:mix-up',
      'P3→C1:not-entitled',
      'anonymous:session-1→P1:anonymous',
    ]);
    expect(detail.firstAt).toBe('2020-03-31T11:45:00+02:00');
    expect((await app.request('/_vigie/exposure/alerts/999999', { headers: await auth(['dpo']) })).status).toBe(404);
    const breach = await (await app.request('/_vigie/breaches', { method: 'POST', headers: { ...(await auth(['dpo'])), 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Fuite' }) })).json();
    const attached = await app.request(`/_vigie/exposure/alerts/${id}/attach`, {
      method: 'POST',
      headers: { ...(await auth(['dpo'])), 'content-type': 'application/json' },
      body: JSON.stringify({ breachId: breach.id, reason: 'first sign' }),
    });
    expect(attached.status).toBe(200);
    const event = await t.db.selectFrom('breach_event').selectAll().where('kind', '=', 'alert').executeTakeFirstOrThrow();
    expect(new Date(event.occurred_at).toISOString()).toBe('2020-03-31T09:45:00.000Z');
  });
});

describe.each(engines())('live detection keeps up (%s)', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
    const input = readEntitlements({ relations: [{ principal: 'P1', subject: 'C1', validFrom: '2019-01-01T00:00:00Z' }] }, 'Europe/Paris');
    await upsertEntitlements({ db: t.db, clock: systemClock }, { ...input, roles: [], source: 'test' }, { subject: 'sync', roles: [], reason: 'test' });
  }, 180_000);
  afterAll(() => t.close());

  it('checks every batch committed during a round in the next one: one check and one mark for all of them', async () => {
    const committed: CommittedRecord[][] = [];
    const writer = openWriter(t.db, (records) => void committed.push(records));
    for (let i = 0; i < 30; i++) {
      // Batches 17 and 25 carry an access nobody is entitled to, 20 minutes apart (two bursts); the others a
      // parent's page with their childminder.
      const at = `2020-04-01T08:${i === 24 ? '20' : '00'}:${String(i).padStart(2, '0')}Z`;
      await writer.append(i === 16 || i === 24 ? access(at, `P${i}`, ['C1']) : access(at, 'P1', ['P1', 'C1']));
    }
    await writer.close();
    expect(committed).toHaveLength(30);
    const stream = committed[0]![0]!.stream;
    const detector = createDetector({ db: t.db, clock: systemClock, logger: silentLogger, settings: testConfig().exposure });
    // The first batch starts a round; the 29 others arrive while it is at the database.
    await Promise.all(committed.map((records) => detector.onBatchCommitted(records)));
    await detector.idle();
    expect(detector.stats()).toMatchObject({ rounds: 2, batches: 30, records: 30, illegitimate: 2, alerts: 2, failures: 0, pendingRecords: 0 });
    const mark = await t.db.selectFrom('exposure_check_mark').select('seq').where('stream', '=', stream).executeTakeFirstOrThrow();
    expect(Number(mark.seq)).toBe(30);
    const kept = await t.db.selectFrom('exposure_alert_access').select(['seq', 'pos', 'receiver', 'subject']).where('stream', '=', stream).execute();
    expect(kept.map((k) => [Number(k.seq), k.pos, k.receiver, k.subject]).sort()).toEqual([[17, 0, 'P16', 'C1'], [25, 0, 'P24', 'C1']]);
    // Checked in one round, the two bursts are still two alerts.
    const alerts = await t.db.selectFrom('exposure_alert').select(['first_at', 'accesses']).orderBy('first_at').execute();
    expect(alerts.map((a) => [new Date(a.first_at).toISOString(), a.accesses])).toEqual([
      ['2020-04-01T08:00:16.000Z', 1],
      ['2020-04-01T08:20:24.000Z', 1],
    ]);
  });

  it('writes the mark of rounds that find nothing at most once a second, and all of it when idle is awaited', async () => {
    const committed: CommittedRecord[][] = [];
    const writer = openWriter(t.db, (records) => void committed.push(records));
    for (let i = 0; i < 4; i++) await writer.append(access(`2020-04-02T08:00:0${i}Z`, 'P1', ['P1', 'C1']));
    await writer.close();
    const stream = committed[0]![0]!.stream;
    const markOf = async () => (await t.db.selectFrom('exposure_check_mark').select('seq').where('stream', '=', stream).executeTakeFirst())?.seq;
    const detector = createDetector({ db: t.db, clock: systemClock, logger: silentLogger, settings: testConfig().exposure, markEveryMs: 60_000 });
    // One round at a time: the first writes the mark, the next three within the minute only remember theirs.
    for (const records of committed) await detector.onBatchCommitted(records);
    expect(detector.stats()).toMatchObject({ rounds: 4, batches: 4, failures: 0 });
    expect(Number(await markOf())).toBe(1);
    await detector.idle();
    expect(Number(await markOf())).toBe(4);
  });

  it('writes a remembered mark by itself once the interval has passed', async () => {
    const committed: CommittedRecord[][] = [];
    const writer = openWriter(t.db, (records) => void committed.push(records));
    for (let i = 0; i < 2; i++) await writer.append(access(`2020-04-03T08:00:0${i}Z`, 'P1', ['P1', 'C1']));
    await writer.close();
    const stream = committed[0]![0]!.stream;
    const markOf = async () => Number((await t.db.selectFrom('exposure_check_mark').select('seq').where('stream', '=', stream).executeTakeFirst())?.seq);
    const detector = createDetector({ db: t.db, clock: systemClock, logger: silentLogger, settings: testConfig().exposure, markEveryMs: 200 });
    for (const records of committed) await detector.onBatchCommitted(records);
    expect(await markOf()).toBe(1);
    await vi.waitFor(async () => expect(await markOf()).toBe(2), { timeout: 5_000, interval: 50 });
  });
});
