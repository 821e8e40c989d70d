import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { illegitimateIn, type ChunkSources } from './report-query.js';
import { prepareSources } from './verdicts.js';
import type { ExposureWindow } from './window.js';

/** Per minute of a window: responses that carried personal data, and those that showed someone else's data. */
export interface MinuteSeries {
  /** Start of each minute (epoch ms), every minute of the window, in order. */
  minutes: number[];
  personal: number[];
  /** Responses with an illegitimate access (the exposure report's definition): not entitled, anonymous, mix-up. */
  others: number[];
}

/** Most minutes a chart shows (a week); a longer window is refused by the caller's validation. */
export const maxSeriesMinutes = 7 * 24 * 60;

/**
 * The exposure chart's data (console, issue 18), a service function of its own so that it can be tuned with
 * the log's storage: personal-data responses are counted from the batches whose records fall in the window
 * (by their first/last record times, and committed from the window's start on: a batch is never before its
 * records, so the partitions of the days before the window are not read at all, docs/access-log.md);
 * illegitimate ones as the report finds them (kept verdicts, and what they cannot cover checked now), in one
 * repeatable-read transaction.
 */
export async function exposureMinuteSeries(db: Db, window: Pick<ExposureWindow, 'from' | 'to'>, options: { broadRoles: string[] }): Promise<MinuteSeries> {
  const start = Math.floor(window.from.getTime() / 60_000) * 60_000;
  const count = Math.ceil((window.to.getTime() - start) / 60_000);
  if (count > maxSeriesMinutes) throw new Error(`exposureMinuteSeries: ${count} minutes is more than ${maxSeriesMinutes}`);
  const from = window.from.toISOString();
  const to = window.to.toISOString();
  const { batches, others } = await db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
    await sql`select set_config('jit', 'off', true)`.execute(trx);
    // The records are parsed here, not cast to jsonb in SQL: PostgreSQL's jsonb parse of a 3 h 30 window's
    // batches (50,000 records, 8 MB, on 10 M) took a second; JSON.parse takes a tenth of that (bench console).
    const { rows: batches } = await sql<{ records: string }>`
      select records from audit_batch b
      where b.at >= ${from}::timestamptz and b.last_record_at >= ${from}::timestamptz and b.first_record_at < ${to}::timestamptz`.execute(trx);
    const prepared = await prepareSources(trx, window.from, options.broadRoles);
    const sources: ChunkSources | undefined = prepared.counts.streams > 0 ? prepared.sources : undefined;
    const otherRows = await sql<{ minute: number; n: number }>`
      select (extract(epoch from date_trunc('minute', bad.at)) * 1000)::float8 as minute, count(distinct bad.request_id)::int as n
      from (${illegitimateIn(window.from, window.to, options.broadRoles, sources)}) as bad
      group by 1`.execute(trx);
    return { batches, others: otherRows.rows };
  });
  const series: MinuteSeries = { minutes: [], personal: new Array(count).fill(0), others: new Array(count).fill(0) };
  for (let i = 0; i < count; i++) series.minutes.push(start + i * 60_000);
  const place = (rows: { minute: number; n: number }[], into: number[]) => {
    for (const row of rows) {
      const index = Math.round((Number(row.minute) - start) / 60_000);
      if (index >= 0 && index < count) into[index] = Number(row.n);
    }
  };
  const fromMs = window.from.getTime();
  const toMs = window.to.getTime();
  for (const batch of batches) {
    // Canonical rows (src/audit/record.ts): [version, at, …, subjects at 8, …]. A row that does not read (changed
    // behind Vigie's back) is not counted; verify and the log's reader name it.
    let rows: unknown;
    try {
      rows = JSON.parse(batch.records);
    } catch {
      continue;
    }
    if (!Array.isArray(rows)) continue;
    for (const row of rows as unknown[][]) {
      if (!Array.isArray(row) || typeof row[1] !== 'string' || !Array.isArray(row[8]) || row[8].length === 0) continue;
      const at = Date.parse(row[1]);
      if (at >= fromMs && at < toMs) series.personal[Math.floor((at - start) / 60_000)]!++;
    }
  }
  place(others, series.others);
  return series;
}
