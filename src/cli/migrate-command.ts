import { migrateToLatest } from '../db/migrate.js';
import { openDatabase } from '../entry/open-database.js';
import { loadConfig, type Command } from './main.js';

export const migrateCommand: Command = {
  summary: 'apply pending database migrations and exit',
  async run(_args, env) {
    const config = loadConfig(env);
    const { db, engine, location } = await openDatabase(config);
    try {
      const results = await migrateToLatest(db);
      for (const result of results) console.log(`applied ${result.migrationName}`);
      console.log(`${engine} database at ${location}: ${results.length} migration(s) applied, schema current`);
    } finally {
      await db.destroy();
    }
  },
};
