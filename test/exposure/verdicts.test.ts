import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { checkPending } from '../../src/exposure/check-pending.js';
import { createDetector } from '../../src/exposure/detector.js';
import { startCatchUp } from '../../src/exposure/live-detection.js';
import { createWebAuditCrypto } from '../../src/audit/audit-crypto.js';
import { AccessLogWriter } from '../../src/audit/writer.js';
import { readEntitlements, upsertEntitlements } from '../../src/exposure/relations.js';
import { buildExposureReport, type ExposureReport } from '../../src/exposure/report.js';
import { advanceMark } from '../../src/exposure/verdicts.js';
import { parseWindow } from '../../src/exposure/window.js';
import { silentLogger } from '../../src/logger.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testConfig } from '../helpers/test-app.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';
import { access, openWriter, writeRecords } from './log.js';

const zone = 'Europe/Paris';
const actor = { subject: 'sync', roles: ['admin'], reason: 'test' };
const window = () => parseWindow({ from: '2020-03-31 11:45', to: '2020-03-31 15:15' }, zone);

/** The report's answer without its provenance (when it ran, what it read). */
const answer = (report: ExposureReport) => ({ totals: report.totals, byPerson: report.byPerson, byReceiver: report.byReceiver });
const pairs = (report: ExposureReport) => report.byPerson.flatMap((p) => p.receivers.map((r) => `${r.receiver}→${p.subject}`)).sort();

