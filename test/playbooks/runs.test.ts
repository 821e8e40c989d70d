import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBreachBody } from '../../src/breaches/breach-facts.js';
import { decideBreach, recordNotificationFiled } from '../../src/breaches/decide.js';
import { editBreach, openBreach } from '../../src/breaches/edit-breach.js';
import { getBreach } from '../../src/breaches/get-breach.js';
import { manualClock } from '../../src/clock.js';
import { ConflictError, ForbiddenError, ValidationError } from '../../src/http/errors.js';
import { changeTask, startRun } from '../../src/playbooks/runs.js';
import { breachRuns, type TaskView } from '../../src/playbooks/tasks.js';
import { isoInZone } from '../../src/time/zoned.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testConfig } from '../helpers/test-app.js';

const dpo = { subject: 'dora', roles: ['dpo'] };
const sre = { subject: 'sami', roles: ['sre'] };
const comms = { subject: 'carole', roles: ['comms'] };
const paris = (date: Date | null) => (date ? isoInZone(date, 'Europe/Paris') : null);

describe.each(engines())('playbook runs on %s', (engine) => {
  let database: TestDatabase;
  const clock = manualClock('2020-03-31T09:35:00Z');
  let deps: { db: TestDatabase['db']; clock: typeof clock; config: ReturnType<typeof testConfig> };
  beforeAll(async () => {
    database = await openTestDatabase(engine);
    deps = { db: database.db, clock, config: testConfig({ VIGIE_ORG_NAME: 'Urssaf Caisse nationale' }) };
  });
  afterAll(() => database.close());

  const tasksOf = async (breachId: string) => (await breachRuns(deps, breachId))[0]!.tasks;
  const byStep = (tasks: TaskView[]) => new Map(tasks.map((t) => [t.step, t]));

  it('replays 31 March 2020 with the wrong-user playbook: tasks, owners, due times in Paris time, tasks that appear later', async () => {
    // 11:35 Paris (CEST, since the DST change of 29 March): users' reports came in at 11:30; the SRE opens the breach.
    clock.set('2020-03-31T09:35:00Z');
    const { id } = await openBreach(
      deps,
      openBreachBody.parse({ title: 'Pages d’autres usagers affichées (cache)', natures: ['confidentiality'], discoveredAt: '2020-03-31T11:30:00+02:00', reason: 'Signalements d’usagers' }),
      dpo,
    );
    clock.set('2020-03-31T09:40:00Z');
    const started = await startRun(deps, id, { playbook: 'wrong-user-data', reason: 'Cache mal configuré' }, sre);
    let tasks = byStep(await tasksOf(id));
    // Awareness is not recorded yet: only the maintenance step (counted from detection) has a due time.
    expect(paris(tasks.get('maintenance')!.dueAt)).toBe('2020-03-31T12:00:00+02:00');
    expect(tasks.get('maintenance')).toMatchObject({ owner: 'sre', state: 'open', action: { code: 'maintenance-on', api: 'POST /_vigie/maintenance/windows', console: '/_vigie/console/maintenance' } });
    expect(tasks.get('file-notification')).toMatchObject({ dueAt: null, waitingFor: 'awareness', owner: 'dpo', state: 'open' });
    expect(tasks.get('file-notification')!.action.api).toBe(`POST /_vigie/breaches/${id}/filings`);
    // Steps for informing people wait for the decision: they are not tasks yet.
    expect([...tasks.keys()]).not.toContain('send-message');
    expect([...tasks.keys()]).not.toContain('complementary-notification');
    expect(started.tasks).toBe(tasks.size);

    // 11:45: maintenance on, and the SRE says so.
    clock.set('2020-03-31T09:45:00Z');
    const maintenance = tasks.get('maintenance')!;
    await changeTask(deps, maintenance.id, true, { reason: 'Site en maintenance de 11:45 à 15:15' }, sre);

    // 12:20: the DPO records awareness at 12:10 — every due time counted from it is known now.
    clock.set('2020-03-31T10:20:00Z');
    await editBreach(deps, id, { changes: { awareAt: '2020-03-31T12:10:00+02:00' }, reason: 'Certitude raisonnable à 12:10' }, dpo);
    tasks = byStep(await tasksOf(id));
    expect(paris(tasks.get('file-notification')!.dueAt)).toBe('2020-04-03T12:10:00+02:00');
    expect(tasks.get('file-notification')!.waitingFor).toBeNull();
    expect(paris(tasks.get('exposure')!.dueAt)).toBe('2020-03-31T18:10:00+02:00');
    expect(paris(tasks.get('population')!.dueAt)).toBe('2020-04-01T12:10:00+02:00');
    expect(paris(tasks.get('decide')!.dueAt)).toBe('2020-04-02T12:10:00+02:00');
    expect(paris(tasks.get('close')!.dueAt)).toBe('2020-04-30T12:10:00+02:00');
    expect(tasks.get('maintenance')).toMatchObject({ state: 'done', doneBy: 'sami', doneReason: 'Site en maintenance de 11:45 à 15:15' });
    expect(paris(tasks.get('maintenance')!.doneAt)).toBe('2020-03-31T11:45:00+02:00');

    // 1 April: the decision to notify and to inform each person makes the Art. 34 steps appear, with their due times.
    clock.set('2020-04-01T08:00:00Z');
    await decideBreach(deps, id, { authority: 'notify', people: 'inform', justification: 'Données de tiers vues par d’autres usagers' }, dpo);
    tasks = byStep(await tasksOf(id));
    expect(tasks.get('send-message')).toMatchObject({ owner: 'comms', state: 'open', action: { code: 'campaign' } });
    expect(paris(tasks.get('send-message')!.dueAt)).toBe('2020-04-04T12:10:00+02:00');
    expect(paris(tasks.get('send-message')!.appearedAt)).toBe('2020-04-01T10:00:00+02:00');
    expect(tasks.get('delivery-check')).toMatchObject({ dueAt: null, waitingFor: 'communication' });

    // The filing, then a fact that changes after it: the complementary notification appears, due 30 days after the filing step.
    clock.set('2020-04-03T08:00:00Z');
    await changeTask(deps, tasks.get('file-notification')!.id, true, { reason: 'Notification initiale déposée' }, dpo);
    await recordNotificationFiled(deps, id, { regime: 'gdpr', step: 'notification', kind: 'initial', filedAt: new Date('2020-04-03T08:00:00Z') }, dpo);
    clock.set('2020-04-06T08:00:00Z');
    await editBreach(deps, id, { changes: { peopleCount: 120 }, reason: 'Comptage par le journal' }, dpo);
    tasks = byStep(await tasksOf(id));
    expect(paris(tasks.get('complementary-notification')!.dueAt)).toBe('2020-05-03T10:00:00+02:00');

    // Everything is on the breach's timeline: who, when, why.
    const record = await getBreach(database.db, id, { config: deps.config, now: clock.now() });
    const notes = record.timeline.filter((e) => e.source.startsWith('playbook'));
    expect(notes.map((n) => [paris(n.at), n.actor, n.summary])).toEqual([
      ['2020-03-31T11:40:00+02:00', 'sami', 'Playbook « Données d\'un usager affichées à un autre » démarré : Cache mal configuré'],
      ['2020-03-31T11:45:00+02:00', 'sami', 'Tâche « Mettre le service (ou la partie touchée) en maintenance » faite : Site en maintenance de 11:45 à 15:15'],
      ['2020-04-03T10:00:00+02:00', 'dora', 'Tâche « Déposer la notification à la CNIL (initiale, même incomplète) » faite : Notification initiale déposée'],
    ]);
  });

  it('runs its due times on absolute time across the DST change (27 March 2026, 16:00 CET → 30 March, 17:00 CEST)', async () => {
    clock.set('2026-03-27T15:30:00Z');
    const { id } = await openBreach(deps, openBreachBody.parse({ title: 'Comptes repris par des attaquants', awareAt: '2026-03-27T16:00:00+01:00', discoveredAt: '2026-03-27T15:00:00+01:00' }), dpo);
    await startRun(deps, id, { playbook: 'credential-stuffing', reason: 'Vague de connexions suspectes' }, dpo);
    const tasks = byStep(await tasksOf(id));
    expect(paris(tasks.get('file-notification')!.dueAt)).toBe('2026-03-30T17:00:00+02:00');
    expect(tasks.get('file-notification')!.dueAt!.toISOString()).toBe('2026-03-30T15:00:00.000Z');
    expect(paris(tasks.get('block')!.dueAt)).toBe('2026-03-27T16:00:00+01:00');
  });

  it('lets a person undo a task, saying why, and refuses what is not theirs or not possible', async () => {
    clock.set('2026-05-04T08:00:00Z');
    const { id } = await openBreach(deps, openBreachBody.parse({ title: 'Courriel aux mauvais destinataires', awareAt: '2026-05-04T09:30:00+02:00', discoveredAt: '2026-05-04T09:00:00+02:00' }), dpo);
    await startRun(deps, id, { playbook: 'email-wrong-recipients', reason: 'Envoi groupé en copie visible' }, dpo);
    await expect(startRun(deps, id, { playbook: 'email-wrong-recipients', reason: 'encore' }, dpo)).rejects.toBeInstanceOf(ConflictError);
    await expect(startRun(deps, id, { playbook: 'lost-device', exercise: true, reason: 'un exercice' }, dpo)).rejects.toThrow(/real response/);
    await expect(startRun(deps, id, { playbook: 'no-such-playbook', reason: 'essai' }, dpo)).rejects.toThrow(/No playbook/);
    await expect(startRun(deps, id, { playbook: 'lost-device', reason: '' }, dpo)).rejects.toBeInstanceOf(ValidationError);
    const recall = byStep(await tasksOf(id)).get('recall')!;
    expect(recall.owner).toBe('comms');
    await expect(changeTask(deps, recall.id, true, { reason: 'rappel fait' }, sre)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(changeTask(deps, recall.id, true, { reason: '' }, comms)).rejects.toBeInstanceOf(ValidationError);
    await expect(changeTask(deps, recall.id, false, { reason: 'pas fait' }, comms)).rejects.toBeInstanceOf(ConflictError);
    clock.set('2026-05-04T08:10:00Z');
    await changeTask(deps, recall.id, true, { reason: 'Rappel envoyé' }, comms);
    clock.set('2026-05-04T08:20:00Z');
    await changeTask(deps, recall.id, false, { reason: 'Un destinataire n’a pas supprimé' }, dpo);
    const after = byStep(await tasksOf(id)).get('recall')!;
    expect(after).toMatchObject({ state: 'open', doneAt: null, doneBy: null });
    const history = await database.db.selectFrom('playbook_task_event').select(['kind', 'actor', 'reason']).where('task_id', '=', recall.id).orderBy('id').execute();
    expect(history).toEqual([
      { kind: 'appeared', actor: 'vigie-playbooks', reason: null },
      { kind: 'done', actor: 'carole', reason: 'Rappel envoyé' },
      { kind: 'undone', actor: 'dora', reason: 'Un destinataire n’a pas supprimé' },
    ]);
  });
});
