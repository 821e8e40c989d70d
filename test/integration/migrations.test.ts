import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateToLatest, migrationTable, pendingMigrations } from '../../src/db/migrate.js';
import { migrations } from '../../src/db/migrations/index.js';
import { engines, openSchema, openTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/databases.js';
import { testApp } from '../helpers/test-app.js';

describe.each(engines())('migrations on %s', (engine) => {
  const opened: TestDatabase[] = [];
  afterAll(async () => {
    for (const database of opened) await database.close();
  });

  it('a fresh database is not ready until migrated, then is', async () => {
    const database = await openTestDatabase(engine, { migrate: false });
    opened.push(database);
    const { app } = testApp({ db: database.db });
    const before = await app.request('/_vigie/readyz');
    expect(before.status).toBe(503);
    expect((await before.json()).detail).toMatch(/migration/);
    expect(await pendingMigrations(database.db)).toEqual(Object.keys(migrations));

    const applied = await migrateToLatest(database.db);
    expect(applied.map((result) => result.migrationName)).toEqual(Object.keys(migrations));
    expect(await migrateToLatest(database.db)).toEqual([]);
    const after = await app.request('/_vigie/readyz');
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({ status: 'ready', database: 'ok', migrations: 'current' });
  });

  it('produces the same tables and columns', async () => {
    const database = await openTestDatabase(engine);
    opened.push(database);
    const columns = await sql<{ table_name: string; column_name: string; data_type: string }>`
      select table_name, column_name, data_type from information_schema.columns
      where table_schema = current_schema() order by table_name, ordinal_position`.execute(database.db);
    expect(columns.rows).toContainEqual({ table_name: 'staff_action', column_name: 'roles', data_type: 'ARRAY' });
    expect(columns.rows.some((row) => row.table_name === migrationTable)).toBe(true);
  });
});

describe.skipIf(!testDatabaseUrl)('two instances starting together on one PostgreSQL', () => {
  it('apply each migration exactly once and both succeed', async () => {
    const holder = await openTestDatabase('postgresql', { migrate: false });
    const instances = await Promise.all([1, 2, 3].map(() => openSchema(holder.schema!, 2)));
    try {
      const results = await Promise.all(instances.map((db) => migrateToLatest(db)));
      const appliedCount = results.reduce((sum, applied) => sum + applied.length, 0);
      expect(appliedCount).toBe(Object.keys(migrations).length);
      const rows = await sql<{ name: string }>`select name from ${sql.table(migrationTable)}`.execute(holder.db);
      expect(rows.rows.map((row) => row.name).sort()).toEqual(Object.keys(migrations).sort());
      expect(await pendingMigrations(instances[1]!)).toEqual([]);
    } finally {
      for (const db of instances) await db.destroy();
      await holder.close();
    }
  });
});
