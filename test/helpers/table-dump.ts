import { sql } from 'kysely';
import type { Db } from '../../src/db/database.js';

/**
 * Every row of every table of the test's schema, as sorted JSON lines per table: compared before and
 * after a batch of refused requests, it shows that nothing stored changed (on PostgreSQL and PGlite alike).
 */
export async function dumpTables(db: Db): Promise<Record<string, string[]>> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db);
  const dump: Record<string, string[]> = {};
  for (const { name } of tables.rows) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
    dump[name] = rows.rows.map((row) => JSON.stringify(row)).sort();
  }
  return dump;
}
