import type { Config } from '../config.js';
import { createWebhookSender, type WebhookSender } from '../http/signed-webhooks.js';
import type { Logger } from '../logger.js';

/** The playbook webhooks (VIGIE_PLAYBOOK_ALERT_WEBHOOKS), signed as exposure and delivery alerts are; undefined when none is set. */
export function playbookAlertSender(config: Pick<Config, 'playbooks' | 'outbound'>, logger: Logger, options: { fetch?: typeof fetch; now?: () => Date; retries?: number } = {}): WebhookSender | undefined {
  const { alertWebhooks, alertWebhookSecret } = config.playbooks;
  if (alertWebhooks.length === 0) return undefined;
  // Where they may go is the outbound policy every alert webhook follows (VIGIE_OUTBOUND_*).
  return createWebhookSender({ urls: alertWebhooks, secret: alertWebhookSecret, logger, label: 'playbook alert', outbound: config.outbound, ...options });
}
