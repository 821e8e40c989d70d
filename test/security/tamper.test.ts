import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCheckpoint } from '../../src/audit/checkpoint.js';
import { batchHashInput, canonicalRow, rowDigestHexLength } from '../../src/audit/record.js';
import { recordsFromBatch } from '../../src/audit/stored-row.js';
import { verifyAccessLog } from '../../src/audit/verify.js';
import { AccessLogWriter } from '../../src/audit/writer.js';
import { manualClock } from '../../src/clock.js';
import type { Db } from '../../src/db/database.js';
import { createNodeAuditCrypto } from '../../src/entry/node-audit-crypto.js';
import { silentLogger } from '../../src/logger.js';
import { sampleRecord } from '../audit/fixtures.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';

// The strongest tamperer short of holding the audit key: a database superuser who read Vigie's code. The
// chain's hashes are plain SHA-256 (anyone can recompute them); only the checkpoints are keyed (HMAC). The
// single-change cases (edit, delete, insert, reorder, a batch removed, the tail truncated) are in
// test/audit/tamper.test.ts; this file shows the whole-chain rewrite and what stops it.
const crypto = createNodeAuditCrypto('audit-key-for-tests-at-least-32-characters');
const tables = ['access_exposure', 'audit_batch', 'audit_checkpoint'];

async function asSuperuser(db: Db, work: (trx: Db) => Promise<void>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const table of tables) await sql.raw(`alter table ${table} disable trigger user`).execute(trx);
    await work(trx as unknown as Db);
    for (const table of tables) await sql.raw(`alter table ${table} enable trigger user`).execute(trx);
  });
}

/** Changes one record's receiver, then recomputes its batch's digests and every hash after it, and the copy. */
async function rewriteChain(db: Db, seq: number, principal: string): Promise<void> {
  await asSuperuser(db, async (trx) => {
    const batches = await trx.selectFrom('audit_batch').selectAll().orderBy('seq').execute();
    let prevHash: string | undefined;
    for (const batch of batches) {
      const n = Number(batch.seq);
      let { records, row_digests: rowDigests } = batch;
      if (n === seq) {
        const parsed = recordsFromBatch(records)!.map((record) => record!);
        parsed[0] = { ...parsed[0]!, principal };
        const rows = parsed.map((record) => canonicalRow(record));
        records = `[${rows.join(',')}]`;
        rowDigests = rows.map((row) => (crypto.sha256Hex(row) as string).slice(0, rowDigestHexLength)).join('');
        await sql`update access_exposure set principal = ${principal} where seq = ${String(n)} and pos = 0`.execute(trx);
      }
      if (n >= seq) {
        const hash = crypto.sha256Hex(batchHashInput({ stream: batch.stream, seq: n, at: new Date(batch.at), prevHash: prevHash ?? batch.prev_hash, rowDigests })) as string;
        await sql`update audit_batch set records = ${records}, row_digests = ${rowDigests}, prev_hash = ${prevHash ?? batch.prev_hash}, hash = ${hash} where stream = ${batch.stream} and seq = ${String(n)}`.execute(trx);
        prevHash = hash;
      } else prevHash = batch.hash;
    }
  });
}

describe.each(engines())('a superuser who rewrites the whole chain (%s)', (engine) => {
  let test: TestDatabase;
  const clock = manualClock('2026-11-20T10:00:00Z');

  beforeAll(async () => {
    test = await openTestDatabase(engine);
    const writer = new AccessLogWriter({ db: test.db, crypto, clock, logger: silentLogger, mode: 'strict', timeoutMs: 5000, maxBatch: 4 });
    for (let batch = 0; batch < 6; batch++) await Promise.all(Array.from({ length: 4 }, () => writer.append(sampleRecord({ at: clock.now() }))));
    await writer.close();
    await writeCheckpoint(test.db, crypto, clock);
    await rewriteChain(test.db, 2, 'someone-innocent');
  }, 120_000);
  afterAll(() => test.close());

  const kinds = async () => (await verifyAccessLog(test.db, crypto)).issues.map((issue) => issue.kind);

  // One database, in stages: each test builds on the previous one's tampering (they run in order).
  it('is caught by the signed checkpoint taken before it (checkpoint-mismatch)', async () => {
    expect(await kinds()).toEqual(['checkpoint-mismatch']);
  });

  it('cannot re-sign the checkpoint without the key: a guessed key is refused (checkpoint-signature)', async () => {
    const head = await test.db.selectFrom('audit_batch').select(['stream', 'seq', 'hash']).orderBy('seq', 'desc').executeTakeFirstOrThrow();
    const forger = createNodeAuditCrypto('a-guessed-key-that-is-not-the-audit-key!');
    await asSuperuser(test.db, async (trx) => {
      const row = await trx.selectFrom('audit_checkpoint').selectAll().orderBy('at', 'desc').executeTakeFirstOrThrow();
      const body = JSON.stringify({ ...JSON.parse(row.body), heads: { [head.stream]: { seq: Number(head.seq), hash: head.hash } } });
      const signature = await forger.hmacHex('checkpoint', `${new Date(row.at).toISOString()}|${row.kind}|${body}`);
      await sql`update audit_checkpoint set body = ${body}, signature = ${signature} where id = ${row.id}`.execute(trx);
    });
    expect(await kinds()).toContain('checkpoint-signature');
  });

  it('deleting every checkpoint leaves a self-consistent chain: the rewrite goes unseen by the chain alone', async () => {
    await asSuperuser(test.db, (trx) => sql`delete from audit_checkpoint`.execute(trx).then(() => undefined));
    expect(await verifyAccessLog(test.db, crypto)).toMatchObject({ ok: true, batches: 6 });
  });

  it('with the key, a fresh checkpoint over the rewrite passes: why the key must live off the database host', async () => {
    await writeCheckpoint(test.db, crypto, clock);
    expect(await verifyAccessLog(test.db, crypto)).toMatchObject({ ok: true });
  });
});
