import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { NotFoundError } from '../http/errors.js';
import type { IllegitimateAccess } from './entitlement-check.js';
import { advanceMark, type MarkAdvance } from './verdicts.js';
import { isoInZone } from '../time/zoned.js';

export interface StoredAlert {
  id: string;
  opened: boolean;
  accesses: number;
  firstAt: Date;
  lastAt: Date;
}

/** Accesses in time order, cut wherever no illegitimate access came for `gapSeconds`: one burst each. */
export function splitBursts(accesses: IllegitimateAccess[], gapSeconds: number): IllegitimateAccess[][] {
  const sorted = [...accesses].sort((a, b) => a.at.getTime() - b.at.getTime());
  const bursts: IllegitimateAccess[][] = [];
  let last = -Infinity;
  for (const access of sorted) {
    const ms = access.at.getTime();
    if (ms - last > gapSeconds * 1000 || bursts.length === 0) bursts.push([access]);
    else bursts.at(-1)!.push(access);
    last = ms;
  }
  return bursts;
}

/**
 * Adds accesses to the open alert of their burst, or opens one: a burst ends when no illegitimate access came
 * for `gapSeconds`. One call may hold several bursts (live detection checks every batch committed during its
 * previous round at once; a catch-up checks thousands): each is its own alert, in time order. The advisory lock
 * serialises concurrent writers (several instances), so that one burst is one alert. Returns the alerts touched.
 */
