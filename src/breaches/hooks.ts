import { ValidationError } from '../http/errors.js';
import { breachIdOf, diff, factsOf, loadBreach, recordStaffAction, requireDb, writeRevision, type BreachActor, type BreachDeps } from './breach-store.js';
import type { Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import type { BreachRow } from '../db/tables/breach.js';
import { registerCategoryCodes, toRegisterCategories } from './category-map.js';
import { insertPopulation, parsePeople, type PersonInput } from './population.js';
import { addTimelineEvent } from './timeline.js';

/**
 * What other features call to put their facts on a breach: detection's alerts (the exposure feature's live
 * check) and exposure snapshots (issue 5). Transport-free, like every service function.
 */
export async function recordAlert(deps: BreachDeps, breachId: string, alert: { alertId: string; at: Date; summary: string }, actor: BreachActor) {
  return addTimelineEvent(deps, breachId, { kind: 'alert', at: alert.at, summary: alert.summary, data: { alertId: alert.alertId } }, actor, `alert:${alert.alertId}`);
}

export interface SnapshotAttachment {
  snapshotId: string;
  /** The snapshot's window: when the people's data were served to others. */
  from: Date;
  to: Date;
  people: PersonInput[];
  /** The register's data categories the snapshot shows (default: its people's); added to the breach's facts. */
  dataCategories?: string[];
}

/**
 * Attaches an exposure snapshot: a timeline event carrying its window (the exposure windows are derived from
 * it), its people added to the population, and the data categories it shows added to the breach's facts (a
 * revision saying so) — in one transaction, so a breach never shows one without the others.
 */
export async function attachExposureSnapshot(deps: BreachDeps, breachId: string, snapshot: SnapshotAttachment, actor: BreachActor) {
  const db = requireDb(deps);
  const id = breachIdOf(breachId);
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(snapshot.snapshotId)) throw new ValidationError([{ path: 'snapshotId', message: 'must be an identifier' }]);
  if (!(snapshot.from < snapshot.to)) throw new ValidationError([{ path: 'to', message: 'must be after from' }]);
  const people = parsePeople(snapshot.people, deps.config.categoryMap);
  const seen = toRegisterCategories(deps.config.categoryMap, snapshot.dataCategories ?? people.flatMap((person) => person.exposed ?? []));
  const source = `snapshot:${snapshot.snapshotId}`;
  const now = deps.clock.now();
  return db.transaction().execute(async (trx) => {
    const row = await loadBreach(trx, id, { forUpdate: true });
    const dataCategories = await addDataCategories(trx, row, seen.codes, `data categories seen in exposure snapshot ${snapshot.snapshotId}`, actor, now);
    const unique = [...new Map(people.map((p) => [p.ref, p])).values()];
    const counts = await insertPopulation(trx, id, unique, source, actor, now);
    await trx
      .insertInto('breach_event')
      .values({
        breach_id: id,
        kind: 'exposure-snapshot',
        occurred_at: now,
        summary: `Instantané d’exposition ${snapshot.snapshotId} joint : ${unique.length} personne(s)`,
        source,
        data: JSON.stringify({ from: snapshot.from.toISOString(), to: snapshot.to.toISOString(), people: unique.length }),
        recorded_at: now,
        recorded_by: actor.subject,
      })
      .execute();
    await recordStaffAction(trx, actor, 'breach.snapshot.attach', id, source, now);
    return { ...counts, dataCategories };
  });
}

/**
 * The breach's data categories widened with those seen (never narrowed: the DPO removes by hand); "unknown"
 * goes once something is known. A revision records the change. Returns the categories now in the facts.
 */
async function addDataCategories(trx: Transaction<Database>, row: BreachRow, seen: string[], reason: string, actor: BreachActor, at: Date): Promise<string[]> {
  const before = factsOf(row);
  const kept = new Set([...before.dataCategories, ...seen]);
  if (seen.length > 0) kept.delete('unknown');
  const dataCategories = registerCategoryCodes.filter((code) => kept.has(code));
  const after = { ...before, dataCategories };
  const changes = diff(before, after);
  if (changes.length > 0) await writeRevision(trx, row, { facts: after }, { action: 'edit', reason, changes, actor, at });
  return dataCategories;
}
