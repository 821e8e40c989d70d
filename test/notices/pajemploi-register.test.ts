import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBreach } from '../../src/breaches/get-breach.js';
import { addPopulation } from '../../src/breaches/population.js';
import { openBreach } from '../../src/breaches/edit-breach.js';
import { manualClock } from '../../src/clock.js';
import { endMaintenance, startMaintenance } from '../../src/maintenance/service.js';
import { createDraft } from '../../src/notices/drafts-service.js';
import { recordFiling } from '../../src/notices/file-draft.js';
import { draftInputFromRegister, fileWithRegister, parseContact } from '../../src/notices/from-breach.js';
import type { Actor, NoticeDeps } from '../../src/notices/notice-deps.js';
import { formatCount } from '../../src/notices/local-time.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testConfig } from '../helpers/test-app.js';

const dpo: Actor = { subject: 'dpo-acoss', roles: ['dpo'] };
const sre = { subject: 'sre-1', roles: ['sre'] };
const people = 412;

/**
 * The Pajemploi breach of 31 March 2020 through the breach register (issue 6): opened with its facts, the
 * site put in maintenance from 11:45 to 15:15 Europe/Paris, the exact population from an exposure snapshot,
 * then the CNIL draft written from the record and its filing recorded back into the register.
 */
describe.each(engines())('the Pajemploi CNIL draft from the breach register (%s)', (engine) => {
  let database: TestDatabase;
  const clock = manualClock('2020-03-31T08:30:00Z');
  let deps: NoticeDeps;
  let breachId: string;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    const config = testConfig({
      VIGIE_ORG_NAME: 'Urssaf Caisse nationale (Acoss) — Pajemploi',
      VIGIE_ORG_SIREN: '794107979',
      VIGIE_DPO_CONTACT: 'Délégué à la protection des données <dpo@acoss.example>',
      VIGIE_NOTICE_URL: 'https://www.pajemploi.example/incident',
    });
    deps = { db: database.db, clock, config };
    ({ id: breachId } = await openBreach(
      deps,
      {
        title: 'Données d’autres utilisateurs affichées sur le portail',
        summary: 'Un cache mis en place pour absorber la charge de fin de mois était mal configuré : des utilisateurs ont vu les données personnelles d’autres utilisateurs.',
        certainty: 'established',
        natures: ['confidentiality'],
        origins: ['wrong-person-on-portal'],
        causes: ['internal-accidental'],
        awareAt: '2020-03-31T08:30:00Z',
        discoveredAt: '2020-03-31T08:10:00Z',
        startedAt: '2020-03-31T06:40:00Z',
        endedAt: '2020-03-31T09:45:00Z',
        ongoing: false,
        personCategories: ['users', 'employees'],
        dataCategories: ['civil-status', 'contact', 'financial'],
        consequences: ['loss-of-control'],
        measures: { immediate: ['Site mis en maintenance', 'Cache corrigé'], mediumTerm: [], longTerm: [] },
        peopleInformed: 'will-be',
        reason: 'user reports this morning',
      },
      dpo,
    ));
    const mconfig = { adminPrefix: '/_vigie' };
    clock.set('2020-03-31T09:45:00Z');
    const { event } = await startMaintenance({ db: database.db, clock, config: mconfig }, { reason: 'Données croisées entre comptes', bypassLink: false }, sre);
    clock.set('2020-03-31T13:15:00Z');
    await endMaintenance({ db: database.db, clock, config: mconfig }, { windowId: event.window_id, reason: 'Cache corrigé' }, sre);
    const population = Array.from({ length: people }, (_, i) => ({
      ref: `p${i + 1}`,
      exposed: ['civil-status', 'financial'],
      firstAt: '2020-03-31T07:00:00Z',
      lastAt: '2020-03-31T09:40:00Z',
    }));
    await addPopulation(deps, breachId, population, 'snapshot:s1', dpo);
    clock.set('2020-03-31T16:00:00Z');
  });
  afterAll(() => database.close());

  it('writes the French CNIL draft from the record: origin, the 11:45–15:15 window, the exact count', async () => {
    const input = await draftInputFromRegister(deps, breachId);
    const draft = await createDraft(deps, { breachId, kind: 'cnil-initial', channel: 'form', lang: 'fr', input, reason: 'initial notification' }, dpo);
    const form = draft.parts.form!;
    expect(form).toContain('  - Données de la mauvaise personne affichées sur le portail du client');
    expect(form).toContain('31/03/2020 11:45 (UTC+02:00) — Maintenance site: Données croisées entre comptes');
    expect(form).toContain('31/03/2020 15:15 (UTC+02:00) — Fin de maintenance site');
    expect(form).toContain(`Nombre de personnes concernées : ${formatCount(people, 'fr')} (Nombre exact (relevé du journal d'accès)`);
    expect(form).toContain('Identité (raison sociale) : Urssaf Caisse nationale (Acoss) — Pajemploi');
    expect(form).toContain('Délégué à la protection des données (DPO) : Délégué à la protection des données, dpo@acoss.example');
    expect(form).toContain('- Perte de contrôle sur leurs données');
    expect(form).toContain('Mesures immédiates :\n  - Site mis en maintenance');
    expect(form).not.toMatch(/undefined|null|\[object/);

    // Filing it closes the GDPR clock in the register.
    await recordFiling(deps, draft.id, { filedAt: '2020-03-31T15:30:00Z', reference: 'CNIL-0042', reason: 'filed' }, dpo, fileWithRegister(deps));
    const record = await getBreach(database.db, breachId, { config: deps.config, now: clock.now() });
    expect(record.status).toBe('notified');
    expect(record.filings).toMatchObject([{ regime: 'gdpr', kind: 'initial', reference: 'CNIL-0042' }]);
    // The complementary notification then refers to it.
    const complementary = await draftInputFromRegister(deps, breachId);
    expect(complementary.initialNotification).toEqual({ reference: 'CNIL-0042', filedAt: '2020-03-31T15:30:00.000Z' });
  });

  it('names what the register lacks for the draft, by field, and the setting for the organisation', async () => {
    const bare = { ...deps, config: testConfig() };
    await expect(draftInputFromRegister(bare, breachId)).rejects.toMatchObject({ status: 400, errors: [{ path: 'organisation.name', message: 'set VIGIE_ORG_NAME' }] });
  });
});

describe('the DPO contact setting', () => {
  it('reads "Name <e-mail>", "Name, e-mail, phone" and a bare e-mail', () => {
    expect(parseContact('Jeanne Martin <dpo@example.fr>')).toEqual({ name: 'Jeanne Martin', email: 'dpo@example.fr', phone: undefined });
    expect(parseContact('Jeanne Martin, dpo@example.fr, +33 1 23 45 67 89')).toEqual({ name: 'Jeanne Martin', email: 'dpo@example.fr', phone: '+33 1 23 45 67 89' });
    expect(parseContact('dpo@example.fr')).toEqual({ name: 'dpo@example.fr', email: 'dpo@example.fr', phone: undefined });
  });
});
