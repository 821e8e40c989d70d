import type { CommittedRecord } from '../audit/record.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../logger.js';
import { recordBreaker, storeAccesses, type StoredAlert } from './alerts.js';
import { checkBatch, type IllegitimateAccess } from './entitlement-check.js';
import { advanceMark } from './verdicts.js';
import type { WebhookSender } from '../http/signed-webhooks.js';

/**
 * What the circuit breaker calls to switch maintenance on: the maintenance feature's
 * `startMaintenance(deps, { reason, scope }, systemActor)`, adapted by whoever wires the detector.
 */
export type StartMaintenance = (input: { reason: string; scope: string }) => Promise<void>;

export interface DetectorOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  settings: Config['exposure'];
  webhooks?: WebhookSender;
  startMaintenance?: StartMaintenance;
  /** Called once an alert is stored (tests measure detection latency with it). */
  onAlert?: (alert: StoredAlert, accesses: IllegitimateAccess[]) => void;
  onBreaker?: (scope: string) => void;
}

/**
 * The webhook event of a newly opened alert: counts, times and the alert's id, never who (webhooks.ts).
 * `detectedBy` says whether live detection saw it as it happened or a later check found it.
 */
export function alertOpenedEvent(alert: StoredAlert, detectedBy: 'live' | 'catch-up'): Record<string, unknown> {
  return { type: 'exposure.alert.opened', detectedBy, alert: { id: alert.id, firstAt: alert.firstAt.toISOString(), accesses: alert.accesses } };
}

/** The affected scope: the first path segment all leaked routes share ("/espace", that is /espace and below), else the whole site. */
export function affectedScope(routes: string[]): string {
  const firsts = new Set(routes.map((route) => route.split('/')[1] ?? ''));
  const [only] = [...firsts];
  return firsts.size === 1 && only ? `/${only}` : 'site';
}

/**
 * Live detection, hooked on the access-log writer's `onBatchCommitted`: each committed batch is checked
 * (off the response path: strict mode has already released the responses), illegitimate accesses are
 * stored as one alert per burst, webhooks are told, and above N accesses in T seconds the breaker switches
 * maintenance on for the affected scope, as done by Vigie, with the reason. Batches are handled one at a
 * time, in commit order.
 */
export function createDetector(options: DetectorOptions) {
  const { settings } = options;
  let chain: Promise<void> = Promise.resolve();
  const recent: { ms: number; route: string }[] = [];
  let breakerTrippedFor: string | undefined;
  const stats = { batches: 0, illegitimate: 0, alerts: 0, failures: 0, breakerTrips: 0 };

  async function handle(records: CommittedRecord[]): Promise<void> {
    stats.batches++;
    const { found, xmin } = await checkBatch(options.db, records, settings.broadRoles);
    const first = records[0];
    const mark = first ? { stream: first.stream, first: first.seq, last: first.seq, broadRoles: settings.broadRoles, xmin } : undefined;
    const now = options.clock.now();
    if (found.length === 0) {
      // The mark is what lets a report trust this batch's silence (verdicts.ts).
      if (mark) await advanceMark(options.db, mark, now);
      return;
    }
    stats.illegitimate += found.length;
    const alert = await storeAccesses(options.db, found, settings.burstGapSeconds, now, mark);
    options.onAlert?.(alert, found);
    if (alert.opened) {
      stats.alerts++;
      options.logger.warn('exposure alert opened', { alert: alert.id, accesses: alert.accesses });
      await options.webhooks?.send(alertOpenedEvent(alert, 'live'));
    }
    if (settings.breakerThreshold > 0 && options.startMaintenance) await breaker(alert, found, now);
  }

  async function breaker(alert: StoredAlert, found: IllegitimateAccess[], now: Date): Promise<void> {
    // Counted on the accesses' own times: the burst as users saw it, whatever the commit delays.
    for (const access of found) recent.push({ ms: access.at.getTime(), route: access.route });
    const horizon = Math.max(...found.map((a) => a.at.getTime())) - settings.breakerWindowSeconds * 1000;
    while (recent.length > 0 && recent[0]!.ms < horizon) recent.shift();
    recent.sort((a, b) => a.ms - b.ms);
    if (recent.length < settings.breakerThreshold || breakerTrippedFor === alert.id) return;
    breakerTrippedFor = alert.id;
    const scope = settings.breakerScope === 'site' ? 'site' : affectedScope(recent.map((r) => r.route));
    const reason = `Vigie circuit breaker: ${recent.length} illegitimate accesses to personal data within ${settings.breakerWindowSeconds} s (exposure alert ${alert.id})`;
    await options.startMaintenance!({ reason, scope });
    await recordBreaker(options.db, alert.id, now, scope);
    stats.breakerTrips++;
    options.onBreaker?.(scope);
    options.logger.warn('exposure circuit breaker switched maintenance on', { alert: alert.id, scope });
    await options.webhooks?.send({ type: 'exposure.breaker.tripped', alert: { id: alert.id, accesses: alert.accesses }, maintenance: { scope, reason } });
  }

  return {
    onBatchCommitted(records: CommittedRecord[]): Promise<void> {
      const next = chain.then(() => handle(records)).catch(() => {
        stats.failures++;
        // Never the error's message: a database error may quote values.
        options.logger.error('exposure detection failed on a batch', { records: records.length });
      });
      chain = next;
      return next;
    },
    /** Resolves once every batch handed over so far has been checked. */
    idle: () => chain,
    stats: () => ({ ...stats }),
  };
}

export type Detector = ReturnType<typeof createDetector>;
