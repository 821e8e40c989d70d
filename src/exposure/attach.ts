import type { AppDeps } from '../deps.js';
import { attachExposureSnapshot, recordAlert } from '../breaches/hooks.js';
import { getAlert } from './alerts.js';
import { recordAction, type Actor } from './actor.js';
import { getSnapshot } from './snapshots.js';

/**
 * Puts a snapshot on a breach (the breach register's hook): its window on the timeline and its exposed
 * people in the population, each with what of theirs was seen and when.
 */
export async function attachSnapshotToBreach(deps: Pick<AppDeps, 'db' | 'clock' | 'config'>, name: string, breachId: string, actor: Actor) {
  const snapshot = await getSnapshot(deps.db!, name, deps.config.timeZone);
  const result = await attachExposureSnapshot(
    deps,
    breachId,
    {
      snapshotId: snapshot.name,
      from: new Date(snapshot.report.window.fromUtc),
      to: new Date(snapshot.report.window.toUtc),
      people: snapshot.report.byPerson.map((person) => ({ ref: person.subject, exposed: person.categories, firstAt: person.firstAt, lastAt: person.lastAt })),
    },
    { subject: actor.subject, roles: actor.roles, requestId: actor.requestId },
  );
  await recordAction(deps.db!, actor, 'exposure.snapshot.attach', `${name} → breach ${breachId}`, deps.clock.now());
  return { breachId, snapshot: name, people: snapshot.report.byPerson.length, result };
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
