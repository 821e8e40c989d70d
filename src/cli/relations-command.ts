import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { systemClock } from '../clock.js';
import { migrateToLatest } from '../db/migrate.js';
import { openDatabase } from '../entry/open-database.js';
import { parseRelationsCsv } from '../exposure/relations-csv.js';
import { upsertEntitlements } from '../exposure/relations.js';
import { loadConfig, UsageError, type Command } from './main.js';

const usage = 'relations import <file.csv> [--skip-bad-lines] [--reason "…"] [--source name] [--actor name]';

/**
 * `vigie relations import file.csv`: all or nothing — one bad line and nothing is stored, every bad line
 * is listed with its number — unless --skip-bad-lines, which stores the good ones and lists the rest.
 */
export const relationsCommand: Command = {
  summary: 'import who may see whose data from a CSV: relations import file.csv [--skip-bad-lines]',
  async run(args, env) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        'skip-bad-lines': { type: 'boolean', default: false },
        reason: { type: 'string' },
        source: { type: 'string' },
        actor: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
    const [action, file] = positionals;
    if (action !== 'import' || !file) throw new UsageError(`usage: vigie ${usage}`);
    const config = loadConfig(env);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      throw new UsageError(`relations import: cannot read ${file}`);
    }
    const parsed = parseRelationsCsv(text, config.timeZone);
    for (const error of parsed.errors.slice(0, 200)) console.error(`${file} ${error.path}: ${error.message}`);
    if (parsed.errors.length > 200) console.error(`… and ${parsed.errors.length - 200} more error(s)`);
    const skip = values['skip-bad-lines'];
    if (parsed.badLines > 0 && (!skip || parsed.errors.some((e) => e.path === 'line 1'))) {
      console.error(`relations import: ${parsed.badLines} bad line(s); nothing was imported${skip ? '' : ' (use --skip-bad-lines to import the good ones)'}`);
      return 1;
    }
    const { db } = await openDatabase(config);
    try {
      await migrateToLatest(db);
      const result = await upsertEntitlements(
        { db, clock: systemClock },
        { relations: parsed.relations, roles: [], source: values.source ?? `csv:${basename(file)}` },
        { subject: values.actor ?? env.USER ?? userInfo().username, roles: ['cli'], reason: values.reason ?? `relations import ${basename(file)}` },
      );
      console.log(`imported ${result.relations} relation(s) from ${file} (${result.changed.relations} new or changed)${parsed.badLines > 0 ? `; ${parsed.badLines} bad line(s) skipped` : ''}`);
      return 0;
    } finally {
      await db.destroy();
    }
  },
};
