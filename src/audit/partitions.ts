import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/**
 * The access log's daily partitions (docs/access-log.md, "Partitions"): `audit_batch` by its commit time,
 * `access_exposure` by its records' time, one partition per UTC day, named `<table>_YYYYMMDD`. They are made
 * ahead of time (`keepPartitionsAhead`), and on demand by the writer for a day that has none (an injected clock,
 * an import of old traffic); retention detaches and drops whole days.
 */
export const partitionedTables = ['audit_batch', 'access_exposure'] as const;
export type PartitionedTable = (typeof partitionedTables)[number];

const dayMs = 86_400_000;

/** The UTC day of an instant, as YYYY-MM-DD. */
export const dayOf = (at: Date) => at.toISOString().slice(0, 10);

/** Makes the missing partitions of these days; returns how many were made. */
export async function ensurePartitions(db: Db, table: PartitionedTable, days: Iterable<string>): Promise<number> {
  const list = [...new Set(days)];
  if (list.length === 0) return 0;
  const { rows } = await sql<{ made: number }>`
    select count(*) filter (where made)::int as made from (select vigie_audit_partition(${table}, d::date) as made from unnest(${list}::text[]) d) x`.execute(db);
  return rows[0]?.made ?? 0;
}

/** Today's partitions and those of the next `days` days, for both tables. */
export async function ensurePartitionsAhead(db: Db, now: Date, days = 7): Promise<number> {
  const wanted = Array.from({ length: days + 1 }, (_, i) => dayOf(new Date(now.getTime() + i * dayMs)));
  let made = 0;
  for (const table of partitionedTables) made += await ensurePartitions(db, table, wanted);
  return made;
}

/** Keeps a week of partitions ahead while the server runs (and at once); returns the function that stops it. */
export function keepPartitionsAhead(db: Db, now: () => Date, onError: () => void, everyMs = 3_600_000): () => void {
  const run = () => void ensurePartitionsAhead(db, now()).catch(onError);
  run();
  const timer = setInterval(run, everyMs);
  (timer as { unref?: () => void }).unref?.();
  return () => clearInterval(timer);
}

export interface Partition {
  table: PartitionedTable;
  name: string;
  /** Its UTC day, YYYY-MM-DD. */
  day: string;
}

/** The partitions a table has, oldest first. */
export async function listPartitions(db: Db, table: PartitionedTable): Promise<Partition[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = to_regclass(${table})`.execute(db);
  const partitions: Partition[] = [];
  for (const { name } of rows) {
    const match = /_(\d{4})(\d{2})(\d{2})$/.exec(name);
    if (match) partitions.push({ table, name, day: `${match[1]}-${match[2]}-${match[3]}` });
  }
  return partitions.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

/**
 * Detaches and drops every partition of both tables whose day ends at or before `cut` (a UTC midnight), in one
 * transaction: no row is deleted, so the cost does not grow with the records removed. Detaching takes a lock
 * that waits for running reads of the table and holds new ones behind it; `lockTimeoutMs` bounds that wait (the
 * writer's commits must not queue behind a long report), and the call fails rather than stall the log.
 */
export async function dropPartitionsBefore(db: Db, cut: Date, lockTimeoutMs = 2_000): Promise<Partition[]> {
  const last = dayOf(new Date(cut.getTime() - dayMs));
  const doomed: Partition[] = [];
  for (const table of partitionedTables) doomed.push(...(await listPartitions(db, table)).filter((p) => p.day <= last));
  if (doomed.length === 0) return [];
  await db.transaction().execute(async (trx) => {
    await sql`select set_config('lock_timeout', ${`${lockTimeoutMs}ms`}, true)`.execute(trx);
    for (const p of doomed) {
      await sql`alter table ${sql.table(p.table)} detach partition ${sql.table(p.name)}`.execute(trx);
      await sql`drop table ${sql.table(p.name)}`.execute(trx);
    }
  });
  return doomed;
}
