import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessBreach } from '../../src/breaches/assess.js';
import clockRules from '../../src/breaches/data/clock-rules.json' with { type: 'json' };
import enisa from '../../src/breaches/data/enisa.json' with { type: 'json' };
import riskFactors from '../../src/breaches/data/risk-factors.json' with { type: 'json' };
import vocabularies from '../../src/breaches/data/cnil-vocabularies.json' with { type: 'json' };
import { decideBreach, recordNotificationFiled } from '../../src/breaches/decide.js';
import { openBreach } from '../../src/breaches/edit-breach.js';
import { breachHtml, breachMarkdown } from '../../src/breaches/exports.js';
import { getBreach, type BreachRecord } from '../../src/breaches/get-breach.js';
import { addPopulation, changePerson, personStatuses } from '../../src/breaches/population.js';
import { addTimelineEvent, eventKinds } from '../../src/breaches/timeline.js';
import { manualClock } from '../../src/clock.js';
import { endMaintenance, startMaintenance } from '../../src/maintenance/service.js';
import enLabels from '../../src/notices/data/labels.en.json' with { type: 'json' };
import frLabels from '../../src/notices/data/labels.fr.json' with { type: 'json' };
import { channelParts, draftKinds } from '../../src/notices/documents.js';
import { draftInputFromBreach } from '../../src/notices/from-breach.js';
import { renderDraft } from '../../src/notices/render-draft.js';
import { compilePersonalMessage } from '../../src/notices/render-personal.js';
import { defaultTemplateSet } from '../../src/notices/template-set.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testConfig } from '../helpers/test-app.js';

const dpo = { subject: 'jeanne', roles: ['dpo'] };
const codesOf = (list: { code: string }[]) => list.map((term) => term.code);

/** Every code of every enumeration a document may show: none may reach a reader as it is. */
const codes = new Set<string>([
  ...Object.values(vocabularies).flatMap((value) => (Array.isArray(value) ? codesOf(value as { code: string }[]) : [])),
  ...['open', 'assessed', 'notified', 'closed', 'reopened'],
  ...['notify', 'not-notify', 'inform', 'not-inform', 'public-communication', 'undetermined', 'record-only', 'depends', 'do-not-inform'],
  ...['waiting', 'running', 'met', 'missed', 'not-required', 'initial', 'complementary'],
  ...clockRules.regimes.flatMap((regime) => [regime.code, ...codesOf(regime.steps)]),
  ...personStatuses,
  ...eventKinds,
  ...['maintenance', 'maintenance-ended', 'decision', 'aware', 'processor-notified', 'site', 'register', 'ongoing', 'snapshot'],
  ...['none', 'single-trusted', 'known', 'public', 'recall-requested', 'deletion-confirmed', 'confirmed', 'ruled-out', 'estimate', 'people-list'],
  ...codesOf(enisa.bands),
  ...codesOf(enisa.easeOfIdentification),
  ...Object.keys(riskFactors.factors),
  ...draftKinds,
  ...Object.values(channelParts).flatMap((channels) => Object.keys(channels)),
  'true',
  'false',
]);

