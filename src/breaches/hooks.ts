import { ValidationError } from '../http/errors.js';
import { breachIdOf, loadBreach, recordStaffAction, requireDb, type BreachActor, type BreachDeps } from './breach-store.js';
import { insertPopulation, personInput, type PersonInput } from './population.js';
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
}

/**
 * Attaches an exposure snapshot: a timeline event carrying its window (the exposure windows are derived from
 * it) and its people added to the population — in one transaction, so a breach never shows one without the other.
 */
export async function attachExposureSnapshot(deps: BreachDeps, breachId: string, snapshot: SnapshotAttachment, actor: BreachActor) {
  const db = requireDb(deps);
  const id = breachIdOf(breachId);
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(snapshot.snapshotId)) throw new ValidationError([{ path: 'snapshotId', message: 'must be an identifier' }]);
  if (!(snapshot.from < snapshot.to)) throw new ValidationError([{ path: 'to', message: 'must be after from' }]);
  const errors: { path: string; message: string }[] = [];
  const people = snapshot.people.map((person, index) => {
    const parsed = personInput.safeParse(person);
    if (!parsed.success) for (const issue of parsed.error.issues) errors.push({ path: `people.${index}.${issue.path.join('.')}`, message: issue.message });
    return parsed.data!;
  });
  if (errors.length > 0) throw new ValidationError(errors.slice(0, 100));
  const source = `snapshot:${snapshot.snapshotId}`;
  const now = deps.clock.now();
  return db.transaction().execute(async (trx) => {
    await loadBreach(trx, id, { forUpdate: true });
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
    return counts;
  });
}
