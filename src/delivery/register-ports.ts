import type { AppDeps } from '../deps.js';
import { createDeliveryPorts } from '../entry/delivery-ports.js';
import type { DeliveryPorts } from './ports.js';

/**
 * Kept only for src/cli/campaign-command.ts, which another change is rewriting: the ports are composed by the
 * entries (src/entry/delivery-ports.ts). Delete this file once the CLI calls createDeliveryPorts itself.
 */
export function registerPorts(deps: AppDeps): DeliveryPorts {
  return createDeliveryPorts(deps);
}
