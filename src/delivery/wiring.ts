import type { Config } from '../config.js';
import type { AppDeps } from '../deps.js';
import { UnavailableError } from '../http/errors.js';
import { defaultDeliverySettings, type DeliveryContext, type DeliverySettings } from './context.js';
import type { DeliveryPorts } from './ports.js';

export function deliverySettings(config: Config): DeliverySettings {
  const delivery = config.delivery;
  return {
    ...defaultDeliverySettings,
    providers: { email: 'smtp', sms: delivery.sms.provider, letter: 'print' },
    maxAttempts: delivery.maxAttempts,
    unknownAfterMs: delivery.unknownAfterSeconds * 1000,
    emailBounceWindowMs: delivery.emailBounceSeconds * 1000,
    silentAfterMs: delivery.silentAfterSeconds * 1000,
    receiptSecret: delivery.receiptSecret,
    alertWebhooks: delivery.alertWebhooks,
    alertWebhookSecret: delivery.alertWebhookSecret,
    outbound: config.outbound,
  };
}

const unwired = (what: string) => async (): Promise<never> => {
  throw new UnavailableError(`${what} is not wired on this server (its entry gives no delivery ports)`);
};

/** Ports of an app whose entry composed none: every use answers 503 (never a silent no-op). */
export const unwiredPorts: DeliveryPorts = {
  loadDraft: unwired('Loading drafts'),
  isApproved: unwired('Draft approval'),
  compileRenderer: unwired('Rendering drafts'),
  listPopulation: unwired('The breach population'),
  getPeople: unwired('The breach population'),
  findContacts: unwired('The contact directory'),
  recordFollowUps: unwired('The breach register'),
  addTimelineEvent: unwired('The breach timeline'),
};

/** The context of delivery's service functions, from the app's deps (the entry put the ports there). */
export function deliveryContext(deps: AppDeps): DeliveryContext {
  if (!deps.db) throw new UnavailableError('No database is configured');
  return {
    db: deps.db,
    clock: deps.clock,
    logger: deps.logger,
    ports: deps.delivery?.ports ?? unwiredPorts,
    settings: deliverySettings(deps.config),
    ...(deps.delivery?.fetch ? { fetch: deps.delivery.fetch } : {}),
  };
}
