import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { DeliveryContext } from '../delivery/context.js';
import { createSmsHttpTransport } from '../delivery/sms-http.js';
import type { Transport } from '../delivery/transport.js';
import { deliverySettings } from '../delivery/wiring.js';
import { runWorker, type WorkerOptions } from '../delivery/worker.js';
import type { Logger } from '../logger.js';
import { createDeliveryPorts } from './delivery-ports.js';
import { createSmtpTransport } from './smtp-transport.js';

/** The transports the configuration names: SMTP when VIGIE_SMTP_URL is set, SMS when VIGIE_SMS_URL is. */
export function transportsFromConfig(config: Config): Transport[] {
  const transports: Transport[] = [];
  const { smtp, sms } = config.delivery;
  if (smtp.url) transports.push(createSmtpTransport({ url: smtp.url, from: smtp.from, ratePerSecond: smtp.ratePerSecond }));
  if (sms.url) {
    transports.push(createSmsHttpTransport({ provider: sms.provider, url: sms.url, token: sms.token, sender: sms.sender, ratePerSecond: sms.ratePerSecond }));
  }
  return transports;
}

/**
 * What a worker runs with: messages were rendered when queued, but what it learns goes to the register —
 * alerts on the breach timeline, hand-off failures and evidence of informing on the people's statuses —
 * through the same composed ports as the app's.
 */
export function workerContext(config: Config, db: Db, clock: Clock, logger: Logger, httpFetch?: typeof globalThis.fetch): DeliveryContext {
  const fetch = httpFetch ? { fetch: httpFetch } : {};
  return { db, clock, logger, ports: createDeliveryPorts({ db, clock, config, ...fetch }), settings: deliverySettings(config), ...fetch };
}

/**
 * The sending worker inside `vigie serve`, when a transport is configured and VIGIE_DELIVERY_WORKER is not
 * false: a started campaign goes out without a second process (which the embedded database, one process
 * at a time, could not have). Several instances share the queue safely (SKIP LOCKED). Undefined: no worker.
 */
export function startDeliveryWorker(
  config: Config,
  db: Db,
  clock: Clock,
  logger: Logger,
  options: Pick<WorkerOptions, 'monitorEveryMs' | 'idleMs'> & { fetch?: typeof globalThis.fetch } = {},
): { stop(): Promise<void> } | undefined {
  if (!config.delivery.worker) return undefined;
  const transports = transportsFromConfig(config);
  if (transports.length === 0) return undefined;
  const stop = new AbortController();
  const { fetch, ...loop } = options;
  const running = runWorker(workerContext(config, db, clock, logger, fetch), { transports, ...loop }, stop.signal);
  logger.info('delivery worker started', { transports: transports.map((t) => t.provider).join(', ') });
  return {
    async stop() {
      stop.abort();
      await running;
      await Promise.all(transports.map((t) => t.close?.()));
    },
  };
}
