import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebAuditCrypto } from '../../src/audit/audit-crypto.js';
import { AccessLogWriter } from '../../src/audit/writer.js';
import { verifyAccessLog } from '../../src/audit/verify.js';
import { systemClock } from '../../src/clock.js';
import type { Db } from '../../src/db/database.js';
import type { Notifications } from '../../src/db/notifications.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/entry/open-database.js';
import { createPgNotifications } from '../../src/entry/pg-notifications.js';
import { createDetector } from '../../src/exposure/detector.js';
import { followAnnouncedBatches, parseBatchAnnouncement } from '../../src/exposure/follow-edge.js';
import { silentLogger } from '../../src/logger.js';
import { engines, openTestDatabase, testDatabaseUrl } from '../helpers/databases.js';
import { testConfig } from '../helpers/test-app.js';
import { access } from './log.js';

const key = 'test-audit-key-test-audit-key-0123';

/** A database and LISTEN on it: PGlite's own, or a dedicated connection to the test PostgreSQL. */
async function open(engine: 'embedded' | 'postgresql'): Promise<{ db: Db; notifications: Notifications; close(): Promise<void> }> {
  if (engine === 'embedded') {
    const opened = await openDatabase({ databaseUrl: undefined, databasePoolSize: 1, dataDir: '' }, { inMemory: true });
    await migrateToLatest(opened.db);
    return { db: opened.db, notifications: opened.notifications, close: () => opened.db.destroy() };
  }
  const test = await openTestDatabase('postgresql');
  const notifications = createPgNotifications({ connectionString: testDatabaseUrl!, logger: silentLogger });
  return {
    db: test.db,
    notifications,
    async close() {
      await notifications.close();
      await test.close();
    },
  };
}

/** What an edge writer announces reaches a Node detector: the path `vigie serve` takes for Workers' batches. */
describe.each(engines())('live detection of announced batches (edge writers) on %s', (engine) => {
  let database: Awaited<ReturnType<typeof open>>;
  let stop: () => Promise<void>;
  const alerts: number[] = [];
  beforeAll(async () => {
    database = await open(engine);
    const detector = createDetector({ db: database.db, clock: systemClock, logger: silentLogger, settings: testConfig().exposure, onAlert: () => alerts.push(performance.now()) });
    stop = await followAnnouncedBatches({ db: database.db, notifications: database.notifications, logger: silentLogger, onBatchCommitted: detector.onBatchCommitted });
  }, 180_000);
  afterAll(async () => {
    await stop();
    await database.close();
  });

  // As the Workers entry builds it: WebCrypto, announcing each batch in its statement.
  const edgeWriter = (db: Db) =>
    new AccessLogWriter({ db, crypto: createWebAuditCrypto(key), clock: systemClock, logger: silentLogger, mode: 'strict', timeoutMs: 5000, maxBatch: 100, notifyBatches: true });

  it('checks each announced batch: a clean one moves its stream mark, a leak opens an alert within a second', async () => {
    const writer = edgeWriter(database.db);
    try {
      await writer.record(access(new Date(), 'E1', ['E1']));
      const stream = writer.stats().stream;
      const marked = async () => (await database.db.selectFrom('exposure_check_mark').select('seq').where('stream', '=', stream).executeTakeFirst())?.seq;
      for (let i = 0; i < 200 && (await marked()) === undefined; i++) await new Promise((r) => setTimeout(r, 10));
      expect(Number(await marked())).toBe(1);

      const before = alerts.length;
      await writer.record(access(new Date(), 'E2', ['E3'], { producedFor: 'E3' })); // a page built for E3, served to E2
      const committed = performance.now();
      while (alerts.length === before && performance.now() - committed < 3000) await new Promise((r) => setTimeout(r, 5));
      expect(alerts.length).toBeGreaterThan(before);
      expect(alerts[before]! - committed).toBeLessThan(1000);
      expect(Number(await marked())).toBe(2);
      // The announcing statement stores the same batch as Node's: the chain verifies.
      expect((await verifyAccessLog(database.db, createWebAuditCrypto(key))).issues).toEqual([]);
    } finally {
      await writer.close();
    }
  });

  it('ignores announcements that are not a batch of this database', () => {
    expect(parseBatchAnnouncement('s 1 2026-12-04T08:00:00.000Z')).toEqual({ stream: 's', seq: 1, at: new Date('2026-12-04T08:00:00.000Z') });
    expect(parseBatchAnnouncement('s x 2026-12-04T08:00:00.000Z')).toBeUndefined();
    expect(parseBatchAnnouncement('s 1 yesterday')).toBeUndefined();
    expect(parseBatchAnnouncement('')).toBeUndefined();
  });
});
