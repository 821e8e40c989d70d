import type { Meter, ObservableResult } from '@opentelemetry/api';
import { sql } from 'kysely';
import type { AccessLogWriterStats } from '../audit/writer.js';
import type { Db } from '../db/database.js';
import type { ActiveWindow } from '../maintenance/window.js';
import { webhookFailures } from '../http/signed-webhooks.js';
import { refusedSignatures } from '../delivery/signature.js';

/**
 * Vigie's metrics (docs/metrics.md), on the OpenTelemetry API: the Node entry installs the SDK and serves them
 * in Prometheus text at `/_vigie/metrics`. Names follow OpenTelemetry's conventions (dotted, lower case, unit
 * apart: `vigie.audit.commit.duration` in seconds is `vigie_audit_commit_duration` in Prometheus text). No attribute ever carries personal data: scopes, channels, carriers, states.
 */
export interface MetricSources {
  audit?: () => AccessLogWriterStats;
  detection?: () => { lagMs: number; pendingRecords: number; alerts: number; illegitimate: number; failures: number; dropped: number };
  maintenance?: () => readonly ActiveWindow[];
  /** Delivery counts are read from the database, at most every `deliveryEveryMs` (a scan of the messages). */
  db?: Db;
  deliveryEveryMs?: number;
}

export interface VigieInstruments {
  /** Seconds from a batch leaving to its commit returning. */
  recordCommit(seconds: number): void;
}

export function registerMetrics(meter: Meter, sources: MetricSources): VigieInstruments {
  const commit = meter.createHistogram('vigie.audit.commit.duration', {
    unit: 's',
    description: 'Access-log group commit: from the batch leaving to the commit returning',
    advice: { explicitBucketBoundaries: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] },
  });
  const gauge = (name: string, unit: string, description: string, read: (result: ObservableResult) => void | Promise<void>) =>
    meter.createObservableGauge(name, { unit, description }).addCallback(read);
  const counter = (name: string, unit: string, description: string, read: (result: ObservableResult) => void) =>
    meter.createObservableCounter(name, { unit, description }).addCallback(read);

  const { audit, detection, maintenance } = sources;
  if (audit) {
    gauge('vigie.audit.queue.size', '{record}', 'Records waiting for their group commit', (r) => r.observe(audit().queued));
    counter('vigie.audit.records.written', '{record}', 'Records committed to the access log', (r) => r.observe(audit().committedRecords));
    counter('vigie.audit.records.lost', '{record}', 'Async mode: records never written (queue full, batch failed)', (r) => r.observe(audit().lost));
    counter('vigie.audit.requests.refused', '{request}', 'Strict mode: responses refused with 503 because their record was not committed in time', (r) => r.observe(audit().refused));
    counter('vigie.audit.batches.failed', '{batch}', 'Group commits that failed or were abandoned', (r) => r.observe(audit().failedBatches));
  }
  if (detection) {
    gauge('vigie.exposure.detection.lag', 's', 'Live detection: time from the oldest record of its last round to the round\'s end', (r) => r.observe(detection().lagMs / 1000));
    gauge('vigie.exposure.detection.pending', '{record}', 'Live detection: committed records waiting for a round', (r) => r.observe(detection().pendingRecords));
    counter('vigie.exposure.alerts.opened', '{alert}', 'Exposure alerts opened by live detection', (r) => r.observe(detection().alerts));
    counter('vigie.exposure.accesses.illegitimate', '{access}', 'Illegitimate (response, person) accesses found by live detection', (r) => r.observe(detection().illegitimate));
    counter('vigie.exposure.detection.failures', '{round}', 'Live detection rounds that failed (left to the catch-up)', (r) => r.observe(detection().failures));
  }
  if (maintenance) {
    gauge('vigie.maintenance.active', '{window}', 'Maintenance windows in force, per scope (site or a path prefix)', (r) => {
      const byScope = new Map<string, { count: number; readOnly: boolean }>();
      for (const window of maintenance()) {
        const key = `${window.scope.kind === 'site' ? 'site' : window.scope.prefix}|${window.readOnly}`;
        const seen = byScope.get(key) ?? { count: 0, readOnly: window.readOnly };
        seen.count++;
        byScope.set(key, seen);
      }
      for (const [key, { count, readOnly }] of byScope) r.observe(count, { 'vigie.maintenance.scope': key.split('|')[0], 'vigie.maintenance.read_only': readOnly });
      if (byScope.size === 0) r.observe(0, { 'vigie.maintenance.scope': 'site', 'vigie.maintenance.read_only': false });
    });
  }
  counter('vigie.webhook.failures', '{event}', 'Webhook events not delivered after every retry, per kind', (r) => {
    for (const [kind, count] of Object.entries(webhookFailures)) r.observe(count, { 'vigie.webhook.kind': kind });
  });
  counter('vigie.webhook.signatures.refused', '{request}', 'Signed provider webhooks (receipts, bounces) refused, by kind and reason: missing, malformed, stale, wrong, replayed', (r) => {
    for (const [key, count] of Object.entries(refusedSignatures)) {
      const [kind, reason] = key.split('|');
      r.observe(count, { 'vigie.webhook.kind': kind, 'vigie.webhook.refusal': reason });
    }
  });
  if (sources.db) {
    const db = sources.db;
    const everyMs = sources.deliveryEveryMs ?? 30_000;
    let cached: { at: number; rows: { channel: string; carrier: string; state: string; n: string }[] } | undefined;
    gauge('vigie.delivery.messages', '{message}', 'Campaign messages per channel, carrier (or provider) and state', async (r) => {
      if (!cached || Date.now() - cached.at > everyMs) {
        const { rows } = await sql<{ channel: string; carrier: string; state: string; n: string }>`
          select channel, coalesce(carrier, provider) as carrier, state, count(*) as n from delivery_message group by 1, 2, 3`.execute(db);
        cached = { at: Date.now(), rows };
      }
      for (const row of cached.rows) r.observe(Number(row.n), { 'vigie.delivery.channel': row.channel, 'vigie.delivery.carrier': row.carrier, 'vigie.delivery.state': row.state });
    });
  }
  return {
    recordCommit: (seconds) => commit.record(seconds),
  };
}
