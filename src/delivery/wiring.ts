import type { Config } from '../config.js';
import type { AppDeps } from '../deps.js';
import { UnavailableError } from '../http/errors.js';
import { defaultDeliverySettings, type DeliveryContext, type DeliverySettings } from './context.js';
import { noRegisterPorts, type DeliveryPorts } from './ports.js';
import { registerPorts } from './register-ports.js';

/** What an app may be given for delivery: the ports of the drafts and register features, an HTTP client. */
export interface DeliveryDeps {
  ports?: Partial<DeliveryPorts>;
  fetch?: typeof fetch;
}

export function deliverySettings(config: Config): DeliverySettings {
  const delivery = config.delivery;
  return {
    ...defaultDeliverySettings,
    providers: { email: 'smtp', sms: delivery.sms.provider, letter: 'print' },
    maxAttempts: delivery.maxAttempts,
    unknownAfterMs: delivery.unknownAfterSeconds * 1000,
    receiptSecret: delivery.receiptSecret,
    alertWebhooks: delivery.alertWebhooks,
    alertWebhookSecret: delivery.alertWebhookSecret,
  };
}

const missing = (what: string) => async (): Promise<never> => {
  throw new UnavailableError(`${what} is not available on this server yet`);
};

/** For processes that only send (workers): messages were rendered when queued, so nothing else is needed. */
export const pendingPorts: DeliveryPorts = {
  loadDraft: missing('Loading approved drafts'),
  isApproved: missing('Draft approval'),
  compileRenderer: missing('Rendering drafts'),
  listPopulation: missing('The breach population'),
  getPeople: missing('The breach population'),
  findContacts: missing('The contact directory'),
  ...noRegisterPorts,
};

export function deliveryContext(deps: AppDeps): DeliveryContext {
  if (!deps.db) throw new UnavailableError('No database is configured');
  return {
    db: deps.db,
    clock: deps.clock,
    logger: deps.logger,
    ports: { ...registerPorts(deps), ...deps.delivery?.ports },
    settings: deliverySettings(deps.config),
    ...(deps.delivery?.fetch ? { fetch: deps.delivery.fetch } : {}),
  };
}
