import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessBreach } from '../../src/breaches/assess.js';
import { decideBreach } from '../../src/breaches/decide.js';
import { editBreach, openBreach } from '../../src/breaches/edit-breach.js';
import { getBreach } from '../../src/breaches/get-breach.js';
import { addPopulation } from '../../src/breaches/population.js';
import { manualClock } from '../../src/clock.js';
import { endMaintenance, startMaintenance } from '../../src/maintenance/service.js';
import { createDraft } from '../../src/notices/drafts-service.js';
import { recordFiling } from '../../src/notices/file-draft.js';
import { draftInputFromRegister, fileWithRegister, parseContact } from '../../src/notices/from-breach.js';
import type { Actor, NoticeDeps } from '../../src/notices/notice-deps.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testConfig } from '../helpers/test-app.js';

const dpo: Actor = { subject: 'dpo-acoss', roles: ['dpo'] };
const sre = { subject: 'sre-1', roles: ['sre'] };
const fromAccessLog = 412;

/**
 * The Pajemploi breach of 31 March 2020 entered in the register as a DPO would on the day: the facts, the
 * DPO's estimate (20,000 to 40,000, about 30,000), the site in maintenance from 11:45 to 15:15 Europe/Paris
 * (and, the same morning, an unrelated read-only window on /compte), the people the access log found plus
 * three added by hand, an assessment and a decision. The CNIL draft written from the record must need no edit
 * beyond what only the DPO knows.
 */
