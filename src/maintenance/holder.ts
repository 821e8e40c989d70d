import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Notifications } from '../db/notifications.js';
import type { Logger } from '../logger.js';
import { parseNetwork, type Network } from './cidr.js';
import type { MaintenancePolicy, MaintenanceState } from './decide.js';
import { loadCurrentWindows, maintenanceChannel } from './store.js';
import type { ActiveWindow } from './window.js';

/** The in-memory maintenance state of one instance, kept in step with PostgreSQL. */
export interface MaintenanceHolder {
  /** Read on every request: a plain property, no I/O. */
  readonly state: MaintenanceState;
  /** Subscribes to changes, reads the state, starts the periodic re-read. */
  start(): Promise<void>;
  /** Re-reads now; false when the database could not be read (the last known state is kept). */
  refresh(): Promise<boolean>;
  stop(): Promise<void>;
}

export interface MaintenanceHolderOptions {
  db: Db | undefined;
  notifications?: Notifications | undefined;
  clock: Clock;
  logger: Logger;
  policy: MaintenancePolicy;
  /** Without a database at cold start: 'open' serves, 'closed' answers 503 everywhere until a read succeeds. */
  coldStart: 'open' | 'closed';
  /** Safety-net re-read period (LISTEN/NOTIFY is the fast path). */
  refreshIntervalMs: number;
}

export function maintenancePolicyFromConfig(config: Pick<Config, 'adminPrefix' | 'maintenance'>): MaintenancePolicy {
  return {
    adminPrefix: config.adminPrefix,
    exemptPaths: config.maintenance.exemptPaths,
    bypassRoles: ['sre', 'admin'],
    bypassNetworks: config.maintenance.bypassNetworks.map((text) => parseNetwork(text)).filter((n): n is Network => !!n),
    defaultRetryAfterSeconds: config.maintenance.defaultRetryAfterSeconds,
    caseInsensitivePaths: config.maintenance.caseInsensitivePaths,
    trustedProxies: config.maintenance.trustedProxies.map((text) => parseNetwork(text)).filter((n): n is Network => !!n),
  };
}

/** The window that stands for "closed" when an instance starts without being able to read the state. */
export const coldStartWindow: ActiveWindow = {
  id: '00000000-0000-0000-0000-000000000000',
  scope: { kind: 'site' },
  readOnly: false,
  reason: 'cold start without the database (VIGIE_MAINTENANCE_COLD_START=closed)',
  publicMessage: null,
  startsAt: 0,
  plannedEnd: null,
  retryAfterSeconds: null,
  bypassSecretSha256: null,
};

export function createMaintenanceHolder(options: MaintenanceHolderOptions): MaintenanceHolder {
  const { db, notifications, clock, logger, policy } = options;
  let state: MaintenanceState = {
    windows: options.coldStart === 'closed' ? [coldStartWindow] : [],
    policy,
    source: 'default',
    loadedAt: null,
  };
  let inFlight: Promise<boolean> | undefined;
  let again = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  let stopped = false;
  let failing = false;

  async function readOnce(): Promise<boolean> {
    if (!db) return false;
    try {
      const windows = await loadCurrentWindows(db, clock.now());
      const changed = state.source !== 'database' || fingerprint(windows) !== fingerprint(state.windows);
      state = { windows, policy, source: 'database', loadedAt: clock.now().getTime() };
      if (changed) logger.info('maintenance state loaded', { windows: windows.length });
      if (failing) logger.info('maintenance state readable again');
      failing = false;
      return true;
    } catch (error) {
      // Keep the last known state (documented fail policy); say so once per outage, without the message.
      if (!failing) logger.warn('maintenance state could not be read; keeping the last known state', {
        errorCode: typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : undefined,
        source: state.source,
      });
      failing = true;
      return false;
    }
  }

  // One read at a time; a change heard during a read triggers one more read after it (never lost, never piled up).
  function refresh(): Promise<boolean> {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = (async () => {
      let ok: boolean;
      do {
        again = false;
        ok = await readOnce();
      } while (again && !stopped);
      inFlight = undefined;
      return ok;
    })();
    return inFlight;
  }

  return {
    get state() {
      return state;
    },
    refresh,
    async start() {
      if (notifications) {
        try {
          unlisten = await notifications.listen(maintenanceChannel, () => void refresh(), () => void refresh());
        } catch {
          logger.warn('maintenance notifications unavailable; relying on the periodic re-read');
        }
      }
      await refresh();
      timer = setInterval(() => void refresh(), options.refreshIntervalMs);
      // The re-read must not keep a Node process alive on its own.
      (timer as { unref?: () => void }).unref?.();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await unlisten?.();
      await inFlight;
    },
  };
}

const fingerprint = (windows: readonly ActiveWindow[]): string =>
  windows.map((w) => `${w.id}:${w.startsAt}:${w.plannedEnd}`).join(',');
