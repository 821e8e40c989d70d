import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/entry/open-database.js';

export const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined;

export interface TestDatabase {
  engine: 'embedded' | 'postgresql';
  db: Db;
  /** PostgreSQL only: the schema this test owns, and a URL-free way to open more connections to it. */
  schema?: string;
  close(): Promise<void>;
}

export type EngineName = TestDatabase['engine'];

/** The engines every database test runs on: embedded always, PostgreSQL when TEST_DATABASE_URL is set. */
export function engines(): EngineName[] {
  return testDatabaseUrl ? ['embedded', 'postgresql'] : ['embedded'];
}

if (!testDatabaseUrl && !(globalThis as { __vigieSkipNoted?: boolean }).__vigieSkipNoted) {
  (globalThis as { __vigieSkipNoted?: boolean }).__vigieSkipNoted = true;
  console.warn('TEST_DATABASE_URL is not set: database tests run on the embedded engine only; PostgreSQL-only tests are skipped.');
}

/** A fresh database for one test file: an in-memory PGlite, or a new schema on the test PostgreSQL. */
export async function openTestDatabase(engine: EngineName, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const migrate = options.migrate ?? true;
  if (engine === 'embedded') {
    const { db } = await openDatabase({ databaseUrl: undefined, databasePoolSize: 1, dataDir: '' }, { inMemory: true });
    if (migrate) await migrateToLatest(db);
    return { engine, db, close: () => db.destroy() };
  }
  if (!testDatabaseUrl) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create schema ${schema}`);
  const db = await openSchema(schema);
  if (migrate) await migrateToLatest(db);
  return {
    engine,
    db,
    schema,
    async close() {
      await db.destroy();
      await adminQuery(`drop schema ${schema} cascade`);
    },
  };
}

/** Another pool on the same test schema, as a second Vigie instance would have. */
export async function openSchema(schema: string, poolSize = 5): Promise<Db> {
  const { db } = await openDatabase(
    { databaseUrl: testDatabaseUrl, databasePoolSize: poolSize, dataDir: '' },
    { schema },
  );
  return db;
}

export async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
