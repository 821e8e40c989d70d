import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { storeAccesses, type StoredAlert } from './alerts.js';
import type { IllegitimateAccess, Reason } from './entitlement-check.js';
import { illegitimateAccesses } from './report-query.js';
import { advanceMark, canonicalRoles } from './verdicts.js';

export interface PendingOptions {
  broadRoles: string[];
  burstGapSeconds: number;
  now: () => Date;
  /** Batches checked per statement (memory and progress; the result does not depend on it). */
  batchesPerStep?: number;
  onProgress?: (done: number, total: number) => void;
  /**
   * Only streams whose first unchecked batch is older than this; default: all. A crashed instance's stream
   * qualifies, and so does a running one whose live check failed (its mark holds until someone checks), while
   * a stream that live detection is keeping up with does not.
   */
  uncheckedForMs?: number;
  /** Told of each alert the check opens (webhooks), as live detection tells of its own. */
  onAlertOpened?: (alert: StoredAlert) => void | Promise<void>;
}

export interface PendingResult {
  streams: number;
  batches: number;
  illegitimate: number;
}

type Row = { at: Date; request_id: string; route: string; categories: string[]; subject: string; stream: string; seq: string; pos: number; principal: string | null; receiver: string; reason: Reason };

/**
 * Checks every batch live detection has not (detection off or failed, a crash between commit and check, a
 * bulk import), with the report's own query, keeps the verdicts and moves the marks: afterwards reports
 * read those verdicts instead of checking again. Illegitimate accesses found go to alerts, as live.
 * `vigie exposure check`.
 */
export async function checkPending(db: Db, options: PendingOptions): Promise<PendingResult> {
  const roles = canonicalRoles(options.broadRoles);
  const step = Math.max(1, options.batchesPerStep ?? 2000);
  // Streams with a mark under other roles are left alone: reports check those records themselves.
  // The first unchecked batch must exist and be old enough: its commit time, found through the primary key.
  const old =
    options.uncheckedForMs === undefined
      ? sql``
      : sql`and exists (select 1 from audit_batch f where f.stream = s.id and f.seq = coalesce(m.seq, 0) + 1
          and f.at < ${new Date(options.now().getTime() - options.uncheckedForMs).toISOString()}::timestamptz)`;
  // Each stream's last batch through the primary key: no scan of the whole batch table (serve runs this every minute).
  const { rows: streams } = await sql<{ stream: string; from_seq: string; to_seq: string }>`
    select s.id as stream, coalesce(m.seq, 0) + 1 as from_seq, last.seq as to_seq
    from audit_stream s
    left join exposure_check_mark m on m.stream = s.id
    cross join lateral (select b.seq, b.at from audit_batch b where b.stream = s.id order by b.seq desc limit 1) last
    where (m.stream is null or (m.broad_roles = ${roles}::text[] and last.seq > m.seq)) ${old}
    order by s.id`.execute(db);
  const total = streams.reduce((sum, s) => sum + Number(s.to_seq) - Number(s.from_seq) + 1, 0);
  const result: PendingResult = { streams: streams.length, batches: 0, illegitimate: 0 };
  options.onProgress?.(0, total);
  for (const stream of streams) {
    for (let first = Number(stream.from_seq); first <= Number(stream.to_seq); first += step) {
      const last = Math.min(first + step - 1, Number(stream.to_seq));
      const { found, xmin } = await checkBatches(db, stream.stream, first, last, roles);
      const mark = { stream: stream.stream, first, last, broadRoles: roles, xmin };
      if (found.length > 0) {
        for (const alert of await storeAccesses(db, found, options.burstGapSeconds, options.now(), mark)) {
          if (alert.opened) await options.onAlertOpened?.(alert);
        }
      } else await advanceMark(db, mark, options.now());
      result.batches += last - first + 1;
      result.illegitimate += found.length;
      options.onProgress?.(result.batches, total);
    }
  }
  return result;
}

async function checkBatches(db: Db, stream: string, first: number, last: number, roles: string[]) {
  return db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
    await sql`select set_config('jit', 'off', true), set_config('work_mem', '64MB', true)`.execute(trx);
    // The transaction's one snapshot: what the check below saw.
    const { rows: snap } = await sql<{ xmin: string }>`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`.execute(trx);
    const scope = sql`w.stream = ${stream} and w.seq >= ${first} and w.seq <= ${last}`;
    const { rows } = await sql<Row>`${illegitimateAccesses(scope, roles)}`.execute(trx);
    const found: IllegitimateAccess[] = rows.map((row) => ({
      at: new Date(row.at),
      requestId: row.request_id,
      receiver: row.receiver,
      subject: row.subject,
      reason: row.reason,
      route: row.route,
      categories: row.categories,
      stream: row.stream,
      seq: Number(row.seq),
      pos: row.pos,
      principal: row.principal,
    }));
    return { found, xmin: snap[0]!.xmin };
  });
}
