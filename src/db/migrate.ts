import { Migrator, sql, type Kysely, type MigrationResult } from 'kysely';
import { migrations } from './migrations/index.js';

export const migrationTable = 'vigie_migration';
export const migrationLockTable = 'vigie_migration_lock';

/**
 * The bookkeeping tables live in the connection's current schema, named explicitly: Kysely would
 * otherwise look for them in every schema and find another tenant's (tests give each file a schema).
 */
async function createMigrator(db: Kysely<any>): Promise<Migrator> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: migrationTable,
    migrationLockTableName: migrationLockTable,
    migrationTableSchema: rows[0]?.schema ?? 'public',
  });
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * Applies pending migrations. Kysely takes a PostgreSQL advisory lock inside one transaction, so two
 * instances starting together on one database apply each migration exactly once.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResult[]> {
  const { error, results } = await (await createMigrator(db)).migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    throw new MigrationError(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${String((error as Error).message ?? error)}`);
  }
  return results ?? [];
}

/** Names of migrations known to the code but not applied to the database. */
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const all = await (await createMigrator(db)).getMigrations();
  return all.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
}

/** Applies migrations up to and including `name` (tests of a later migration start from the schema before it). */
export async function migrateTo(db: Kysely<any>, name: string): Promise<void> {
  const { error } = await (await createMigrator(db)).migrateTo(name);
  if (error) throw new MigrationError(`migration to ${name} failed: ${String((error as Error).message ?? error)}`);
}
