import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { MaintenancePolicy, MaintenanceState } from './decide.js';
import { coldStartWindow, type MaintenanceHolder } from './holder.js';
import { loadCurrentWindows } from './store.js';

/**
 * Maintenance state for runtimes that cannot hold a LISTEN connection (Cloudflare Workers: a database client
 * per request). One per isolate. No request is decided on a state read more than `maxAgeMs` ago while the
 * database answers: past half that age a request starts a re-read in its background (waitUntil); past the
 * whole age it waits for the read (at most `waitMs`). A busy isolate therefore never waits, and a quiet one
 * waits one read on its next request. A switch reaches every isolate within `maxAgeMs` (1 s), not by NOTIFY.
 *
 * Same fail policy as the Node holder: a failed read keeps the last known state (and is tried again after
 * half the age, without making requests wait meanwhile); an isolate that never read starts open or closed
 * as VIGIE_MAINTENANCE_COLD_START says.
 */
export interface EdgeMaintenance {
  readonly state: MaintenanceState;
  /** A re-read with this request's database if one is due (to pass to waitUntil), else undefined. */
  refreshIfDue(db: Db): Promise<void> | undefined;
  /**
   * What this request must wait for before the maintenance decision: a read when the state is older than
   * `maxAgeMs` (bounded by `waitMs`), else undefined. Starts the re-read if due.
   */
  beforeRequest(db: Db): Promise<void> | undefined;
  /** The holder the app sees during one request (its `refresh` uses that request's database). */
  holderFor(db: Db | undefined): MaintenanceHolder;
}

export function createEdgeMaintenance(options: {
  clock: Clock;
  logger: Logger;
  policy: MaintenancePolicy;
  coldStart: 'open' | 'closed';
  maxAgeMs: number;
  /** Longest a request waits for a read of a stale state (default: maxAgeMs). */
  waitMs?: number;
  /**
   * A read still pending after this long is given up and another started (default 5000): the request that ran
   * it may have been torn down with its connection (Workers), and its promise would never settle.
   */
  abandonAfterMs?: number;
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
  let inFlightSince = 0;
  const abandonAfterMs = options.abandonAfterMs ?? 5000;

  const waitMs = options.waitMs ?? options.maxAgeMs;

  async function read(db: Db): Promise<boolean> {
    // The state is as old as the moment the read started: that is what the age bound counts from.
    const started = clock.now();
    try {
      const windows = await loadCurrentWindows(db, started);
      // A read given up on that answers late must not replace a newer one.
      if (state.loadedAt === null || started.getTime() >= state.loadedAt) state = { windows, policy, source: 'database', loadedAt: started.getTime() };
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
      const half = options.maxAgeMs / 2;
      if (inFlight && now - inFlightSince < abandonAfterMs) return inFlight;
      if (!inFlight && (now - lastAttempt < half || (state.loadedAt !== null && now - state.loadedAt < half))) return undefined;
      lastAttempt = now;
      inFlightSince = now;
      const started: Promise<void> = read(db).then(() => {
        if (inFlight === started) inFlight = undefined;
      });
      inFlight = started;
      return started;
    },
    beforeRequest(db) {
      const reading = this.refreshIfDue(db);
      const loadedAt = state.loadedAt;
      if (!reading || (loadedAt !== null && clock.now().getTime() - loadedAt <= options.maxAgeMs)) return undefined;
      // Stale: wait for the read in progress, within the bound (a database that hangs does not hold traffic).
      let timer: ReturnType<typeof setTimeout> | undefined;
      return Promise.race([reading, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]).finally(() => clearTimeout(timer));
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