describe.each(engines())('the Pajemploi CNIL draft from the breach register (%s)', (engine) => {
  let database: TestDatabase;
  const clock = manualClock('2020-03-31T06:00:00Z');
  let deps: NoticeDeps;
  let breachId: string;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    const config = testConfig({
      VIGIE_ORG_NAME: 'Urssaf Caisse nationale (Acoss) — Pajemploi',
      VIGIE_ORG_SIREN: '794107979',
      // The format that used to print the e-mail twice ("dpo@…, dpo@… · 01 …").
      VIGIE_DPO_CONTACT: 'dpo@acoss.example, 01 23 45 67 89',
      VIGIE_NOTICE_URL: 'https://www.pajemploi.example/incident',
    });
    deps = { db: database.db, clock, config };
    const mconfig = { db: database.db, clock, config: { adminPrefix: '/_vigie' } };
    // 08:00–08:30 CEST: an unrelated read-only window on /compte, before the breach.
    const other = await startMaintenance(mconfig, { reason: 'Migration des comptes', scope: '/compte', readOnly: true, bypassLink: false }, sre);
    clock.set('2020-03-31T06:30:00Z');
    await endMaintenance(mconfig, { windowId: other.event.window_id, reason: 'fini' }, sre);
    clock.set('2020-03-31T08:30:00Z');
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
        circumstances: 'Signalements d’utilisateurs le matin, confirmés par le journal d’accès.',
        personCategories: ['users', 'employees', 'other'],
        personCategoriesOther: 'Parents employeurs et assistantes maternelles',
        peopleCount: 30_000,
        peopleEstimate: { min: 20_000, max: 40_000, basis: 'sessions ouvertes pendant la fenêtre, rapportées au taux d’erreur du cache' },
        directlyIdentifiable: true,
        dataCategories: ['civil-status', 'contact', 'financial'],
        recipients: 'known',
        recipientsCount: 380,
        consequences: ['loss-of-control', 'fraud'],
        measures: { immediate: ['Site mis en maintenance', 'Cache corrigé'], mediumTerm: ['Contrôle du destinataire de chaque réponse'], longTerm: [] },
        adviceToPeople: ['Méfiez-vous des messages qui utiliseraient ces informations pour vous demander vos coordonnées bancaires.'],
        peopleInformed: 'will-be',
        reason: 'signalements d’utilisateurs ce matin',
      },
      dpo,
    ));
    clock.set('2020-03-31T09:45:00Z');
    const { event } = await startMaintenance(mconfig, { reason: 'Données croisées entre comptes', bypassLink: false }, sre);
    clock.set('2020-03-31T13:15:00Z');
    await endMaintenance(mconfig, { windowId: event.window_id, reason: 'Cache corrigé' }, sre);
    const found = Array.from({ length: fromAccessLog }, (_, i) => ({ ref: `p${i + 1}`, exposed: ['financial'], firstAt: '2020-03-31T07:00:00Z', lastAt: '2020-03-31T09:40:00Z' }));
    await addPopulation(deps, breachId, found, 'snapshot:s1', dpo);
    await addPopulation(deps, breachId, [{ ref: 'h1' }, { ref: 'h2' }, { ref: 'h3' }], 'manual', dpo);
    clock.set('2020-03-31T15:00:00Z');
    await assessBreach(deps, breachId, {}, dpo);
    await decideBreach(deps, breachId, { authority: 'notify', people: 'inform' }, dpo);
    clock.set('2020-03-31T16:00:00Z');
  });
  afterAll(() => database.close());

  const draftForm = async () => {
    const input = await draftInputFromRegister(deps, breachId);
    return (await createDraft(deps, { breachId, kind: 'cnil-initial', channel: 'form', lang: 'fr', input, reason: 'initial notification' }, dpo)).parts.form!;
  };

  it('writes the French CNIL draft from the record, with every value in words and every number said where it comes from', async () => {
    const form = await draftForm();
    if (process.env.VIGIE_PRINT_DRAFT) console.log(form);
    expect(form).toContain('  - Données de la mauvaise personne affichées sur le portail du client');
    expect(form).toContain('Identité (raison sociale) : Urssaf Caisse nationale (Acoss) — Pajemploi');
    // The DPO's contact, once.
    expect(form).toContain('- Délégué à la protection des données (DPO) : dpo@acoss.example, 01 23 45 67 89\n');
    // The estimate, not the three people added by hand; each number with where it comes from.
    expect(form).toContain('- Nombre (éventuellement approximatif) de personnes concernées : 30000\n');
    expect(form).toContain('  - Origine du nombre : estimation du DPO, de 20 000 à 40 000 (base de l’estimation'.replace('’', "'"));
    expect(form).toContain("  - Personnes recensées au registre à ce jour : 415 (dont 412 relevées dans le journal d'accès, 0 importées, 3 ajoutées à la main ; le nombre retenu reste l'estimation tant que le DPO n'adopte pas ce décompte)");
    expect(form).toContain('  - Tranche : plus de 5000');
    // The "other" precision, the unknown processors, the deadline (in time: shown anyway), the advice.
    expect(form).toContain('- Précision : Parents employeurs et assistantes maternelles');
    expect(form).toContain("- Existence de sous-traitant(s) concerné(s) : Ne sait pas pour l'instant");
    expect(form).toContain('- Échéance des 72 heures : 03/04/2020 10:30 (UTC+02:00)');
    expect(form).toContain('- Conseils donnés aux personnes :\n  - Méfiez-vous des messages');
    // Only the breach's own maintenance window, in words.
    expect(form).toContain('  - 31/03/2020 11:45 (UTC+02:00) — Mise en maintenance (tout le site) : Données croisées entre comptes');
    expect(form).toContain('  - 31/03/2020 15:15 (UTC+02:00) — Fin de la maintenance (tout le site)');
    expect(form).not.toContain('/compte');
    expect(form).not.toContain('Migration des comptes');
    // The recommendation and the decision, both.
    expect(form).toMatch(/- Recommandation de Vigie \(évaluation du 31\/03\/2020 17:00 \(UTC\+02:00\)\) : Notifier la CNIL\. Informer les personnes concernées sans délai\./);
    expect(form).toContain('- Décision du DPO (dpo-acoss, 31/03/2020 17:00 (UTC+02:00)) : Notifier la CNIL ; Informer les personnes');
    // Numbers for numeric fields: no narrow no-break space; no code, no hole.
    expect(form).not.toMatch(/\u202f|\u00a0\d/);
    for (const hole of ['undefined', 'null', '[object']) expect(form).not.toContain(hole);
    for (const code of ['notify', 'inform', 'gdpr', 'notified', 'internal-accidental', 'wrong-person-on-portal', 'civil-status']) {
      expect(form, code).not.toMatch(new RegExp(`(?<![\\p{L}-])${code}(?![\\p{L}-])`, 'u'));
    }
  });

  it('gives the people list’s count once the DPO adopts it, then files and refers to the filing', async () => {
    await editBreach(deps, breachId, { changes: { peopleCountFrom: 'people-list' }, reason: 'décompte adopté après analyse du journal' }, dpo);
    const form = await draftForm();
    expect(form).toContain('- Nombre (éventuellement approximatif) de personnes concernées : 415\n  - Origine du nombre : décompte des personnes recensées au registre, adopté par le DPO');
    const input = await draftInputFromRegister(deps, breachId);
    const draft = await createDraft(deps, { breachId, kind: 'cnil-initial', channel: 'form', lang: 'fr', input, reason: 'initial notification' }, dpo);
    await recordFiling(deps, draft.id, { filedAt: '2020-03-31T15:30:00Z', reference: 'CNIL-0042', reason: 'filed' }, dpo, fileWithRegister(deps));
    const record = await getBreach(database.db, breachId, { config: deps.config, now: clock.now() });
    expect(record.status).toBe('notified');
    expect(record.filings).toMatchObject([{ regime: 'gdpr', kind: 'initial', reference: 'CNIL-0042' }]);
    const complementary = await draftInputFromRegister(deps, breachId);
    expect(complementary.initialNotification).toEqual({ reference: 'CNIL-0042', filedAt: '2020-03-31T15:30:00.000Z' });
    const filed = complementary.breach.timeline.find((entry) => entry.labels?.fr.includes('CNIL-0042'));
    expect(filed?.labels).toEqual({ fr: 'Notification à la CNIL déposée (notification initiale), référence CNIL-0042', en: 'Notification to the CNIL filed (initial notification), reference CNIL-0042' });
  });

  it('names what the register lacks for the draft, by field, and the setting for the organisation', async () => {
    const bare = { ...deps, config: testConfig() };
    await expect(draftInputFromRegister(bare, breachId)).rejects.toMatchObject({ status: 400, errors: [{ path: 'organisation.name', message: 'set VIGIE_ORG_NAME' }] });
  });
});

describe('the DPO contact setting (VIGIE_DPO_CONTACT)', () => {
  it('reads "Name <e-mail>", "Name <e-mail>, phone", "Name, e-mail, phone" and a bare e-mail', () => {
    expect(parseContact('Jeanne Martin <dpo@example.fr>')).toEqual({ name: 'Jeanne Martin', email: 'dpo@example.fr', phone: undefined });
    expect(parseContact('Jeanne Martin <dpo@example.fr>, +33 1 23 45 67 89')).toEqual({ name: 'Jeanne Martin', email: 'dpo@example.fr', phone: '+33 1 23 45 67 89' });
    expect(parseContact('Jeanne Martin, dpo@example.fr, +33 1 23 45 67 89')).toEqual({ name: 'Jeanne Martin', email: 'dpo@example.fr', phone: '+33 1 23 45 67 89' });
    expect(parseContact('dpo@example.fr')).toEqual({ name: 'dpo@example.fr', email: 'dpo@example.fr', phone: undefined });
  });
});
