import { createWebAuditCrypto } from '../../src/audit/audit-crypto.js';
import type { AccessRecord, CommittedRecord } from '../../src/audit/record.js';
import { AccessLogWriter } from '../../src/audit/writer.js';
import { systemClock } from '../../src/clock.js';
import type { Db } from '../../src/db/database.js';
import { silentLogger } from '../../src/logger.js';

let counter = 0;

/** An access record with defaults: `who` received a response carrying `subjects`' data. */
export function access(at: string | Date, who: string | null, subjects: string[], extra: Partial<AccessRecord> = {}): AccessRecord {
  return {
    at: new Date(at),
    requestId: `req-${++counter}`,
    traceId: null,
    principal: who,
    principalKind: who ? 'user' : 'anonymous',
    sessionHmac: who ? null : 'session-1',
    producedFor: who,
    subjects,
    categories: ['identity'],
    method: 'GET',
    route: '/espace/declarations',
    status: 200,
    cacheStatus: null,
    clientHmac: null,
    ...extra,
  };
}

/** The real access-log writer (strict mode: each append resolves once committed). */
export function openWriter(db: Db, onBatchCommitted?: (records: CommittedRecord[]) => void | Promise<void>) {
  return new AccessLogWriter({
    db,
    crypto: createWebAuditCrypto('test-audit-key-test-audit-key-0123'),
    clock: systemClock,
    logger: silentLogger,
    mode: 'strict',
    timeoutMs: 5_000,
    maxBatch: 500,
    ...(onBatchCommitted ? { onBatchCommitted } : {}),
  });
}

export async function writeRecords(db: Db, records: AccessRecord[]): Promise<void> {
  const writer = openWriter(db);
  await Promise.all(records.map((record) => writer.append(record)));
  await writer.close();
}
