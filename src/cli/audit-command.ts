import { generateAccessLog } from '../audit/generate.js';
import { writeCheckpoint } from '../audit/checkpoint.js';
import { pruneAccessLog } from '../audit/prune.js';
import { verifyAccessLog } from '../audit/verify.js';
import { systemClock } from '../clock.js';
import { migrateToLatest } from '../db/migrate.js';
import { auditKey } from '../entry/audit-key.js';
import { createNodeAuditCrypto } from '../entry/node-audit-crypto.js';
import { openDatabase } from '../entry/open-database.js';
import { loadConfig, UsageError, type Command } from './main.js';

const usage = `vigie audit verify [--from ISO] [--to ISO]   check the hash chain (exit 1 when tampered)
vigie audit prune --before ISO               remove batches older than the date (keeps a checkpoint)
vigie audit checkpoint                       write a signed checkpoint now
vigie audit generate --rows N [--days D] [--from ISO] [--seed S]   fill the log with synthetic traffic`;

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (!value || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
  return value;
}

function dateOption(args: string[], name: string): Date | undefined {
  const text = option(args, name);
  if (text === undefined) return undefined;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--${name} must be an ISO 8601 date`);
  return date;
}

const progress = (text: string) => process.stderr.write(`\r${text}`);

export const auditCommand: Command = {
  summary: 'access log: verify, prune, checkpoint, generate',
  async run(args, env) {
    const [action, ...rest] = args;
    if (!action || !['verify', 'prune', 'checkpoint', 'generate'].includes(action)) throw new UsageError(`usage:\n${usage}`);
    const config = loadConfig(env);
    const { key } = await auditKey(config);
    const crypto = createNodeAuditCrypto(key);
    const { db, notifications } = await openDatabase(config);
    try {
      await migrateToLatest(db);
      if (action === 'verify') {
        const from = dateOption(rest, 'from');
        const to = dateOption(rest, 'to');
        const report = await verifyAccessLog(db, crypto, { from, to, onProgress: (n) => progress(`verified ${n} batches`) });
        process.stderr.write('\n');
        console.log(JSON.stringify(report, null, 2));
        return report.ok ? 0 : 1;
      }
      if (action === 'prune') {
        const before = dateOption(rest, 'before');
        if (!before) throw new UsageError('prune needs --before ISO');
        console.log(JSON.stringify(await pruneAccessLog(db, crypto, systemClock, before)));
        return 0;
      }
      if (action === 'checkpoint') {
        const checkpoint = await writeCheckpoint(db, crypto, systemClock);
        console.log(JSON.stringify({ id: checkpoint.id, at: checkpoint.at.toISOString(), streams: Object.keys(checkpoint.body.heads).length }));
        return 0;
      }
      const rows = Number(option(rest, 'rows') ?? '');
      if (!Number.isInteger(rows) || rows < 1) throw new UsageError('generate needs --rows N (a positive integer)');
      const days = Number(option(rest, 'days') ?? '30');
      const from = dateOption(rest, 'from') ?? new Date(Date.now() - days * 86_400_000);
      const seed = Number(option(rest, 'seed') ?? '42');
      const result = await generateAccessLog(db, crypto, { rows, days, from, seed }, progress);
      process.stderr.write('\n');
      console.log(JSON.stringify(result));
      return 0;
    } finally {
      await notifications.close();
      await db.destroy();
    }
  },
};
