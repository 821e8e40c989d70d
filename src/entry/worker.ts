import { PostgresDialect } from 'kysely';
import pg from 'pg';
import { createApp } from '../app.js';
import { createStaffTokenVerifier } from '../auth/verify-staff-token.js';
import { systemClock } from '../clock.js';
import { parseConfig } from '../config.js';
import { createDb } from '../db/create-db.js';
import { createLogger } from '../logger.js';

interface Env {
  /** Hyperdrive binding: PostgreSQL from the edge, pooled near the database (see README). */
  HYPERDRIVE?: { connectionString: string };
  [name: string]: unknown;
}

interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
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
    const app = createApp({
      config,
      db,
      clock: systemClock,
      logger: createLogger(config.logLevel),
      staffTokenVerifier: createStaffTokenVerifier(config.jwt),
    });
    try {
      return await app.fetch(request);
    } finally {
      if (db) ctx.waitUntil(db.destroy());
    }
  },
};
