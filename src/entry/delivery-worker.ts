import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { DeliveryContext } from '../delivery/context.js';
import { createSmsHttpTransport } from '../delivery/sms-http.js';
import type { Transport } from '../delivery/transport.js';
import { deliverySettings, pendingPorts } from '../delivery/wiring.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../clock.js';
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

/** A worker needs no drafts nor population: messages are rendered when queued. */
export function workerContext(config: Config, db: Db, clock: Clock, logger: Logger): DeliveryContext {
  return { db, clock, logger, ports: pendingPorts, settings: deliverySettings(config) };
}