/** The words a language's own labels use (a code that is also one of them, like « site », is a word there). */
function wordsOf(...sources: unknown[]): Set<string> {
  const words = new Set<string>();
  const walk = (value: unknown) => {
    if (typeof value === 'string') for (const token of value.match(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu) ?? []) words.add(token);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  sources.forEach(walk);
  return words;
}

/** Free text the DPO typed: its words are the DPO's, not codes. */
const typed = {
  summary: 'Un cache mal configuré a montré à des usagers les données d’autres usagers.',
  summaryForPeople: 'Une erreur technique a montré vos informations à un autre usager.',
  originOther: 'Export transmis par erreur',
  causeOther: 'Procédure mal suivie',
  personCategoriesOther: 'Parents employeurs',
  dataCategoriesOther: 'Numéro de dossier',
  consequencesDetail: 'Hameçonnage ciblé possible',
  circumstances: 'Signalements d’usagers le matin.',
  measure: 'Cache corrigé',
  advice: 'Méfiez-vous des messages inattendus.',
  justification: 'Avis suivi après lecture du dossier par le service juridique',
};
/** The texts of one language in the register's data files (their other fields are English sources, not labels). */
const inLanguage = (lang: 'fr' | 'en') => [
  clockRules.regimes.map((r) => [r[lang], r.steps.map((s) => s[lang])]),
  Object.values(riskFactors.factors).map((f) => f[lang]),
  [...Object.values(riskFactors.outcomes.authority), ...Object.values(riskFactors.outcomes.people), riskFactors.outcomes.decidedBy].map((o) => o[lang]),
  Object.values(riskFactors.decidedBy).map((d) => d[lang]),
  [...enisa.bands, ...enisa.easeOfIdentification, ...enisa.dpcAdjustments].map((t) => t[lang]),
];
const languageWords = { fr: wordsOf(frLabels, inLanguage('fr'), typed), en: wordsOf(enLabels, inLanguage('en'), typed) };

/** Codes that appear as words of a text although its language never uses them so. */
function rawCodes(text: string, lang: 'fr' | 'en'): string[] {
  const found = new Set<string>();
  // What a reader sees: the text, not the markup (an HTML attribute such as role="alert" is no word).
  const visible = text.replace(/<[^>]*>/g, ' ');
  for (const token of visible.match(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu) ?? []) {
    if (codes.has(token) && !languageWords[lang].has(token)) found.add(token);
  }
  return [...found];
}

describe.each(engines())('no code reaches a reader: every draft kind, channel and the register document (%s)', (engine) => {
  let database: TestDatabase;
  const clock = manualClock('2026-03-02T07:00:00Z');
  const config = testConfig({
    VIGIE_ORG_NAME: 'Service Exemple',
    VIGIE_DPO_CONTACT: 'Jeanne Martin <dpo@exemple.fr>, 01 23 45 67 89',
    VIGIE_NOTICE_URL: 'https://exemple.fr/incident',
    VIGIE_BREACH_REGIMES: 'nis2,nis2-trust-service,eprivacy,dora',
  });
  const deps = () => ({ db: database.db, clock, config });
  let record: BreachRecord;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    const m = { db: database.db, clock, config: { adminPrefix: '/_vigie' } };
    const sre = { subject: 'sam', roles: ['sre'] };
    const all = <K extends keyof typeof vocabularies>(key: K) => codesOf(vocabularies[key] as { code: string }[]);
    const { id } = await openBreach(
      deps(),
      {
        title: 'Toutes les valeurs',
        summary: typed.summary,
        summaryForPeople: typed.summaryForPeople,
        certainty: 'suspected',
        natures: all('natures') as never,
        origins: all('origins') as never,
        originOther: typed.originOther,
        causes: all('causes') as never,
        causeOther: typed.causeOther,
        awareAt: '2026-03-02T07:00:00Z',
        discoveredAt: '2026-03-02T06:30:00Z',
        startedAt: '2026-03-02T06:00:00Z',
        processorNotifiedAt: '2026-03-02T06:45:00Z',
        classifiedAt: '2026-03-02T07:30:00Z',
        ongoing: true,
        circumstances: typed.circumstances,
        personCategories: all('personCategories') as never,
        personCategoriesOther: typed.personCategoriesOther,
        peopleCount: 1200,
        peopleEstimate: { min: 1000, max: 1500, basis: 'sessions ouvertes' },
        directlyIdentifiable: true,
        recordCount: 5000,
        dataCategories: all('dataCategories') as never,
        dataCategoriesOther: typed.dataCategoriesOther,
        dataMedia: all('dataMedia') as never,
        consequences: all('consequences') as never,
        consequencesDetail: typed.consequencesDetail,
        recipients: 'known',
        recipientsCount: 40,
        recipientAction: 'recall-requested',
        exfiltration: 'ruled-out',
        insider: true,
        backupAvailable: true,
        restoreHours: 3,
        fullPaymentCardData: false,
        measures: { immediate: [typed.measure], mediumTerm: [typed.measure], longTerm: [typed.measure] },
        adviceToPeople: [typed.advice],
        processorsInvolved: true,
        processors: [{ name: 'Hébergeur', contact: 'contact@hebergeur.example' }],
        peopleInformed: 'will-be',
        crossBorder: false,
        affectedPaths: ['/espace'],
      },
      dpo,
    );
    // Maintenance: site-wide, read-only, and on the breach's own path.
    for (const window of [{}, { readOnly: true }, { scope: '/espace' }]) {
      clock.set(new Date(clock.now().getTime() + 60_000));
      const { event } = await startMaintenance(m, { reason: 'Arrêt', bypassLink: false, ...window }, sre);
      clock.set(new Date(clock.now().getTime() + 60_000));
      await endMaintenance(m, { windowId: event.window_id, reason: 'Reprise' }, sre);
    }
    clock.set('2026-03-02T09:00:00Z');
    for (const kind of eventKinds) await addTimelineEvent(deps(), id, { kind, at: new Date('2026-03-02T08:30:00Z'), summary: `Événement ${eventKinds.indexOf(kind) + 1}` }, dpo);
    await addPopulation(deps(), id, [{ ref: 's1', exposed: ['financial'] }], 'snapshot:s1', dpo);
    await addPopulation(deps(), id, [{ ref: 'c1' }], 'csv', dpo);
    await addPopulation(deps(), id, personStatuses.map((_, i) => ({ ref: `m${i}` })), 'manual', dpo);
    for (const [i, status] of personStatuses.entries()) if (status !== 'identified') await changePerson(deps(), id, `m${i}`, { status, reason: 'suivi' }, dpo);
    await assessBreach(deps(), id, {}, dpo);
    await decideBreach(deps(), id, { authority: 'notify', people: 'public-communication', justification: typed.justification }, dpo);
    await recordNotificationFiled(deps(), id, { filedAt: new Date('2026-03-02T08:50:00Z'), reference: 'CNIL-1', kind: 'initial' }, dpo);
    await recordNotificationFiled(deps(), id, { filedAt: new Date('2026-03-02T08:55:00Z'), kind: 'complementary' }, dpo);
    for (const regime of clockRules.regimes.filter((r) => r.code !== 'gdpr')) {
      await recordNotificationFiled(deps(), id, { filedAt: new Date('2026-03-02T08:56:00Z'), kind: 'initial', regime: regime.code, step: regime.steps[0]!.code }, dpo);
    }
    record = await getBreach(database.db, id, { config, now: clock.now() });
  });
  afterAll(() => database.close());

  /** The same breach with each single-valued fact set to each of its values in turn. */
  const variants = (): BreachRecord[] => {
    const out: BreachRecord[] = [record];
    const with_ = (change: (r: BreachRecord) => void) => {
      const copy = structuredClone(record);
      change(copy);
      out.push(copy);
    };
    for (const status of ['open', 'assessed', 'notified', 'closed', 'reopened']) with_((r) => void (r.status = status));
    for (const code of codesOf(vocabularies.peopleInformed)) with_((r) => void Object.assign(r.facts, { peopleInformed: code, peopleInformedJustification: typed.justification }));
    for (const code of ['none', 'single-trusted', 'known', 'unknown', 'public'] as const) with_((r) => void (r.facts.recipients = code));
    for (const code of ['none', 'recall-requested', 'deletion-confirmed'] as const) with_((r) => void (r.facts.recipientAction = code));
    with_((r) => void Object.assign(r.facts, { exfiltration: 'confirmed', certainty: 'established', peopleCountFrom: 'people-list', fullPaymentCardData: true }));
    for (const state of ['waiting', 'running', 'met', 'missed', 'not-required'] as const) with_((r) => r.clocks.forEach((c) => (c.state = state)));
    for (const authority of ['notify', 'not-notify'] as const) {
      for (const people of ['inform', 'not-inform', 'public-communication', 'undetermined'] as const) {
        with_((r) => void Object.assign(r.decision!, { authority, people, departures: [{ field: 'authority', advised: 'record-only', decided: authority }, { field: 'people', advised: 'do-not-inform', decided: people }] }));
      }
    }
    for (const [authority, people] of [['record-only', 'do-not-inform'], ['depends', 'depends'], ['notify', 'inform']] as const) {
      with_((r) => void Object.assign(r.assessment!.recommendation, { authority, people }));
    }
    for (const band of codesOf(enisa.bands)) with_((r) => void (r.assessment!.score.band = band as never));
    with_((r) => r.assessment!.recommendation.factors.forEach((f) => (f.status = 'present')));
    return out;
  };

  it('the register document, Markdown and HTML, French and English', () => {
    for (const variant of variants()) {
      for (const lang of ['fr', 'en'] as const) {
        for (const text of [breachMarkdown(variant, 'Europe/Paris', lang), breachHtml(variant, 'Europe/Paris', lang)]) {
          expect(rawCodes(text, lang), `${lang}: ${text.slice(0, 200)}`).toEqual([]);
        }
      }
    }
  });

  it('every draft kind on every channel, in both languages, as each person reads it', () => {
    const person = { name: 'Camille', exposed: codesOf(vocabularies.dataCategories), firstExposedAt: '2026-03-02T06:10:00Z', lastExposedAt: '2026-03-02T06:50:00Z' };
    let rendered = 0;
    for (const variant of variants()) {
      const input = { ...draftInputFromBreach(variant, { noticeUrl: 'https://exemple.fr/incident' }), initialNotification: { reference: 'CNIL-1' }, partner: { name: 'Hébergeur' } };
      for (const kind of draftKinds) {
        for (const channel of Object.keys(channelParts[kind])) {
          for (const lang of ['fr', 'en'] as const) {
            const draft = renderDraft(defaultTemplateSet, { kind, channel, lang, input, timeZone: 'Europe/Paris', at: new Date('2026-03-02T10:00:00Z') });
            const parts = kind === 'notice' || kind === 'apology' ? compilePersonalMessage(draft, 'Europe/Paris')(person) : draft.parts;
            for (const [part, text] of Object.entries(parts)) {
              expect(rawCodes(text, lang), `${kind}/${channel}/${lang}/${part}`).toEqual([]);
              rendered++;
            }
          }
        }
      }
    }
    expect(rendered).toBeGreaterThan(500);
  });

  it('the check itself finds a code: the register document as it was written before (« Statut : notified »)', () => {
    expect(rawCodes('Statut : notified · Décision : autorité notify, personnes inform · Maintenance site: x', 'fr')).toEqual(['notified', 'notify', 'inform']);
    // In English, a code that is also an English word of the labels ("notified") cannot be told apart; the others can.
    expect(rawCodes('Status: notified; not-required; do-not-inform', 'en')).toEqual(['not-required', 'do-not-inform']);
  });
});
