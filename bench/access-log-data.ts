import { sql } from 'kysely';
import type { AuditCrypto } from '../src/audit/audit-crypto.js';
import { generateAccessLog, type GenerateOptions } from '../src/audit/generate.js';
import type { Db } from '../src/db/database.js';
import { openDatabase } from '../src/entry/open-database.js';

export interface BulkLogOptions {
  databaseUrl: string;
  /** The schema the log is written into (already migrated). */
  schema: string;
  records: number;
  from: Date;
  days: number;
  /** Writers at once, each over its share of the days. */
  streams: number;
  /** Records per batch (live size: 100). */
  batch: number;
  incident?: GenerateOptions['incident'];
  log: (line: string) => void;
}

/**
 * A synthetic access log written through the real writer (batches, chain, digests, exposure copies), shared by
 * the scale and console benchmarks: one person in 20 records, case workers ('agent0'…'agent199') with a
 * broad-access role, a few responses replayed by a cache to someone else. Several writers at once on
 * connections with synchronous_commit off (an import, not live traffic: no wait for each batch's flush to
 * disk); then the tables are analysed, as they would be by autovacuum on a log that grew over a month.
 */
export async function writeBulkAccessLog(db: Db, crypto: AuditCrypto, options: BulkLogOptions): Promise<{ records: number; seconds: number }> {
  // Case workers read several people's files: a broad-access role, as a service would declare it.
  await sql`insert into exposure_principal_role (principal, role, valid_from, source, updated_at, updated_by)
    select 'agent' || i, 'agent', '2026-01-01T00:00:00Z', 'bench', now(), 'bench' from generate_series(0, 199) i`.execute(db);
  const url = new URL(options.databaseUrl);
  url.searchParams.set('options', `-c search_path=${options.schema} -c synchronous_commit=off`);
  const bulk = (await openDatabase({ databaseUrl: url.toString(), databasePoolSize: options.streams, dataDir: '' })).db;
  const started = performance.now();
  let lastLine = 0;
  const { streams, days, from } = options;
  try {
    const results = await Promise.all(
      Array.from({ length: streams }, (_, i) =>
        generateAccessLog(
          bulk,
          crypto,
          {
            rows: Math.round(options.records / streams),
            days: days / streams,
            from: new Date(from.getTime() + (i * days * 86_400_000) / streams),
            seed: 17 + i,
            users: Math.max(1000, Math.round(options.records / 20)),
            batch: options.batch,
            incident: options.incident,
          },
          (line) => {
            if (i > 0 || performance.now() - lastLine < 60_000) return;
            lastLine = performance.now();
            options.log(`  stream 1 of ${streams}: ${line}`);
          },
        ),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    await sql`vacuum analyze audit_batch`.execute(db);
    await sql`vacuum analyze access_exposure`.execute(db);
    return { records: results.reduce((sum, r) => sum + r.rows, 0), seconds };
  } finally {
    await bulk.destroy();
  }
}
