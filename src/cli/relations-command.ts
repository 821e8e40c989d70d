import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseRelationsCsv } from '../exposure/relations-csv.js';
import { loadConfig } from './config.js';
import { connectionOptions, withConnection } from './connect.js';
import { defineCommand, defineGroup, UsageError } from './spec.js';

/**
 * `vigie relations import file.csv`: all or nothing — one bad line and nothing is stored, every bad line
 * is listed with its number — unless --skip-bad-lines, which stores the good ones and lists the rest.
 */
const importRelations = defineCommand({
  name: 'import',
  summary: 'import who may see whose data from a CSV (all or nothing unless --skip-bad-lines)',
  positionals: [{ name: 'file.csv', description: 'the relations: principal, subject, relation, from, until' }],
  options: {
    'skip-bad-lines': { type: 'boolean', description: 'store the good lines, list the bad ones' },
    reason: { type: 'string', value: 'TEXT', description: 'why (recorded; default: the file name)' },
    source: { type: 'string', value: 'NAME', description: 'where the relations come from (default csv:<file>)' },
    ...connectionOptions,
  },
  async run({ values, positionals, env }) {
    const file = positionals[0]!;
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
    // Checked here line by line (the CSV's own line numbers), then sent as one all-or-nothing request.
    const body = {
      reason: values.reason ?? `relations import ${basename(file)}`,
      source: values.source ?? `csv:${basename(file)}`,
      relations: parsed.relations.map((r) => ({ principal: r.principal, subject: r.subject, kind: r.kind, validFrom: r.validFrom.toISOString(), validTo: r.validTo?.toISOString() ?? null })),
    };
    return withConnection(values, env, async ({ client }) => {
      const result = await client.request<{ relations: number; changed: { relations: number } }>('POST', `${config.adminPrefix}/exposure/relations`, body);
      console.log(`imported ${result.relations} relation(s) from ${file} (${result.changed.relations} new or changed)${parsed.badLines > 0 ? `; ${parsed.badLines} bad line(s) skipped` : ''}`);
      return 0;
    });
  },
});

export const relationsCommand = defineGroup({
  name: 'relations',
  summary: 'who may see whose data (entitlements): import',
  subcommands: [importRelations],
});
