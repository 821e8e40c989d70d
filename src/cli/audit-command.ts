import { generateAccessLog } from '../audit/generate.js';
import { writeCheckpoint } from '../audit/checkpoint.js';
import { pruneAccessLog } from '../audit/prune.js';
import { verifyAccessLog } from '../audit/verify.js';
import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Db } from '../db/database.js';
import { auditKey } from '../entry/audit-key.js';
import { createNodeAuditCrypto } from '../entry/node-audit-crypto.js';
import { openDatabase } from '../entry/open-database.js';
import { loadConfig } from './config.js';
import { connectionOptions, withConnection } from './connect.js';
import { defineCommand, defineGroup, UsageError } from './spec.js';

function dateOption(text: string | undefined, name: string): Date | undefined {
  if (text === undefined) return undefined;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--${name} must be an ISO 8601 date`);
  return date;
}

/** A progress line: rewritten in place on a terminal, one line each elsewhere (a log file, a pipe). */
const progress = (text: string) => process.stderr.write(process.stderr.isTTY ? `\r${text}` : `${text}\n`);
const endProgress = () => {
  if (process.stderr.isTTY) process.stderr.write('\n');
};

/** The access log's database and signing key, closed after the work. */
async function withLog<T>(env: NodeJS.ProcessEnv, work: (db: Db, crypto: ReturnType<typeof createNodeAuditCrypto>, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig(env);
  const { key } = await auditKey(config);
  const crypto = createNodeAuditCrypto(key);
  const { db, notifications } = await openDatabase(config);
  try {
    await migrateToLatest(db);
    return await work(db, crypto, config);
  } finally {
    await notifications.close();
    await db.destroy();
  }
}

const verify = defineCommand({
  name: 'verify',
  summary: 'check the hash chain: edited, deleted, inserted or reordered rows (exit 1 when tampered)',
  options: {
    from: { type: 'string', value: 'ISO', description: 'from this time' },
    to: { type: 'string', value: 'ISO', description: 'until this time' },
    ...connectionOptions,
  },
  run: async ({ values, env }) => {
    const from = dateOption(values.from, 'from');
    const to = dateOption(values.to, 'to');
    // A running Vigie checks its own log (GET /audit/verify, dpo or auditor; the reading is recorded).
    if (values.url) {
      return withConnection(values, env, async ({ client, config }) => {
        const query = new URLSearchParams({ ...(from ? { from: from.toISOString() } : {}), ...(to ? { to: to.toISOString() } : {}) });
        const report = await client.request<{ ok: boolean }>('GET', `${config.adminPrefix}/audit/verify?${query}`);
        console.log(JSON.stringify(report, null, 2));
        return report.ok ? 0 : 1;
      });
    }
    return withLog(env, async (db, crypto) => {
      const report = await verifyAccessLog(db, crypto, { from, to, onProgress: (n) => progress(`verified ${n} batches`) });
      endProgress();
      console.log(JSON.stringify(report, null, 2));
      return report.ok ? 0 : 1;
    });
  },
});

const prune = defineCommand({
  name: 'prune',
  summary: 'remove batches older than the date (whole days; keeps a checkpoint, what remains still verifies)',
  options: { before: { type: 'string', value: 'ISO', required: true, description: 'the retention limit' } },
  run: ({ values, env }) =>
    withLog(env, async (db, crypto) => {
      console.log(JSON.stringify(await pruneAccessLog(db, crypto, systemClock, dateOption(values.before, 'before')!)));
      return 0;
    }),
});

const checkpoint = defineCommand({
  name: 'checkpoint',
  summary: 'write a signed checkpoint of every stream now, and print it (one JSON line: keep a copy elsewhere)',
  options: {},
  run: ({ env }) =>
    withLog(env, async (db, crypto) => {
      const written = await writeCheckpoint(db, crypto, systemClock);
      // The heads and their signature, as stored: a copy kept outside the database (`>> checkpoints.jsonl`) is what
      // shows a rewrite by someone who holds both the database and the key (docs/access-log.md, "Checkpoints").
      const { id, at, kind, body, signature } = written;
      console.log(JSON.stringify({ id, at: at.toISOString(), kind, streams: Object.keys(body.heads).length, heads: body.heads, signature }));
      return 0;
    }),
});

const generate = defineCommand({
  name: 'generate',
  summary: 'fill the log with synthetic traffic (benchmarks, analysis)',
  options: {
    rows: { type: 'string', value: 'N', required: true, description: 'how many records' },
    days: { type: 'string', value: 'D', description: 'spread over this many days', default: '30' },
    from: { type: 'string', value: 'ISO', description: 'the first day (default: --days ago)' },
    seed: { type: 'string', value: 'S', description: 'the random seed', default: '42' },
  },
  run: ({ values, env }) => {
    const rows = Number(values.rows);
    if (!Number.isInteger(rows) || rows < 1) throw new UsageError('--rows must be a positive integer');
    const days = Number(values.days);
    return withLog(env, async (db, crypto) => {
      const from = dateOption(values.from, 'from') ?? new Date(Date.now() - days * 86_400_000);
      const result = await generateAccessLog(db, crypto, { rows, days, from, seed: Number(values.seed) }, progress);
      endProgress();
      console.log(JSON.stringify(result));
      return 0;
    });
  },
});

export const auditCommand = defineGroup({
  name: 'audit',
  summary: 'the access log: verify, prune, checkpoint, generate',
  notes: [
    'verify with --url asks a running Vigie (GET /audit/verify, as the holder of --token: dpo or auditor). Without --url, and for prune,',
    'checkpoint and generate, the command works where the database and the signing key are (an operator task on this machine).',
  ],
  subcommands: [verify, prune, checkpoint, generate],
});
