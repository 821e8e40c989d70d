import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessLogWriter } from '../../src/audit/writer.js';
import { createWebAuditCrypto } from '../../src/audit/audit-crypto.js';
import { systemClock } from '../../src/clock.js';
import { startMetrics, type NodeMetrics } from '../../src/entry/metrics.js';
import { createDetector } from '../../src/exposure/detector.js';
import { createWebhookSender } from '../../src/http/signed-webhooks.js';
import { silentLogger } from '../../src/logger.js';
import { registerMetrics } from '../../src/telemetry/metrics.js';
import { sampleRecord } from '../audit/fixtures.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testApp, testConfig } from '../helpers/test-app.js';

describe.each(engines())('metrics at /_vigie/metrics (%s)', (engine) => {
  let t: TestDatabase;
  let metrics: NodeMetrics;
  let writer: AccessLogWriter;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
    metrics = startMetrics();
    const detector = createDetector({ db: t.db, clock: systemClock, logger: silentLogger, settings: testConfig().exposure });
    let recordCommit = (_seconds: number) => {};
    writer = new AccessLogWriter({
      db: t.db,
      crypto: createWebAuditCrypto('test-audit-key-test-audit-key-0123'),
      clock: systemClock,
      logger: silentLogger,
      mode: 'strict',
      timeoutMs: 5_000,
      maxBatch: 100,
      onBatchCommitted: detector.onBatchCommitted,
      observeCommit: (seconds) => recordCommit(seconds),
    });
    recordCommit = registerMetrics(metrics.meter, {
      audit: () => writer.stats(),
      detection: () => detector.stats(),
      maintenance: () => [{ id: '1', scope: { kind: 'prefix', prefix: '/espace', path: '/espace' }, readOnly: false, reason: 'r', publicMessage: null, startsAt: 0, plannedEnd: null, retryAfterSeconds: null, bypassSecretSha256: null }],
      db: t.db,
    }).recordCommit;
    await Promise.all([writer.append(sampleRecord()), writer.append(sampleRecord())]);
    await detector.idle();
    // A webhook that cannot be reached, once, without retries.
    await createWebhookSender({ urls: ['http://127.0.0.1:9/hook'], secret: 'webhook-secret-0123456789', logger: silentLogger, retries: 0 }).send({ type: 'test' });
  }, 180_000);
  afterAll(async () => {
    await writer.close();
    await metrics.shutdown();
    await t.close();
  });

  const scrape = (headers: Record<string, string> = {}, env?: unknown, networks = '10.0.0.0/8') => {
    const { app } = testApp({ db: t.db, env: { VIGIE_METRICS_NETWORKS: networks }, deps: { metrics: metrics.scraper } });
    return app.request('/_vigie/metrics', { headers }, env as never);
  };

  it('is for the sre and admin roles, or for scrapers on the listed networks', async () => {
    const { auth } = testApp();
    expect((await scrape()).status).toBe(401);
    expect((await scrape(await auth(['dpo']))).status).toBe(403);
    const bySre = await scrape(await auth(['sre']));
    expect(bySre.status).toBe(200);
    expect(bySre.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect((await scrape({}, { incoming: { socket: { remoteAddress: '10.20.30.40' } } })).status).toBe(200);
    expect((await scrape({}, { incoming: { socket: { remoteAddress: '192.168.1.2' } } })).status).toBe(401);
    // A forwarded header is not the connection's address.
    expect((await scrape({ 'x-forwarded-for': '10.20.30.40' })).status).toBe(401);
  });

  it('names each measure as documented, in Prometheus text', async () => {
    const text = await (await scrape({}, { incoming: { socket: { remoteAddress: '10.0.0.1' } } })).text();
    const names = new Set([...text.matchAll(/^(\w+)(?:\{[^}]*\})? /gm)].map((m) => m[1]));
    for (const name of [
      'vigie_audit_queue_size',
      'vigie_audit_records_written_total',
      'vigie_audit_records_lost_total',
      'vigie_audit_requests_refused_total',
      'vigie_audit_batches_failed_total',
      'vigie_audit_commit_duration_bucket',
      'vigie_exposure_detection_lag',
      'vigie_exposure_detection_pending',
      'vigie_exposure_alerts_opened_total',
      'vigie_exposure_accesses_illegitimate_total',
      'vigie_maintenance_active',
      'vigie_webhook_failures_total',
    ]) {
      expect(names, name).toContain(name);
    }
    expect(text).toMatch(/^vigie_audit_records_written_total(\{[^}]*\})? 2$/m);
    expect(text).toMatch(/^vigie_audit_commit_duration_count(\{[^}]*\})? 1$/m);
    expect(text).toMatch(/^vigie_maintenance_active\{[^}]*vigie_maintenance_scope="\/espace"[^}]*\} 1$/m);
    expect(text).toMatch(/^vigie_webhook_failures_total\{[^}]*vigie_webhook_kind="exposure"[^}]*\} [1-9]/m);
  });
});
