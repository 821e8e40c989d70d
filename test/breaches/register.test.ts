import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { openBreachBody } from '../../src/breaches/breach-facts.js';
import type { BreachDeps } from '../../src/breaches/breach-store.js';
import { assessBreach, changeStatus, decideBreach, recordNotificationFiled } from '../../src/breaches/decide.js';
import { editBreach, openBreach } from '../../src/breaches/edit-breach.js';
import { getBreach } from '../../src/breaches/get-breach.js';
import { ConflictError, ValidationError } from '../../src/http/errors.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testConfig } from '../helpers/test-app.js';

const dpo = { subject: 'dora', roles: ['dpo'] };

async function fieldsOf(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ValidationError) return error.errors.map((e) => e.path);
    throw error;
  }
  throw new Error('expected a validation error');
}

describe.each(engines())('breach register on %s', (engine) => {
  let database: TestDatabase;
  const clock = manualClock('2026-03-27T15:00:00Z');
  let deps: BreachDeps;
  beforeAll(async () => {
    database = await openTestDatabase(engine);
    deps = { db: database.db, clock, config: testConfig({ VIGIE_ORG_NAME: 'Urssaf Caisse nationale', VIGIE_DPO_CONTACT: 'dpo@example.fr' }) };
  });
  afterAll(() => database.close());
  const read = (id: string) => getBreach(database.db, id, { config: deps.config, now: clock.now() });

  it('opens with little known, and says what each next step still needs', async () => {
    clock.set('2026-03-27T15:00:00Z');
    const { id, version } = await openBreach(deps, openBreachBody.parse({ title: 'Données affichées à d’autres usagers' }), dpo);
    expect(version).toBe(1);
    const record = await read(id);
    expect(record.status).toBe('open');
    expect(record.missing.assess.map((m) => m.field)).toEqual(['natures', 'dataCategories', 'awareAt', 'assessment']);
    expect(record.missing.notify.map((m) => m.field)).toContain('decision');
    expect(record.missing.notify.map((m) => m.field)).not.toContain('organisation');
    expect(record.clocks[0]).toMatchObject({ regime: 'gdpr', state: 'waiting' });
    expect(record.organisation.name).toBe('Urssaf Caisse nationale');
  });

  it('keeps every earlier value in its revisions: who, when, what, why', async () => {
    clock.set('2026-03-27T15:00:00Z');
    const { id } = await openBreach(deps, openBreachBody.parse({ title: 'Cache mal configuré', natures: ['confidentiality'], peopleCount: 10 }), dpo);
    clock.set('2026-03-27T16:00:00Z');
    await editBreach(deps, id, { changes: { peopleCount: 120, dataCategories: ['contact'] }, reason: 'Premier comptage' }, { subject: 'paul', roles: ['dpo'] });
    clock.set('2026-03-27T17:00:00Z');
    const last = await editBreach(deps, id, { changes: { peopleCount: 4200 }, reason: 'Comptage par le journal', expectedVersion: 2 }, dpo);
    expect(last).toMatchObject({ version: 3, changes: 1 });
    const revisions = await database.db.selectFrom('breach_revision').selectAll().where('breach_id', '=', id).orderBy('version').execute();
    expect(revisions.map((r) => [r.version, r.actor, r.reason])).toEqual([
      [1, 'dora', 'breach opened'],
      [2, 'paul', 'Premier comptage'],
      [3, 'dora', 'Comptage par le journal'],
    ]);
    expect(revisions[0]!.changes).toEqual(expect.arrayContaining([{ field: 'peopleCount', before: null, after: 10 }]));
    expect(revisions[1]!.changes).toEqual([
      { field: 'peopleCount', before: 10, after: 120 },
      { field: 'dataCategories', before: [], after: ['contact'] },
    ]);
    expect(revisions[2]!.changes).toEqual([{ field: 'peopleCount', before: 120, after: 4200 }]);
    expect(revisions[1]!.at.toISOString()).toBe('2026-03-27T16:00:00.000Z');
    // A change that changes nothing is not a revision.
    expect(await editBreach(deps, id, { changes: { peopleCount: 4200 }, reason: 'Vérification' }, dpo)).toMatchObject({ version: 3, changes: 0 });
    const actions = await database.db.selectFrom('staff_action').select(['actor', 'action', 'reason']).where('target', '=', `breach:${id}`).execute();
    expect(actions.map((a) => a.action)).toEqual(['breach.open', 'breach.edit', 'breach.edit']);
  });

  it('an invalid change, or a change on a version not seen, changes nothing', async () => {
    const { id } = await openBreach(deps, openBreachBody.parse({ title: 'Essai', startedAt: '2026-03-27T08:00:00Z' }), dpo);
    const before = await read(id);
    expect(await fieldsOf(editBreach(deps, id, { changes: { endedAt: '2026-03-27T07:00:00.000Z', peopleInformed: 'will-not' }, reason: 'Erreur' }, dpo))).toEqual([
      'changes.endedAt',
      'changes.peopleInformedJustification',
    ]);
    await expect(editBreach(deps, id, { changes: { peopleCount: 3 }, reason: 'Trop tard', expectedVersion: 7 }, dpo)).rejects.toThrow(ConflictError);
    const after = await read(id);
    expect(after.facts).toEqual(before.facts);
    expect(after.version).toBe(before.version);
  });

  it('the 72-hour clock from 2026-03-27 16:00 Paris falls due 2026-03-30 17:00 Paris, and shows overdue', async () => {
    clock.set('2026-03-27T15:30:00Z');
    const { id } = await openBreach(deps, openBreachBody.parse({ title: 'Horloge', awareAt: '2026-03-27T16:00:00+01:00' }), dpo);
    expect((await read(id)).clocks[0]).toMatchObject({ state: 'running', dueAt: new Date('2026-03-30T15:00:00Z') });
    clock.set('2026-03-30T15:00:01Z');
    const late = await read(id);
    expect(late.overdue.map((c) => c.regime)).toEqual(['gdpr']);
    expect(late.missing.notify.map((m) => m.field)).toContain('delayReasons');
  });

  it('late notification without reasons for the delay is refused; with them it is recorded and the breach is notified', async () => {
    clock.set('2026-03-27T15:30:00Z');
    const { id } = await openBreach(deps, openBreachBody.parse({ title: 'Retard', awareAt: '2026-03-27T15:00:00Z' }), dpo);
    clock.set('2026-04-01T09:00:00Z');
    expect(await fieldsOf(decideBreach(deps, id, { authority: 'notify', people: 'inform' }, dpo))).toEqual(['delayReasons']);
    expect(await fieldsOf(recordNotificationFiled(deps, id, { filedAt: new Date('2026-04-01T08:00:00Z'), kind: 'initial', reference: 'CNIL-1' }, dpo))).toEqual(['delayReasons']);
    expect((await read(id)).filings).toEqual([]);
    await recordNotificationFiled(
      deps,
      id,
      { filedAt: new Date('2026-04-01T08:00:00Z'), kind: 'initial', reference: 'CNIL-1', delayReasons: 'Le prestataire ne nous a informés que le 31 mars' },
      dpo,
    );
    const record = await read(id);
    expect(record.status).toBe('notified');
    expect(record.clocks[0]).toMatchObject({ state: 'missed', overdue: false });
    expect(record.timeline.map((e) => e.kind)).toContain('notification');
    await expect(recordNotificationFiled(deps, id, { filedAt: new Date('2026-04-01T08:30:00Z'), kind: 'initial' }, dpo)).rejects.toThrow(ValidationError);
    await recordNotificationFiled(deps, id, { filedAt: new Date('2026-04-01T08:45:00Z'), kind: 'complementary', reference: 'CNIL-1-bis' }, dpo);
    expect((await read(id)).filings.map((f) => f.kind)).toEqual(['initial', 'complementary']);
  });

  it('not notifying needs a written justification; then the clock stops and the breach may close', async () => {
    clock.set('2026-03-27T15:30:00Z');
    const { id } = await openBreach(
      deps,
      openBreachBody.parse({ title: 'Clé USB chiffrée', awareAt: '2026-03-27T15:00:00Z', natures: ['confidentiality'], dataCategories: ['contact'] }),
      dpo,
    );
    await expect(changeStatus(deps, id, { status: 'notified', reason: 'Essai' }, dpo)).rejects.toThrow(ConflictError);
    expect(await fieldsOf(changeStatus(deps, id, { status: 'assessed', reason: 'Évalué' }, dpo))).toEqual(['assessment']);
    const { score, recommendation } = await assessBreach(deps, id, { easeOfIdentification: 'maximum', confidentiality: 'unknown-recipients', unintelligible: true }, dpo);
    expect(score.band).toBe('low');
    expect(recommendation.authority).toBe('record-only');
    await changeStatus(deps, id, { status: 'assessed', reason: 'Évaluation faite' }, dpo);
    expect(await fieldsOf(decideBreach(deps, id, { authority: 'not-notify', people: 'not-inform', justification: 'chiffré' }, dpo))).toEqual(['justification']);
    await decideBreach(deps, id, { authority: 'not-notify', people: 'not-inform', justification: 'Sauvegarde chiffrée AES-256, clé restée au coffre : données inintelligibles' }, dpo);
    clock.set('2026-04-10T09:00:00Z');
    const record = await read(id);
    expect(record.clocks[0]).toMatchObject({ state: 'not-required', overdue: false });
    expect(record.missing.notify).toEqual([]);
    expect(await fieldsOf(changeStatus(deps, id, { status: 'closed', reason: 'Clos' }, dpo))).toEqual(['endedAt', 'measures', 'peopleInformed']);
    await editBreach(
      deps,
      id,
      { changes: { endedAt: '2026-03-27T15:00:00Z', measures: { immediate: ['Révocation des accès'], mediumTerm: [], longTerm: [] }, peopleInformed: 'will-not', peopleInformedJustification: 'Données inintelligibles (art. 34(3)(a))' }, reason: 'Clôture' },
      dpo,
    );
    await changeStatus(deps, id, { status: 'closed', reason: 'Dossier complet' }, dpo);
    await changeStatus(deps, id, { status: 'reopened', reason: 'La clé a finalement été compromise' }, dpo);
    const statuses = await database.db.selectFrom('breach_revision').select(['changes', 'reason']).where('breach_id', '=', id).where('action', '=', 'status').orderBy('version').execute();
    expect(statuses.map((s) => (s.changes as { after: string }[])[0]!.after)).toEqual(['assessed', 'closed', 'reopened']);
  });
});
