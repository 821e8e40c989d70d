/**
 * The service the access-log benchmark loads: a personal-data route that reads one row from PostgreSQL by
 * key, as a real service would, with the access-log middleware in mode none | strict | async, or
 * strict-unidentified: strict, without the end-user token settings, so that no receiver is identified and
 * every response is an exposure the report must read (copied to access_exposure).
 * Run by bench/audit.ts as a child process: `node --import tsx bench/audit-service.ts <mode> <port> <url> <schema>`.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { createAccessLog } from '../src/audit/access-log.js';
import { accessLogMiddleware, declarePersonalData } from '../src/audit/access-log-middleware.js';
import { AccessLogWriter } from '../src/audit/writer.js';
import { systemClock } from '../src/clock.js';
import { parseConfig } from '../src/config.js';
import { createDb } from '../src/db/create-db.js';
import { prepareStatements } from '../src/entry/prepared-statements.js';
import { releasePerTurn } from '../src/entry/release-per-turn.js';
import { createNodeAuditCrypto } from '../src/entry/node-audit-crypto.js';
import { createLogger } from '../src/logger.js';
import { createDetector } from '../src/exposure/detector.js';
import { benchPrincipalSecret } from './audit-tokens.js';

const [mode = 'none', port = '0', url = '', schema = 'public'] = process.argv.slice(2);
const pool = (max: number) => new pg.Pool({ connectionString: url, max, options: `-c search_path=${schema}` });
const db = createDb(new PostgresDialect({ pool: pool(10) }), 'postgresql');
const app = new Hono();
if (mode !== 'none') {
  const crypto = createNodeAuditCrypto('bench-audit-key-of-at-least-32-characters');
  // As the Node entry opens it (entry/node-audit.ts): a connection of its own that prepares its statements.
  const writerPool = pool(1);
  prepareStatements(writerPool);
  const identified = mode !== 'strict-unidentified';
  // Clients send a bearer token for the person they read (bench/audit.ts): their own data, as most traffic is.
  const config = parseConfig({ VIGIE_AUDIT_MODE: identified ? mode : 'strict', ...(identified ? { VIGIE_PRINCIPAL_SECRET: benchPrincipalSecret } : {}) });
  // Live detection on, as in production (issue 17): each round checks the batches committed since the last.
  const detector = createDetector({ db, clock: systemClock, logger: createLogger('warn'), settings: config.exposure });
  const writer = new AccessLogWriter({
    db: createDb(new PostgresDialect({ pool: writerPool }), 'postgresql'),
    crypto,
    clock: systemClock,
    logger: createLogger('warn'),
    mode: config.audit.mode,
    timeoutMs: config.audit.timeoutMs,
    maxBatch: config.audit.maxBatch,
    asyncFlushMs: config.audit.asyncFlushMs,
    asyncRelease: releasePerTurn(),
    onBatchCommitted: detector.onBatchCommitted,
  });
  app.use('*', accessLogMiddleware({ accessLog: createAccessLog(config, writer, crypto), clock: systemClock }));
}
app.get('/people/:id', async (c) => {
  const id = c.req.param('id');
  const { rows } = await sql<{ id: string; name: string; email: string }>`select id, name, email from bench_person where id = ${id}`.execute(db);
  const person = rows[0];
  if (!person) return c.json({ error: 'not found' }, 404);
  declarePersonalData(c, { subjects: [person.id], categories: ['identity', 'contact'] });
  return c.json(person);
});
serve({ fetch: app.fetch, port: Number(port), hostname: '127.0.0.1' }, () => console.log('ready'));
process.on('SIGTERM', () => process.exit(0));