// Reports read the verdicts live detection kept and check again only what they cannot trust: they must
// give exactly the answer of checking every record again, whatever changed in between.
describe.each(engines())('kept verdicts (%s)', (engine) => {
  let t: TestDatabase;
  const relate = async (relations: { principal: string; subject: string; validFrom: string; validTo?: string }[]) => {
    const input = readEntitlements({ relations }, zone);
    await upsertEntitlements({ db: t.db, clock: systemClock }, { ...input, roles: [], source: 'test' }, actor);
  };
  const report = async (broadRoles = ['agent'], keptVerdicts = true) =>
    buildExposureReport(t.db, window(), { broadRoles, now: new Date(0), keptVerdicts });
  /** The report from kept verdicts, checked against a full re-check of every record. */
  const checkedReport = async (broadRoles = ['agent']) => {
    const kept = await report(broadRoles);
    expect(answer(kept)).toEqual(answer(await report(broadRoles, false)));
    return kept;
  };

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await relate([
      { principal: 'P1', subject: 'C1', validFrom: '2019-01-01 00:00' },
      { principal: 'P2', subject: 'C2', validFrom: '2019-01-01 00:00', validTo: '2020-03-01 00:00' },
      { principal: 'P4', subject: 'C4', validFrom: '2019-01-01 00:00' },
    ]);
    const roles = readEntitlements({ roles: [{ principal: 'agent-7', role: 'agent', validFrom: '2020-01-01T00:00:00Z' }] }, zone);
    await upsertEntitlements({ db: t.db, clock: systemClock }, { ...roles, source: 'test' }, actor);
    const detector = createDetector({
      db: t.db,
      clock: systemClock,
      logger: silentLogger,
      settings: testConfig({ VIGIE_EXPOSURE_BROAD_ROLES: 'agent' }).exposure,
    });
    const writer = openWriter(t.db, detector.onBatchCommitted);
    for (const record of [
      access('2020-03-31T10:00:00Z', 'P1', ['P1', 'C1']), // related
      access('2020-03-31T10:01:00Z', 'P2', ['C2']), // relation ended before
      access('2020-03-31T10:02:00Z', 'P3', ['P1'], { producedFor: 'P1' }), // cache mix-up
      access('2020-03-31T10:03:00Z', null, ['C1']), // anonymous
      access('2020-03-31T10:04:00Z', 'agent-7', ['C2']), // broad-access role
      access('2020-03-31T10:05:00Z', 'P4', ['P4', 'C4']), // related
      access('2020-03-31T10:06:00Z', 'P5', ['C5']), // no relation
    ]) {
      await writer.append(record); // one batch each: the mark moves batch by batch
    }
    await writer.close();
    await detector.idle();
    expect(detector.stats().failures).toBe(0);
  }, 180_000);
  afterAll(() => t.close());

  it('reads what live detection kept, checking nothing again', async () => {
    const kept = await checkedReport();
    expect(kept.covers.checks).toEqual({ keptStreams: 1, batchesCheckedNow: 0, principalsRecheckedNow: 0, everyRecordCheckedNow: false });
    expect(pairs(kept)).toEqual(['P2→C2', 'P3→P1', 'P5→C5', 'anonymous:session-1→C1']);
  });

  it('checks the batches live detection did not see', async () => {
    await writeRecords(t.db, [access('2020-03-31T10:07:00Z', 'P6', ['C6'])]); // a writer without detection
    const kept = await checkedReport();
    expect(kept.covers.checks.batchesCheckedNow).toBe(1);
    expect(pairs(kept)).toContain('P6→C6');
  });

  it('vigie exposure check fills the gap: verdicts kept, an alert raised, nothing left to check', async () => {
    const result = await checkPending(t.db, { broadRoles: ['agent'], burstGapSeconds: 300, now: () => new Date() });
    expect(result).toEqual({ streams: 1, batches: 1, illegitimate: 1 });
    const kept = await checkedReport();
    expect(kept.covers.checks).toMatchObject({ keptStreams: 2, batchesCheckedNow: 0, principalsRecheckedNow: 0 });
    expect(pairs(kept)).toContain('P6→C6');
    const stored = await t.db.selectFrom('exposure_alert_access').select(['receiver', 'subject']).where('receiver', '=', 'P6').execute();
    expect(stored).toEqual([{ receiver: 'P6', subject: 'C6' }]);
    expect(await checkPending(t.db, { broadRoles: ['agent'], burstGapSeconds: 300, now: () => new Date() })).toEqual({ streams: 0, batches: 0, illegitimate: 0 });
  });

  it('re-checks the principals whose relations changed since, and only those', async () => {
    // Re-sent unchanged (a daily sync): nothing to check again.
    await relate([{ principal: 'P1', subject: 'C1', validFrom: '2019-01-01 00:00' }]);
    expect((await checkedReport()).covers.checks.principalsRecheckedNow).toBe(0);
    // Declared late: P5 did employ C5. Ended early: P4's relation with C4 ended before the access.
    await relate([
      { principal: 'P5', subject: 'C5', validFrom: '2019-06-01 00:00' },
      { principal: 'P4', subject: 'C4', validFrom: '2019-01-01 00:00', validTo: '2020-03-31 12:00' },
    ]);
    const kept = await checkedReport();
    expect(kept.covers.checks.principalsRecheckedNow).toBe(2);
    expect(pairs(kept)).toEqual(['P2→C2', 'P3→P1', 'P4→C4', 'P6→C6', 'anonymous:session-1→C1']);
  });

  it('checks everything again when the broad-access roles differ from those the checks used', async () => {
    const kept = await checkedReport([]);
    expect(kept.covers.checks.everyRecordCheckedNow).toBe(true);
    expect(pairs(kept)).toContain('agent-7→C2');
  });

  it("a serving instance's catch-up checks the streams left idle unchecked, not the active ones", async () => {
    const writerAt = (now: Date) =>
      new AccessLogWriter({ db: t.db, crypto: createWebAuditCrypto('test-audit-key-test-audit-key-0123'), clock: { now: () => now }, logger: silentLogger, mode: 'strict', timeoutMs: 5_000, maxBatch: 500 });
    const crashed = writerAt(new Date(Date.now() - 3_600_000)); // an instance that stopped an hour ago, unchecked
    // Days after the other tests' accesses: a burst of its own, so the catch-up opens an alert.
    await crashed.record(access('2020-04-05T10:08:00Z', 'P7', ['C7']));
    await crashed.close();
    const active = writerAt(new Date()); // an instance still writing: its own live detection's job
    await active.record(access('2020-03-31T10:09:00Z', 'P8', ['C8']));
    await active.close();
    const streams = await t.db.selectFrom('audit_batch').select('stream').where('stream', 'not in', t.db.selectFrom('exposure_check_mark').select('stream')).execute();
    expect(streams).toHaveLength(2);
    const hooks = await startWebhookReceiver();
    const secret = 'catch-up-webhook-secret-0123';
    const config = testConfig({ VIGIE_EXPOSURE_BROAD_ROLES: 'agent', VIGIE_EXPOSURE_WEBHOOKS: hooks.url, VIGIE_EXPOSURE_WEBHOOK_SECRET: secret });
    const stop = startCatchUp({ config, db: t.db, clock: systemClock, logger: silentLogger }, { everyMs: 50, uncheckedForMs: 600_000 });
    try {
      const started = performance.now();
      while ((await t.db.selectFrom('exposure_alert_access').select('subject').where('receiver', '=', 'P7').execute()).length === 0 || hooks.received.length === 0) {
        expect(performance.now() - started).toBeLessThan(10_000);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      stop();
      await hooks.close();
    }
    // The alert the catch-up opened is told to the webhooks, signed, without who.
    const [hook] = hooks.received;
    expect(hook!.signature).toBe(`sha256=${createHmac('sha256', secret).update(hook!.body).digest('hex')}`);
    expect(JSON.parse(hook!.body)).toMatchObject({ type: 'exposure.alert.opened', detectedBy: 'catch-up', alert: { accesses: 1 } });
    expect(hook!.body).not.toMatch(/P7|C7/);
    const marked = await t.db.selectFrom('exposure_check_mark').select('stream').where('stream', 'in', streams.map((s) => s.stream)).execute();
    expect(marked).toHaveLength(1);
    expect(await t.db.selectFrom('exposure_alert_access').select('subject').where('receiver', '=', 'P8').execute()).toEqual([]);
  });

  it("the catch-up also checks a running instance's batch whose live check failed, once it is old enough", async () => {
    let now = new Date(Date.now() - 3_600_000);
    const writer = new AccessLogWriter({ db: t.db, crypto: createWebAuditCrypto('test-audit-key-test-audit-key-0123'), clock: { now: () => now }, logger: silentLogger, mode: 'strict', timeoutMs: 5_000, maxBatch: 500 });
    await writer.record(access('2020-04-06T10:00:00Z', 'P1', ['C1'])); // batch 1: checked live
    await writer.record(access('2020-04-06T10:01:00Z', 'P9', ['C9'])); // batch 2: its live check failed
    now = new Date();
    await writer.record(access('2020-04-06T10:02:00Z', 'P1', ['C1'])); // batch 3: checked live, but the mark held at 1
    const { stream } = writer.stats();
    await writer.close();
    await advanceMark(t.db, { stream, first: 1, last: 1, broadRoles: ['agent'], xmin: null }, new Date());
    await advanceMark(t.db, { stream, first: 3, last: 3, broadRoles: ['agent'], xmin: null }, new Date());
    const markOf = async () => Number((await t.db.selectFrom('exposure_check_mark').select('seq').where('stream', '=', stream).executeTakeFirstOrThrow()).seq);
    expect(await markOf()).toBe(1);
    const pending = (uncheckedForMs: number) => checkPending(t.db, { broadRoles: ['agent'], burstGapSeconds: 1800, now: () => new Date(), uncheckedForMs });
    await pending(2 * 3_600_000); // batch 2 is an hour old: not yet
    expect(await markOf()).toBe(1);
    await pending(600_000); // older than ten minutes: checked, with what follows it
    expect(await markOf()).toBe(3);
    expect(await t.db.selectFrom('exposure_alert_access').select('subject').where('receiver', '=', 'P9').execute()).toEqual([{ subject: 'C9' }]);
  });

  it('moves a mark only over batches that follow it', async () => {
    const mark = (first: number, last: number) => advanceMark(t.db, { stream: 'gap-test', first, last, broadRoles: ['agent'], xmin: null }, new Date());
    const seq = async () => (await t.db.selectFrom('exposure_check_mark').select('seq').where('stream', '=', 'gap-test').executeTakeFirstOrThrow()).seq;
    await mark(2, 2); // the stream's start was not checked: no mark
    expect(await t.db.selectFrom('exposure_check_mark').select('seq').where('stream', '=', 'gap-test').execute()).toEqual([]);
    await mark(1, 1);
    await mark(3, 3); // batch 2 failed its check: the mark holds
    expect(Number(await seq())).toBe(1);
    await mark(2, 3);
    expect(Number(await seq())).toBe(3);
  });
});
