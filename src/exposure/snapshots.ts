import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { ConflictError, NotFoundError, ValidationError } from '../http/errors.js';
import { isoInZone } from '../time/zoned.js';
import { recordAction, type Actor } from './actor.js';
import { buildExposureReport, type ExposureReport } from './report.js';
import { parseWindow } from './window.js';

export interface SnapshotInput {
  name: string;
  from: string;
  to: string;
  zone?: string | undefined;
}

export interface Snapshot {
  id: string;
  name: string;
  createdAt: string;
  createdBy: string;
  reason: string;
  query: { from: string; to: string; zone: string; broadRoles: string[] };
  report: ExposureReport;
}

const namePattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

/**
 * Runs the report and keeps it under a name, immutable (the database refuses updates and deletes), with
 * the query as asked, when it ran, who asked and why, and the log heads it covers: a breach refers to it.
 */
export async function createSnapshot(
  deps: { db: Db; clock: Clock; timeZone: string; broadRoles: string[] },
  input: SnapshotInput,
  actor: Actor,
): Promise<Snapshot> {
  if (!namePattern.test(input.name)) {
    throw new ValidationError([{ path: 'body.name', message: 'must be 1–100 letters, digits, "_" or "-", starting with a letter or digit' }]);
  }
  if (!actor.reason.trim()) throw new ValidationError([{ path: 'body.reason', message: 'is required' }]);
  const window = parseWindow(input, deps.timeZone, 'body');
  const existing = await deps.db.selectFrom('exposure_snapshot').select('id').where('name', '=', input.name).executeTakeFirst();
  if (existing) throw new ConflictError(`A snapshot named "${input.name}" exists already; snapshots are immutable`);
  const now = deps.clock.now();
  const report = await buildExposureReport(deps.db, window, { broadRoles: deps.broadRoles, now });
  const query = { from: input.from, to: input.to, zone: window.zone, broadRoles: deps.broadRoles };
  try {
    const row = await deps.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('exposure_snapshot')
        .values({
          name: input.name,
          created_at: now,
          created_by: actor.subject,
          reason: actor.reason,
          window_from: window.from,
          window_to: window.to,
          query: JSON.stringify(query),
          checkpoint: JSON.stringify(report.covers),
          report: JSON.stringify(report),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAction(trx, actor, 'exposure.snapshot.create', input.name, now);
      return inserted;
    });
    return { id: String(row.id), name: input.name, createdAt: isoInZone(now, window.zone), createdBy: actor.subject, reason: actor.reason, query, report };
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new ConflictError(`A snapshot named "${input.name}" exists already; snapshots are immutable`);
    throw error;
  }
}

export async function getSnapshot(db: Db, name: string, zone: string): Promise<Snapshot> {
  const row = await db.selectFrom('exposure_snapshot').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row) throw new NotFoundError('No snapshot has this name');
  return {
    id: String(row.id),
    name: row.name,
    createdAt: isoInZone(new Date(row.created_at), zone),
    createdBy: row.created_by,
    reason: row.reason,
    query: JSON.parse(row.query) as Snapshot['query'],
    report: JSON.parse(row.report) as ExposureReport,
  };
}

export async function listSnapshots(db: Db, zone: string) {
  const rows = await db
    .selectFrom('exposure_snapshot')
    .select(['id', 'name', 'created_at', 'created_by', 'reason', 'window_from', 'window_to'])
    .orderBy('id', 'desc')
    .limit(500)
    .execute();
  return rows.map((row) => ({
    id: String(row.id),
    name: row.name,
    createdAt: isoInZone(new Date(row.created_at), zone),
    createdBy: row.created_by,
    reason: row.reason,
    from: isoInZone(new Date(row.window_from), zone),
    to: isoInZone(new Date(row.window_to), zone),
  }));
}
