import { PostgresDialect } from 'kysely';
import pg from 'pg';
import { createDb } from '../db/create-db.js';
import type { Db } from '../db/database.js';

/**
 * A database handle an isolate can keep from one request to the next. A Worker's socket belongs to the request
 * that opened it ("Cannot perform I/O on behalf of a different request"), so no connection is kept: each use
 * (a query, or a transaction) opens one through Hyperdrive in the request that asks, and closes it when done.
 * Hyperdrive pools the connections to PostgreSQL on its side, which is what makes this cheap there.
 */
export function createPerUseDb(connectionString: string, connectTimeoutMs: number, keepAlive?: (work: Promise<void>) => void): Db {
  const pool = {
    async connect() {
      const client = new pg.Client({ connectionString, connectionTimeoutMillis: connectTimeoutMs });
      // A server that goes away emits 'error' on the client; the query in progress rejects on its own.
      client.on('error', () => {});
      await client.connect();
      return Object.assign(client, {
        release() {
          // Closed cleanly before the request ends (waitUntil): a socket cut by the end of its request looks like a
          // reset to the other side (wrangler's local Hyperdrive proxy exits on one).
          const ending = client.end().catch(() => {});
          keepAlive?.(ending);
        },
      });
    },
    async end() {},
  };
  return createDb(new PostgresDialect({ pool: pool as unknown as pg.Pool }), 'postgresql');
}
