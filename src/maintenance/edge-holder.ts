import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { MaintenancePolicy, MaintenanceState } from './decide.js';
import { coldStartWindow, type MaintenanceHolder } from './holder.js';
import { loadCurrentWindows } from './store.js';

/**
 * Maintenance state for runtimes that cannot hold a LISTEN connection (Cloudflare Workers: a database client
 * per request). One per isolate: the state is re-read at most every `maxAgeMs`, in the background of a
 * request (waitUntil) — only an isolate's very first request waits for a read. Changes therefore reach an
 * isolate within `maxAgeMs` plus one request, not by NOTIFY. Same fail policy as the Node holder.
 */
export interface EdgeMaintenance {
  readonly state: MaintenanceState;
  /** A re-read with this request's database if one is due (to pass to waitUntil), else undefined. */
  refreshIfDue(db: Db): Promise<void> | undefined;
  /** The holder the app sees during one request (its `refresh` uses that request's database). */
  holderFor(db: Db | undefined): MaintenanceHolder;
}

export function createEdgeMaintenance(options: {
  clock: Clock;
  logger: Logger;
  policy: MaintenancePolicy;
  coldStart: 'open' | 'closed';
  maxAgeMs: number;
}): EdgeMaintenance {
  const { clock, logger, policy } = options;
  let state: MaintenanceState = {
    windows: options.coldStart === 'closed' ? [coldStartWindow] : [],
    policy,
    source: 'default',
    loadedAt: null,
  };
  let lastAttempt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;

  async function read(db: Db): Promise<boolean> {
    try {
      const windows = await loadCurrentWindows(db, clock.now());
      state = { windows, policy, source: 'database', loadedAt: clock.now().getTime() };
      return true;
    } catch {
      logger.warn('maintenance state could not be read; keeping the last known state', { source: state.source });
      return false;
    }
  }

  return {
    get state() {
      return state;
    },
    refreshIfDue(db) {
      const now = clock.now().getTime();
      if (inFlight || now - lastAttempt < options.maxAgeMs) return inFlight;
      lastAttempt = now;
      inFlight = read(db).then(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    holderFor(db) {
      return {
        get state() {
          return state;
        },
        refresh: () => (db ? read(db) : Promise.resolve(false)),
        start: async () => {},
        stop: async () => {},
      };
    },
  };
}
