import type { Clock } from '../../src/clock.js';
import type { Db } from '../../src/db/database.js';
import type { Notifications } from '../../src/db/notifications.js';
import { createMaintenanceHolder, maintenancePolicyFromConfig } from '../../src/maintenance/holder.js';
import { silentLogger } from '../../src/logger.js';
import { testApp, testConfig } from '../helpers/test-app.js';
import { systemClock } from '../../src/clock.js';

export const bypassKey = 'maintenance-bypass-key-for-tests-0123456789';

/** A Vigie instance with the maintenance switch wired as the Node entry wires it. */
export async function maintenanceApp(options: {
  db: Db | undefined;
  clock?: Clock;
  notifications?: Notifications;
  env?: Record<string, string>;
  refreshIntervalMs?: number;
  coldStart?: 'open' | 'closed';
}) {
  const env = { VIGIE_MAINTENANCE_BYPASS_KEY: bypassKey, ...options.env };
  const config = testConfig(env);
  const clock = options.clock ?? systemClock;
  const holder = createMaintenanceHolder({
    db: options.db,
    notifications: options.notifications,
    clock,
    logger: silentLogger,
    policy: maintenancePolicyFromConfig(config),
    coldStart: options.coldStart ?? config.maintenance.coldStart,
    refreshIntervalMs: options.refreshIntervalMs ?? 60_000,
  });
  await holder.start();
  const built = testApp({ db: options.db, clock, env, deps: { maintenance: holder, notifications: options.notifications } });
  return { ...built, holder };
}

type Instance = Awaited<ReturnType<typeof maintenanceApp>>;

/** The maintenance API of an instance, called by `subject` with `roles` (sre unless said). */
export const staffApi =
  (instance: () => Instance, subject = 'sam') =>
  async (path: string, init: RequestInit = {}, roles: Parameters<Instance['auth']>[0] = ['sre']) =>
    instance().app.request(`/_vigie/maintenance${path}`, { ...init, headers: { ...(init.headers as object), ...(await instance().auth(roles, subject)) } });

export const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
