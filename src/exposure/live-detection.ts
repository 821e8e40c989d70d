import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../logger.js';
import { startMaintenance, systemActor } from '../maintenance/service.js';
import { createDetector, type Detector, type DetectorOptions } from './detector.js';
import { createWebhookSender } from './webhooks.js';

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
    webhooks: createWebhookSender({ urls: settings.webhooks, secret: settings.webhookSecret, logger, now: () => clock.now() }),
    ...(settings.breakerThreshold > 0
      ? {
          startMaintenance: async ({ reason, scope }) => {
            await startMaintenance({ db, clock, config }, { reason, scope, bypassLink: false }, systemActor);
          },
        }
      : {}),
  });
}
