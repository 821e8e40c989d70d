import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/**
 * Checked verdicts (docs/exposure.md, "Checked records"). Live detection checks every committed batch;
 * what it finds is kept (exposure_alert_access, with each record's place in the log) and each stream's
 * mark says up to which batch every record has been checked, with which broad-access roles, and the
 * oldest snapshot those checks used. A report then reads the kept verdicts and checks again only:
 *   - records past their stream's mark (not checked yet: the last milliseconds, a crash, a bulk import);
 *   - records of principals whose relations or roles were written by a transaction the checks may not
 *     have seen (transaction ids at or after the oldest snapshot's xmin: a superset, never a miss).
 */
export interface MarkAdvance {
  stream: string;
  /** The batches just checked, first..last (the mark moves only if it stood at first - 1). */
  first: number;
  last: number;
  broadRoles: string[];
  /** xmin of the check's snapshot (null: the check read no relation; the current one is older than any later check's). */
  xmin: string | null;
}

/** Roles in one canonical order, so that the mark compares equal whatever the configuration's order. */
export const canonicalRoles = (roles: string[]) => [...new Set(roles)].sort();

/**
 * Moves the stream's mark over the batches just checked, only when they follow it (or start the stream):
 * a batch that failed its check leaves a gap that holds the mark until `checkPending` fills it.
 */
export async function advanceMark(db: Db, mark: MarkAdvance, now: Date): Promise<void> {
  const roles = canonicalRoles(mark.broadRoles);
  const xmin = mark.xmin === null ? sql`pg_snapshot_xmin(pg_current_snapshot())` : sql`${mark.xmin}::xid8`;
  if (mark.first === 1) {
    await sql`
      insert into exposure_check_mark (stream, seq, broad_roles, first_xmin, updated_at)
      values (${mark.stream}, ${mark.last}, ${roles}::text[], ${xmin}, ${now.toISOString()}::timestamptz)
      on conflict (stream) do nothing`.execute(db);
    return;
  }
  await sql`
    update exposure_check_mark set seq = ${mark.last}, updated_at = ${now.toISOString()}::timestamptz,
      first_xmin = least(first_xmin, ${xmin})
    where stream = ${mark.stream} and seq = ${mark.first - 1} and broad_roles = ${roles}::text[]`.execute(db);
}

/**
 * For a report over a window starting at `from`, in its (repeatable-read) transaction: which checked
 * streams it can trust (pg_temp.vigie_marks), which batches are past their mark (vigie_unchecked) and which
 * principals must be checked again (vigie_dirty). Temporary tables, dropped at commit.
 */
export async function prepareSources(trx: Db, from: Date, broadRoles: string[]) {
  const since = from.toISOString();
  await sql`
    create temp table vigie_marks on commit drop as
    select m.stream, m.seq, m.first_xmin,
      (select b.at from audit_batch b where b.stream = m.stream and b.seq = m.seq) as last_at
    from exposure_check_mark m where m.broad_roles = ${canonicalRoles(broadRoles)}::text[]`.execute(trx);
  // A record is in a batch formed after it: batches from the window's start on hold all of its records.
  // Per stream, past its mark (the primary key's range): a checked stream costs its few unchecked batches,
  // not a scan of every batch since the window, however old the window.
  await sql`
    create temp table vigie_unchecked on commit drop as
    select b.stream, b.seq from audit_stream s
    left join pg_temp.vigie_marks m on m.stream = s.id
    join audit_batch b on b.stream = s.id and b.seq > coalesce(m.seq, 0)
    where b.at >= ${since}::timestamptz`.execute(trx);
  // Streams checked over the window: the oldest snapshot among their checks bounds what they saw.
  await sql`
    create temp table vigie_dirty on commit drop as
    with oldest as (select min(first_xmin) as xmin from pg_temp.vigie_marks where last_at >= ${since}::timestamptz)
    select principal from exposure_relation where changed_xid >= (select xmin from oldest)
    union
    select principal from exposure_principal_role where changed_xid >= (select xmin from oldest)`.execute(trx);
  await sql`analyze pg_temp.vigie_marks, pg_temp.vigie_unchecked, pg_temp.vigie_dirty`.execute(trx);
  const { rows } = await sql<{ kept: string; unchecked: string; dirty: string }>`
    select (select count(*) from pg_temp.vigie_marks where last_at >= ${since}::timestamptz) as kept,
      (select count(*) from pg_temp.vigie_unchecked) as unchecked, (select count(*) from pg_temp.vigie_dirty) as dirty`.execute(trx);
  const counts = { streams: Number(rows[0]!.kept), uncheckedBatches: Number(rows[0]!.unchecked), principalsRechecked: Number(rows[0]!.dirty) };
  return {
    counts,
    sources: { unchecked: counts.uncheckedBatches > 0, dirty: counts.principalsRechecked > 0 },
  };
}
