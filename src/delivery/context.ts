import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { OutboundPolicy } from '../http/outbound.js';
import type { DeliveryPorts } from './ports.js';

/** Delivery settings, from config (`VIGIE_DELIVERY_*`, `VIGIE_SMTP_*`, `VIGIE_SMS_*`). */
export interface DeliverySettings {
  /** Provider names per channel: messages are queued for that provider. */
  providers: { email: string; sms: string; letter: string };
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How long a worker owns the messages it claimed; past it another instance recovers them. */
  leaseMs: number;
  /** A message accepted by a provider that sends receipts (SMS) with none after this long becomes `unknown`. */
  unknownAfterMs: number;
  /** An e-mail accepted by the relay and not bounced for this long has informed its recipient. */
  emailBounceWindowMs: number;
  /** An accepted SMS with no receipt for this long is counted "silent" (views; the default of a silent resend). */
  silentAfterMs: number;
  /** Shared secret of the receipt webhook (HMAC-SHA256). */
  receiptSecret: string | undefined;
  /** URLs that receive delivery alerts as JSON, signed with the secret (Vigie-Signature, as exposure alerts). */
  alertWebhooks: string[];
  alertWebhookSecret: string | undefined;
  /** Where alert webhooks may go (VIGIE_OUTBOUND_*). */
  outbound?: OutboundPolicy | undefined;
}

export const defaultDeliverySettings: DeliverySettings = {
  providers: { email: 'smtp', sms: 'sms', letter: 'print' },
  maxAttempts: 5,
  backoffBaseMs: 30_000,
  backoffMaxMs: 30 * 60_000,
  leaseMs: 120_000,
  unknownAfterMs: 24 * 3600_000,
  emailBounceWindowMs: 24 * 3600_000,
  silentAfterMs: 30 * 60_000,
  receiptSecret: undefined,
  alertWebhooks: [],
  alertWebhookSecret: undefined,
};

/** What delivery's service functions run with (docs/architecture.md, convention 6: transport-free). */
export interface DeliveryContext {
  db: Db;
  clock: Clock;
  logger: Logger;
  ports: DeliveryPorts;
  settings: DeliverySettings;
  /** Posts an alert to a webhook; injected so that the core needs no HTTP client of its own. */
  fetch?: typeof fetch;
}

/** Who acts, for the who/when/why record of every action by a person. */
export interface Actor {
  subject: string;
  roles: string[];
  requestId?: string | null;
}
