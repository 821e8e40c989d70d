import { PostgresDialect } from 'kysely';
import pg from 'pg';
import { createApp } from '../app.js';
import { createStaffTokenVerifier } from '../auth/verify-staff-token.js';
import { systemClock } from '../clock.js';
import { parseConfig } from '../config.js';
import { createDb } from '../db/create-db.js';
import { createLogger } from '../logger.js';
import { deliveryDeps } from './delivery-ports.js';
import { createEdgeMaintenance, type EdgeMaintenance } from '../maintenance/edge-holder.js';
import { maintenancePolicyFromConfig } from '../maintenance/holder.js';
import type { ConsoleAssetStore } from '../console/asset-store.js';

// One maintenance state per isolate, re-read in the background at most every second (no LISTEN here).
let maintenance: EdgeMaintenance | undefined;

interface Env {
  /** Hyperdrive binding: PostgreSQL from the edge, pooled near the database (see README). */
  HYPERDRIVE?: { connectionString: string };
  /** wrangler's [assets] binding: the console's built assets (dist/console-assets). */
  ASSETS?: { fetch(request: Request): Promise<Response> };
  [name: string]: unknown;
}

interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

/**
 * The console's assets from the [assets] binding (run_worker_first: requests reach the Worker, which asks the
 * binding only for the manifest's names). Cloudflare compresses the response on its way to the browser, so
 * the identity file is read; the precompressed copies serve Node.
 */
function workerConsoleAssets(binding: NonNullable<Env['ASSETS']>): ConsoleAssetStore {
  return {
    async read(name) {
      const res = await binding.fetch(new Request(`https://assets.invalid/${name}`));
      return res.ok && res.body ? { body: res.body, encoding: 'identity' } : undefined;
    },
  };
}

/**
 * Cloudflare Workers entry. Configuration comes from the Worker's vars and secrets; the database from the
 * Hyperdrive binding, with a client per request as Hyperdrive recommends (it pools on its side).
 * Migrations are applied by `vigie migrate` from a machine, not from the edge.
 */
export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const strings = Object.fromEntries(Object.entries(env).filter(([, value]) => typeof value === 'string')) as Record<string, string>;
    const config = parseConfig(strings);
    const db = env.HYPERDRIVE
      ? createDb(new PostgresDialect({ pool: new pg.Pool({ connectionString: env.HYPERDRIVE.connectionString, max: 1 }) }), 'postgresql')
      : undefined;
    const logger = createLogger(config.logLevel);
    maintenance ??= createEdgeMaintenance({
      clock: systemClock,
      logger,
      policy: maintenancePolicyFromConfig(config),
      coldStart: config.maintenance.coldStart,
      maxAgeMs: Math.min(1000, config.maintenance.refreshSeconds * 1000),
    });
    const refreshing = db ? maintenance.refreshIfDue(db) : undefined;
    // Only an isolate's first request waits for the state; later ones re-read after answering.
    if (refreshing && maintenance.state.loadedAt === null) await refreshing;
    const app = createApp({
      config,
      db,
      clock: systemClock,
      logger,
      staffTokenVerifier: createStaffTokenVerifier(config.jwt),
      maintenance: maintenance.holderFor(db),
      consoleAssets: env.ASSETS ? workerConsoleAssets(env.ASSETS) : undefined,
      delivery: deliveryDeps({ db, clock: systemClock, config }),
    });
    try {
      return await app.fetch(request);
    } finally {
      if (db) ctx.waitUntil((refreshing ?? Promise.resolve()).then(() => db.destroy()));
    }
  },
};
