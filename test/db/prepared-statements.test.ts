import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAccessLog } from '../../src/audit/read-log.js';
import { AccessLogWriter } from '../../src/audit/writer.js';
import { systemClock } from '../../src/clock.js';
import type { Db } from '../../src/db/database.js';
import { createNodeAuditCrypto } from '../../src/entry/node-audit-crypto.js';
import { openDatabase } from '../../src/entry/open-database.js';
import { silentLogger } from '../../src/logger.js';
import { openTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/databases.js';
import { sampleRecord } from '../audit/fixtures.js';

// Named prepared statements are a PostgreSQL wire-protocol feature; the embedded engine has no use for them.
if (!testDatabaseUrl) console.warn('prepared-statement tests skipped: they need PostgreSQL (TEST_DATABASE_URL)');

describe.skipIf(!testDatabaseUrl)('the access-log writer on a connection that prepares its statements (PostgreSQL)', () => {
  let t: TestDatabase;
  let own: Db;
  beforeAll(async () => {
    t = await openTestDatabase('postgresql');
    ({ db: own } = await openDatabase({ databaseUrl: testDatabaseUrl, databasePoolSize: 1, dataDir: '' }, { schema: t.schema!, prepareStatements: true }));
  }, 120_000);
  afterAll(async () => {
    await own.destroy();
    await t.close();
  });

  it('parses the batch insert once and writes every batch', async () => {
    const writer = new AccessLogWriter({ db: own, crypto: createNodeAuditCrypto('k'.repeat(32)), clock: systemClock, logger: silentLogger, mode: 'strict', timeoutMs: 5_000, maxBatch: 10 });
    const at = new Date();
    for (let i = 0; i < 4; i++) await writer.append(sampleRecord({ at: new Date(at.getTime() + i), principal: 'u1', producedFor: 'u1', subjects: ['u1'] }));
    await writer.close();
    // The connection's own view: the insert in its later-batch shape, prepared once, and run by name since.
    const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements where statement like 'insert into audit_batch%'`.execute(own);
    expect(rows).toHaveLength(1);
    const read = await readAccessLog(t.db, { from: new Date(at.getTime() - 1000), to: new Date(at.getTime() + 1000), limit: 100 });
    expect(read.records.map((r) => r.principal)).toEqual(['u1', 'u1', 'u1', 'u1']);
  });
});
