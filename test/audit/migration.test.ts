import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchHashInput, canonicalRow, genesisHashInput, rowDigestHexLength, showsOthersData, type AccessRecord } from '../../src/audit/record.js';
import { verifyAccessLog } from '../../src/audit/verify.js';
import { migrateTo, migrateToLatest } from '../../src/db/migrate.js';
import { createNodeAuditCrypto } from '../../src/entry/node-audit-crypto.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { sampleRecord } from './fixtures.js';

const crypto = createNodeAuditCrypto('audit-key-for-tests-at-least-32-characters');

/**
 * 20261203030000_access_log_in_batches moves a log written one row per record into its batches. What was
 * there must read the same afterwards, verify as before (a row changed before the move is still found),
 * and the exposure copies must be those the writer would have made.
 */
describe.each(engines())('the move of records into their batches on %s', (engine) => {
  let test: TestDatabase;
  beforeEach(async () => {
    test = await openTestDatabase(engine, { migrate: false });
    await migrateTo(test.db, '20261202210000_access_log_batch_index');
  });
  afterEach(() => test.close());

  /** Two chained batches as the writer wrote them before the move, one row per record. */
  async function writeOldLog(): Promise<AccessRecord[][]> {
    const own = (id: string) => sampleRecord({ principal: id, producedFor: null, subjects: [id] });
    const batches = [
      [own('p-1'), sampleRecord(), own('p-2'), sampleRecord({ subjects: [] }), sampleRecord({ principal: null, principalKind: 'anonymous', sessionHmac: 'ab', route: "/a'b\"c,{d}" })],
      [sampleRecord({ at: new Date('2026-10-25T01:30:00Z') }), own('p-3')],
    ];
    const stream = 'old-stream';
    const startedAt = new Date('2026-11-23T11:00:00Z');
    let prevHash = await crypto.sha256Hex(genesisHashInput(stream, startedAt));
    await sql`insert into audit_stream (id, started_at, genesis_hash) values (${stream}, ${startedAt.toISOString()}, ${prevHash})`.execute(test.db);
    for (const [i, records] of batches.entries()) {
      const seq = i + 1;
      const at = new Date(Date.UTC(2026, 10, 23, 12, 0, seq));
      const digests = await Promise.all(records.map((r) => crypto.sha256Hex(canonicalRow(r))));
      const rowDigests = digests.map((d) => d.slice(0, rowDigestHexLength)).join('');
      const hash = await crypto.sha256Hex(batchHashInput({ stream, seq, at, prevHash, rowDigests }));
      await sql`insert into audit_batch (stream, seq, at, row_count, row_digests, prev_hash, hash)
        values (${stream}, ${seq}, ${at.toISOString()}, ${records.length}, ${rowDigests}, ${prevHash}, ${hash})`.execute(test.db);
      for (const [pos, r] of records.entries()) {
        await sql`insert into access_log (at, stream, seq, pos, request_id, trace_id, principal, principal_kind, session_hmac, produced_for,
            subjects, categories, method, route, status, cache_status, client_hmac)
          values (${r.at.toISOString()}, ${stream}, ${seq}, ${pos}, ${r.requestId}, ${r.traceId}, ${r.principal}, ${r.principalKind}, ${r.sessionHmac},
            ${r.producedFor}, ${r.subjects}, ${r.categories}, ${r.method}, ${r.route}, ${r.status}, ${r.cacheStatus}, ${r.clientHmac})`.execute(test.db);
      }
      prevHash = hash;
    }
    return batches;
  }

  const readAll = () => sql<Record<string, unknown>>`select * from access_log order by seq, pos`.execute(test.db).then((r) => r.rows.map((row) => ({ ...row, at: new Date(row.at as string).toISOString(), seq: String(row.seq) })));

  it('keeps every record as it read, the chain verifying, and copies exactly the exposures', async () => {
    const batches = await writeOldLog();
    const before = await readAll();
    await migrateToLatest(test.db);
    expect(await readAll()).toEqual(before);
    expect(await verifyAccessLog(test.db, crypto)).toMatchObject({ ok: true, batches: 2, rows: 7 });
    const copies = await sql<{ request_id: string }>`select request_id from access_exposure order by seq, pos`.execute(test.db);
    const exposures = batches.flat().filter(showsOthersData).map((r) => r.requestId);
    expect(exposures).toHaveLength(3);
    expect(copies.rows.map((r) => r.request_id)).toEqual(exposures);
    const times = await sql<{ first: Date; last: Date }>`select first_record_at as first, last_record_at as last from audit_batch where seq = 2`.execute(test.db);
    expect(new Date(times.rows[0]!.first).toISOString()).toBe('2026-10-25T01:30:00.000Z');
  });

  it('a row changed or deleted before the move is still found after it', async () => {
    await writeOldLog();
    await sql`alter table access_log disable trigger user`.execute(test.db);
    await sql`update access_log set principal = 'mallory' where seq = 1 and pos = 2`.execute(test.db);
    await sql`delete from access_log where seq = 2`.execute(test.db);
    await sql`alter table access_log enable trigger user`.execute(test.db);
    await migrateToLatest(test.db);
    const report = await verifyAccessLog(test.db, crypto);
    expect(report.issues.map(({ kind, seq, pos }) => ({ kind, seq, pos }))).toEqual([
      { kind: 'row-edited', seq: 1, pos: 2 },
      { kind: 'row-deleted', seq: 2, pos: 0 },
      { kind: 'row-deleted', seq: 2, pos: 1 },
    ]);
  });
});
