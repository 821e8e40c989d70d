import { AsyncLocalStorage } from 'node:async_hooks';
import { createApp } from '../app.js';
import { createStaffTokenVerifier } from '../auth/verify-staff-token.js';
import { systemClock } from '../clock.js';
import { parseConfig, type Config } from '../config.js';
import type { Db } from '../db/database.js';
import { problemResponse, problemType } from '../http/problem.js';
import { createLogger, type Logger } from '../logger.js';
import { deliveryDeps } from './delivery-ports.js';
import { createEdgeMaintenance, type EdgeMaintenance } from '../maintenance/edge-holder.js';
import { maintenancePolicyFromConfig } from '../maintenance/holder.js';
import type { ConsoleAssetStore } from '../console/asset-store.js';
import { createEdgeAccessLog, type EdgeAccessLog } from './worker-audit.js';
import { createPerUseDb } from './worker-db.js';

interface Env {
  /** Hyperdrive binding: PostgreSQL from the edge, pooled near the database (docs/edge.md). */
  HYPERDRIVE?: { connectionString: string };
  /** wrangler's [assets] binding: the console's built assets (dist/console-assets). */
  ASSETS?: { fetch(request: Request): Promise<Response> };
  [name: string]: unknown;
}

interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

/**
 * What one isolate keeps from one request to the next: the configuration (parsed once), the maintenance
 * state, and the access log's writer (one stream per isolate). Nothing here holds a connection.
 */
interface Isolate {
  env: Env;
  config: Config;
  logger: Logger;
  maintenance: EdgeMaintenance;
  /** A connection per use (worker-db.ts): usable from any request of the isolate, by the app and the writer. */
  db: Db | undefined;
  audit: EdgeAccessLog | undefined;
  /** Why gateway mode cannot run (a missing setting), said on every proxied request. */
  misconfigured: string | undefined;
  /** The app, built once per isolate (building it costs CPU time that every request would pay). */
  app: ReturnType<typeof createApp>;
}

let isolate: Isolate | undefined;

/**
 * The request a piece of work runs in. A batch leaves in the request whose microtask or commit started it
 * (not necessarily one whose record it carries): that request must live until the commit returns.
 */
const currentRequest = new AsyncLocalStorage<ExecutionContext>();
const keepRequestAlive = (work: Promise<void>) => currentRequest.getStore()?.waitUntil(work);

function isolateFor(env: Env): Isolate {
  if (isolate && isolate.env === env) return isolate;
  const strings = Object.fromEntries(Object.entries(env).filter(([, value]) => typeof value === 'string')) as Record<string, string>;
  const config = parseConfig(strings);
  const logger = createLogger(config.logLevel);
  const connectionString = env.HYPERDRIVE?.connectionString;
  const db = connectionString ? createPerUseDb(connectionString, config.audit.timeoutMs, keepRequestAlive) : undefined;
  // A new env (another deployment's vars) starts over: its policy may differ; the first request reads the state.
  const maintenance = createEdgeMaintenance({
      clock: systemClock,
      logger,
      policy: maintenancePolicyFromConfig(config),
      coldStart: config.maintenance.coldStart,
      maxAgeMs: Math.min(1000, config.maintenance.refreshSeconds * 1000),
      // A quiet isolate's request waits at most this for a stale state's read; past it, the last known state.
      waitMs: 500,
  });
  let misconfigured: string | undefined;
  let audit: EdgeAccessLog | undefined;
  if (config.upstream) {
    // No file system for a development key at the edge, and a record without the database is no record.
    if (!config.audit.key) misconfigured = 'VIGIE_AUDIT_KEY: required at the edge (wrangler secret put VIGIE_AUDIT_KEY)';
    else if (!db) misconfigured = 'HYPERDRIVE: gateway mode at the edge needs the Hyperdrive binding (the access log)';
    else audit = createEdgeAccessLog(config, config.audit.key, db, systemClock, logger, keepRequestAlive);
  }
  const app = createApp({
    config,
    db,
    clock: systemClock,
    logger,
    staffTokenVerifier: createStaffTokenVerifier(config.jwt),
    maintenance: maintenance.holderFor(db),
    ...(audit ? { accessLog: audit.accessLog } : {}),
    consoleAssets: env.ASSETS ? workerConsoleAssets(env.ASSETS) : undefined,
    delivery: deliveryDeps({ db, clock: systemClock, config }),
  });
  isolate = { env, config, logger, maintenance, db, audit, misconfigured, app };
  return isolate;
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
 * Cloudflare Workers entry: the same app as on Node. With VIGIE_UPSTREAM it is the gateway (maintenance, then
 * the fetch gateway with the access log, src/gateway/); otherwise Vigie's own routes. Configuration comes from
 * the Worker's vars and secrets; the database from the Hyperdrive binding. Migrations are applied by
 * `vigie migrate` from a machine, not from the edge. docs/edge.md.
 */
export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    // Everything below runs as this request: work it starts (a read, a batch, closing a connection) is kept alive.
    return currentRequest.run(ctx, () => serve(request, env, ctx));
  },
};

async function serve(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const { config, logger, maintenance, db, misconfigured, app } = isolateFor(env);
  if (db) {
    // A read this request starts lives until it ends, even past the response (or past the wait below).
    const reading = maintenance.refreshIfDue(db);
    if (reading) ctx.waitUntil(reading);
    const waiting = maintenance.beforeRequest(db);
    if (waiting) await waiting;
  }
  if (misconfigured && !new URL(request.url).pathname.startsWith(config.adminPrefix)) {
    logger.error('gateway misconfigured', { reason: misconfigured });
    return problemResponse({ type: problemType('misconfigured'), title: 'Vigie is misconfigured', status: 500, detail: misconfigured, requestId: crypto.randomUUID() });
  }
  return app.fetch(request);
}
