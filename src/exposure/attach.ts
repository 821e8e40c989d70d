import type { AppDeps } from '../deps.js';
import { toRegisterCategories } from '../breaches/category-map.js';
import { attachExposureSnapshot, recordAlert } from '../breaches/hooks.js';
import { getAlert } from './alerts.js';
import { recordAction, type Actor } from './actor.js';
import { getSnapshot } from './snapshots.js';

/**
 * Puts a snapshot on a breach (the breach register's hook): its window on the timeline and its exposed
 * people in the population, each with what of theirs was seen and when. The categories the service declared
 * enter the register here, in the register's words (VIGIE_CATEGORY_MAP, docs/categories.md); a name the map
 * does not know becomes « other » and is returned, so the DPO sees it.
 */
export async function attachSnapshotToBreach(deps: Pick<AppDeps, 'db' | 'clock' | 'config'>, name: string, breachId: string, actor: Actor) {
  const snapshot = await getSnapshot(deps.db!, name, deps.config.timeZone);
  const unmapped = new Set<string>();
  const dataCategories = new Set<string>();
  const people = snapshot.report.byPerson.map((person) => {
    const { codes, unmapped: names } = toRegisterCategories(deps.config.categoryMap, person.categories);
    for (const code of codes) dataCategories.add(code);
    for (const declared of names) unmapped.add(declared);
    return { ref: person.subject, exposed: codes, firstAt: person.firstAt, lastAt: person.lastAt };
  });
  const result = await attachExposureSnapshot(
    deps,
    breachId,
    {
      snapshotId: snapshot.name,
      from: new Date(snapshot.report.window.fromUtc),
      to: new Date(snapshot.report.window.toUtc),
      people,
      dataCategories: [...dataCategories],
    },
    { subject: actor.subject, roles: actor.roles, requestId: actor.requestId },
  );
  await recordAction(deps.db!, actor, 'exposure.snapshot.attach', `${name} → breach ${breachId}`, deps.clock.now());
  return { breachId, snapshot: name, people: snapshot.report.byPerson.length, dataCategories: result.dataCategories, unmappedCategories: [...unmapped].sort(), result };
}

/** Puts an alert on a breach's timeline (the breach register's hook), e.g. the first sign of the incident. */
export async function attachAlertToBreach(deps: Pick<AppDeps, 'db' | 'clock' | 'config'>, alertId: string, breachId: string, actor: Actor) {
  const alert = await getAlert(deps.db!, alertId, deps.config.timeZone);
  await recordAlert(
    deps,
    breachId,
    {
      alertId: alert.id,
      at: new Date(alert.firstAt),
      summary: `Alerte d’exposition ${alert.id} : ${alert.accesses} accès illégitime(s), ${alert.peopleExposed} personne(s), ${alert.receivers} destinataire(s)`,
    },
    { subject: actor.subject, roles: actor.roles, requestId: actor.requestId },
  );
  await recordAction(deps.db!, actor, 'exposure.alert.attach', `alert ${alertId} → breach ${breachId}`, deps.clock.now());
  return { breachId, alertId: alert.id };
}
