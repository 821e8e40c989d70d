import { migrateToLatest } from '../db/migrate.js';
import { openDatabase } from '../entry/open-database.js';
import { loadConfig } from './config.js';
import { defineCommand } from './spec.js';

export const migrateCommand = defineCommand({
  name: 'migrate',
  summary: 'apply pending database migrations (DATABASE_URL, or the embedded database) and exit',
  options: {},
  async run({ env }) {
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
});
