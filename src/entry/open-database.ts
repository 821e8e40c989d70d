import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import { createDb } from '../db/create-db.js';
import type { Db } from '../db/database.js';
import { PGliteDialect } from '../db/pglite-dialect.js';
import { prepareStatements } from './prepared-statements.js';
import type { Notifications } from '../db/notifications.js';
import { silentLogger, type Logger } from '../logger.js';
import { lockDataDir } from './data-dir-lock.js';
import { createPgNotifications } from './pg-notifications.js';
import { createPGliteNotifications } from './pglite-notifications.js';

export interface OpenDatabase {
  db: Db;
  engine: 'postgresql' | 'embedded';
  /** Where the data lives, without credentials (safe to log). */
  location: string;
  /** LISTEN for this database (a dedicated connection on PostgreSQL, opened on first listen); close it after db. */
  notifications: Notifications & { close(): Promise<void> };
}

export interface OpenDatabaseOptions {
  /** PostgreSQL: a schema to put first on the search_path (tests give each file its own). */
  schema?: string;
  /** Embedded: keep the database in memory (tests). */
  inMemory?: boolean;
  /** PostgreSQL: send each distinct statement as a named prepared statement (entry/prepared-statements.ts). */
  prepareStatements?: boolean;
  /** Where the notifications connection reports losing the database. */
  logger?: Logger;
}

/** PostgreSQL through a `pg` pool when DATABASE_URL is set; otherwise embedded PGlite in VIGIE_DATA_DIR. */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'databasePoolSize' | 'dataDir'>,
  options: OpenDatabaseOptions = {},
): Promise<OpenDatabase> {
  if (config.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: config.databasePoolSize,
      connectionTimeoutMillis: 5_000,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    // An idle client that loses its server emits 'error'; without a listener that would end the process.
    pool.on('error', () => {});
    // A checked-out client whose server goes away emits 'error' too, with no pool listener on it then; the
    // query itself rejects, but the unheard event would end the process. The maintenance fail policy (keep
    // the last state while PostgreSQL is away) needs the process alive.
    pool.on('connect', (client) => client.on('error', () => {}));
    if (options.prepareStatements) prepareStatements(pool);
    const url = new URL(config.databaseUrl);
    return {
      db: createDb(new PostgresDialect({ pool }), 'postgresql'),
      engine: 'postgresql',
      location: `${url.hostname}:${url.port || 5432}${url.pathname}`,
      notifications: createPgNotifications({ connectionString: config.databaseUrl, logger: options.logger ?? silentLogger }),
    };
  }
  // Loaded only when used: the embedded engine is a large module that a PostgreSQL deployment never needs.
  const { PGlite } = await import('@electric-sql/pglite');
  if (options.inMemory) {
    const pglite = await PGlite.create();
    return { db: createDb(new PGliteDialect(pglite), 'pglite'), engine: 'embedded', location: 'memory', notifications: embeddedNotifications(pglite) };
  }
  const dir = join(config.dataDir, 'pgdata');
  await mkdir(dir, { recursive: true });
  // One process at a time (src/entry/data-dir-lock.ts): taken before the files are opened, released on destroy.
  const lock = lockDataDir(config.dataDir);
  let pglite;
  try {
    pglite = await PGlite.create(dir);
  } catch (error) {
    lock.release();
    throw error;
  }
  const db = createDb(new PGliteDialect(pglite), 'pglite');
  const destroy = db.destroy.bind(db);
  db.destroy = async () => {
    try {
      await destroy();
    } finally {
      lock.release();
    }
  };
  return { db, engine: 'embedded', location: dir, notifications: embeddedNotifications(pglite) };
}

// PGlite's subscriptions end with the database itself (db.destroy closes it).
const embeddedNotifications = (pglite: import('@electric-sql/pglite').PGlite) => ({ ...createPGliteNotifications(pglite), close: async () => {} });
