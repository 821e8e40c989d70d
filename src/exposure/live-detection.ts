import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../logger.js';
import { startMaintenance, systemActor } from '../maintenance/service.js';
import type { StoredAlert } from './alerts.js';
import { checkPending } from './check-pending.js';
import { alertOpenedEvent, createDetector, type Detector, type DetectorOptions } from './detector.js';
import { createWebhookSender, type WebhookSender } from '../http/signed-webhooks.js';

/** The exposure webhooks as configured (VIGIE_EXPOSURE_WEBHOOKS): live detection, the catch-up and `vigie exposure check` share them. */
export function exposureWebhooks(deps: { config: Config; clock: Clock; logger: Logger }): WebhookSender {
  const { webhooks, webhookSecret } = deps.config.exposure;
  return createWebhookSender({ urls: webhooks, secret: webhookSecret, logger: deps.logger, now: () => deps.clock.now(), outbound: deps.config.outbound });
}

/** What a check after the fact does with an alert it opened: log it and tell the webhooks. */
export function catchUpAlerts(deps: { config: Config; clock: Clock; logger: Logger }): (alert: StoredAlert) => Promise<void> {
  const webhooks = exposureWebhooks(deps);
  return async (alert) => {
    deps.logger.warn('exposure alert opened by a check after the fact', { alert: alert.id, accesses: alert.accesses });
    await webhooks.send(alertOpenedEvent(alert, 'catch-up'));
  };
}

/**
 * Live detection as an entry wires it: pass `onBatchCommitted` to the AccessLogWriter
 * (`new AccessLogWriter({ …, onBatchCommitted: detection.onBatchCommitted })`). The circuit breaker goes
 * through the maintenance feature's service, as Vigie itself, so that every instance holds within a second.
 */
export function createLiveDetection(
  deps: { config: Config; db: Db; clock: Clock; logger: Logger },
  hooks: Pick<DetectorOptions, 'onAlert' | 'onBreaker'> = {},
): Detector {
  const { config, db, clock, logger } = deps;
  const settings = config.exposure;
  return createDetector({
    db,
    clock,
    logger,
    settings,
    ...hooks,
    webhooks: exposureWebhooks(deps),
    ...(settings.breakerThreshold > 0
      ? {
          startMaintenance: async ({ reason, scope }) => {
            await startMaintenance({ db, clock, config }, { reason, scope, bypassLink: false }, systemActor);
          },
        }
      : {}),
  });
}

/**
 * The catch-up a serving instance runs (`vigie exposure check` on a timer): every stream whose first batch
 * live detection has not checked is older than `uncheckedForMs`: an instance that crashed between a commit and
 * its check, one that ran with detection off, or a running one whose check of a batch failed (the database
 * was away): its mark would otherwise hold, and every report would check that stream's later records again.
 * Streams that live detection keeps up with are left to it.
 */
export function startCatchUp(
  deps: { config: Config; db: Db; clock: Clock; logger: Logger },
  timing: { everyMs: number; uncheckedForMs: number } = { everyMs: 60_000, uncheckedForMs: 300_000 },
): () => void {
  const { config, db, clock, logger } = deps;
  const onAlertOpened = catchUpAlerts(deps);
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    checkPending(db, { broadRoles: config.exposure.broadRoles, burstGapSeconds: config.exposure.burstGapSeconds, now: () => clock.now(), uncheckedForMs: timing.uncheckedForMs, onAlertOpened })
      .then((result) => {
        if (result.batches > 0) logger.warn('exposure catch-up checked batches live detection had not', { batches: result.batches, illegitimate: result.illegitimate });
      })
      .catch(() => logger.error('exposure catch-up failed'))
      .finally(() => (running = false));
  }, timing.everyMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