export async function storeAccesses(db: Db, accesses: IllegitimateAccess[], gapSeconds: number, now: Date, mark?: MarkAdvance): Promise<StoredAlert[]> {
  const bursts = splitBursts(accesses, gapSeconds);
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(7410452)`.execute(trx);
    const stored: StoredAlert[] = [];
    for (const burst of bursts) stored.push(await storeBurst(trx, burst, gapSeconds, now));
    // In the same transaction: a mark never moves over verdicts that were not kept.
    if (mark) await advanceMark(trx, mark, now);
    return stored;
  });
}

async function storeBurst(trx: Db, accesses: IllegitimateAccess[], gapSeconds: number, now: Date): Promise<StoredAlert> {
  const first = accesses[0]!.at;
  const last = accesses.at(-1)!.at;
  const open = await trx
    .selectFrom('exposure_alert')
    .select(['id', 'first_at', 'last_at', 'accesses'])
    .where('status', '=', 'open')
    .where('last_at', '>=', new Date(first.getTime() - gapSeconds * 1000))
    .orderBy('last_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  let id: string;
  let stored: StoredAlert;
  if (open) {
    const firstAt = new Date(Math.min(new Date(open.first_at).getTime(), first.getTime()));
    const lastAt = new Date(Math.max(new Date(open.last_at).getTime(), last.getTime()));
    await trx
      .updateTable('exposure_alert')
      .set({ first_at: firstAt, last_at: lastAt, accesses: sql`accesses + ${accesses.length}`, updated_at: now })
      .where('id', '=', open.id)
      .execute();
    id = String(open.id);
    stored = { id, opened: false, accesses: open.accesses + accesses.length, firstAt, lastAt };
  } else {
    const row = await trx
      .insertInto('exposure_alert')
      .values({ first_at: first, last_at: last, stored_at: now, updated_at: now, accesses: accesses.length, status: 'open' })
      .returning('id')
      .executeTakeFirstOrThrow();
    id = String(row.id);
    stored = { id, opened: true, accesses: accesses.length, firstAt: first, lastAt: last };
  }
  const inserted = await insertAccesses(trx, id, accesses);
  if (inserted < accesses.length) {
    // Records checked twice (a crash between storing and marking) keep their first verdict.
    await trx.updateTable('exposure_alert').set({ accesses: sql`accesses - ${accesses.length - inserted}` }).where('id', '=', id).execute();
    stored.accesses -= accesses.length - inserted;
  }
  return stored;
}

/** Column arrays through unnest: one statement whatever the count (a catch-up check may store thousands). */
async function insertAccesses(db: Db, alertId: string, accesses: IllegitimateAccess[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < accesses.length; i += 5000) {
    const part = accesses.slice(i, i + 5000);
    const col = <T>(pick: (a: IllegitimateAccess) => T) => part.map(pick);
    const result = await sql`
      insert into exposure_alert_access (alert_id, at, request_id, receiver, subject, reason, route, categories, stream, seq, pos, principal)
      select ${alertId}::bigint, t.at, t.request_id, t.receiver, t.subject, t.reason, t.route,
        array(select json_array_elements_text(t.categories)), t.stream, t.seq, t.pos, t.principal
      from unnest(${col((a) => a.at.toISOString())}::timestamptz[], ${col((a) => a.requestId)}::text[], ${col((a) => a.receiver)}::text[],
        ${col((a) => a.subject)}::text[], ${col((a) => a.reason)}::text[], ${col((a) => a.route)}::text[],
        ${col((a) => JSON.stringify(a.categories))}::json[], ${col((a) => a.stream)}::text[], ${col((a) => a.seq)}::bigint[],
        ${col((a) => a.pos)}::int[], ${col((a) => a.principal)}::text[])
        as t(at, request_id, receiver, subject, reason, route, categories, stream, seq, pos, principal)
      on conflict (stream, seq, pos, subject) where stream is not null do nothing`.execute(db);
    inserted += Number(result.numAffectedRows ?? 0);
  }
  return inserted;
}

export async function recordBreaker(db: Db, alertId: string, at: Date, scope: string): Promise<void> {
  await db.updateTable('exposure_alert').set({ breaker_at: at, breaker_scope: scope, updated_at: at }).where('id', '=', alertId).execute();
}

export interface AlertView {
  id: string;
  status: string;
  firstAt: string;
  lastAt: string;
  storedAt: string;
  accesses: number;
  peopleExposed: number;
  receivers: number;
  breaker: { at: string; scope: string } | null;
}

type AlertRow = { id: string; status: string; first_at: Date; last_at: Date; stored_at: Date; accesses: number; breaker_at: Date | null; breaker_scope: string | null; people: string; receivers: string };

const view = (row: AlertRow, zone: string): AlertView => ({
  id: String(row.id),
  status: row.status,
  firstAt: isoInZone(new Date(row.first_at), zone),
  lastAt: isoInZone(new Date(row.last_at), zone),
  storedAt: isoInZone(new Date(row.stored_at), zone),
  accesses: row.accesses,
  peopleExposed: Number(row.people),
  receivers: Number(row.receivers),
  breaker: row.breaker_at ? { at: isoInZone(new Date(row.breaker_at), zone), scope: row.breaker_scope ?? 'site' } : null,
});

const alertColumns = sql`a.id, a.status, a.first_at, a.last_at, a.stored_at, a.accesses, a.breaker_at, a.breaker_scope,
  (select count(distinct subject) from exposure_alert_access x where x.alert_id = a.id) as people,
  (select count(distinct receiver) from exposure_alert_access x where x.alert_id = a.id) as receivers`;

/**
 * The latest 200 alerts, newest first; with `since`, only those whose burst went on until then or later (the
 * console's last 24 hours): their people and receivers are counted for those alone, not for 200 older ones.
 */
export async function listAlerts(db: Db, zone: string, options: { since?: Date } = {}): Promise<AlertView[]> {
  const since = options.since ? sql`where a.last_at >= ${options.since.toISOString()}::timestamptz` : sql``;
  const { rows } = await sql<AlertRow>`select ${alertColumns} from exposure_alert a ${since} order by a.id desc limit 200`.execute(db);
  return rows.map((row) => view(row, zone));
}

export async function getAlert(db: Db, id: string, zone: string) {
  if (!/^\d{1,18}$/.test(id)) throw new NotFoundError('No alert has this id');
  const { rows } = await sql<AlertRow>`select ${alertColumns} from exposure_alert a where a.id = ${id}::bigint`.execute(db);
  if (!rows[0]) throw new NotFoundError('No alert has this id');
  const accesses = await db.selectFrom('exposure_alert_access').selectAll().where('alert_id', '=', id).orderBy('at').limit(10_000).execute();
  return {
    ...view(rows[0], zone),
    accessList: accesses.map((a) => ({
      at: isoInZone(new Date(a.at), zone),
      requestId: a.request_id,
      receiver: a.receiver,
      subject: a.subject,
      reason: a.reason,
      route: a.route,
      categories: a.categories,
    })),
  };
}
