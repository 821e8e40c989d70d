import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/http/errors.js';
import { IncompleteDraftError } from '../../src/notices/completeness.js';
import type { DraftInputIn } from '../../src/notices/draft-input.js';
import { channelParts, draftKinds } from '../../src/notices/documents.js';
import { renderDraft, type RenderRequest } from '../../src/notices/render-draft.js';
import { compilePersonalMessage } from '../../src/notices/render-personal.js';
import { createTemplateSet, defaultTemplateSet, unescapedHtml, UnsafeTemplateError } from '../../src/notices/template-set.js';
import { pajemploiInput, pajemploiPeople, sameDay } from './fixtures.js';

const request = (overrides: Partial<RenderRequest> = {}): RenderRequest => ({
  kind: 'cnil-initial',
  channel: 'form',
  lang: 'fr',
  input: pajemploiInput(),
  timeZone: 'Europe/Paris',
  at: sameDay,
  ...overrides,
});

const missingOf = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(IncompleteDraftError);
    return (error as IncompleteDraftError).errors.map((field) => field.path);
  }
  throw new Error('expected the draft to be refused');
};

const camille = { name: 'Camille <script>alert(1)</script>', exposed: ['civil-status', 'financial'], firstExposedAt: '2020-03-31T07:02:00Z' };

describe('the CNIL notification draft of the Pajemploi breach (31 March 2020)', () => {
  const form = renderDraft(defaultTemplateSet, request()).parts.form!;

  it('holds each Art. 33(3) element under the form’s sections', () => {
    // (a) nature, categories and number of people and records
    expect(form).toContain('## Nature de la violation');
    expect(form).toContain('Perte de la confidentialité');
    expect(form).toContain('cache) mal configuré');
    expect(form).toMatch(/Catégories de personnes :\n {2}- Utilisateurs/);
    // Plain digits for the form's numeric field (no narrow no-break space), and where the number comes from.
    expect(form).toContain(`Nombre (éventuellement approximatif) de personnes concernées : ${pajemploiPeople}\n  - Origine du nombre : décompte des personnes recensées au registre, adopté par le DPO`);
    expect(form).not.toContain('\u202f');
    expect(form).toContain('  - Tranche : 301 à 5000');
    expect(form).toContain('Nombre approximatif d\'enregistrements : Ne sait pas pour l\'instant');
    // (b) DPO contact
    expect(form).toContain('Délégué à la protection des données (DPO) : DPO de l’Acoss, dpo@acoss.example, +33 1 00 00 00 00\n');
    // (c) likely consequences; (d) measures
    expect(form).toMatch(/## Conséquences probables[\s\S]*- Perte de contrôle sur leurs données\n {2}- Fraude/);
    expect(form).toMatch(/Mesures immédiates :\n {2}- Mise en maintenance du site de 11:45 à 15:15/);
  });

  it('names the origin with the form’s own label and the type of notification', () => {
    expect(form).toContain('- Origines de l\'incident :\n  - Données de la mauvaise personne affichées sur le portail du client');
    expect(form).toContain('Type de notification : Notification initiale');
  });

  it('shows the 11:45–15:15 maintenance window in local time (CEST) with the offset', () => {
    expect(form).toContain('31/03/2020 11:45 (UTC+02:00) — Site mis en maintenance');
    expect(form).toContain('31/03/2020 15:15 (UTC+02:00) — Fin de la maintenance');
    expect(form).toContain('Date et heure de la fin de la violation : 31/03/2020 11:45 (UTC+02:00)');
    expect(form).toContain('Date et heure de notification par le prestataire : Ne sait pas pour l\'instant');
  });

  it('has no hole: no undefined, null, [object or empty value after a label', () => {
    expect(form).not.toMatch(/undefined|null|\[object|NaN/);
    // A label ending a line is followed by its list.
    expect(form).not.toMatch(/ : *\n(?! {2}- )/);
    expect(form).not.toContain('Motifs du retard');
    // The 72-hour deadline is always shown, not only when late.
    expect(form).toContain('Échéance des 72 heures : 03/04/2020 10:30 (UTC+02:00)');
  });

  it('is written in English from the same data, with English labels', () => {
    const en = renderDraft(defaultTemplateSet, request({ lang: 'en' })).parts.form!;
    expect(en).toContain('Origins of the incident:\n  - Data of the wrong person shown on the customer portal');
    expect(en).toContain('Number (possibly approximate) of people concerned: 2187\n  - Where the number comes from: count of the people listed in the register, adopted by the DPO');
    expect(en).toContain('2020-03-31 11:45 (UTC+02:00) — Site mis en maintenance');
  });
});

describe('completeness', () => {
  it('refuses a breach missing the consequences, naming the field, and renders nothing', () => {
    const input = pajemploiInput((draft) => {
      draft.breach.consequences = [];
    });
    expect(missingOf(() => renderDraft(defaultTemplateSet, request({ input })))).toEqual(['breach.consequences']);
  });

  it('names every missing Art. 33(3) element at once', () => {
    const input = pajemploiInput((draft) => {
      delete draft.dpo;
      delete draft.breach.summary;
      delete draft.breach.people;
      draft.breach.measures = {};
    });
    expect(missingOf(() => renderDraft(defaultTemplateSet, request({ input })))).toEqual(['breach.summary', 'dpo.name', 'dpo.email', 'breach.people.count', 'breach.measures']);
  });

  it('asks for the reasons of the delay past 72 hours, and prints them with the deadline', () => {
    const late = new Date(Date.parse('2020-03-31T08:30:00Z') + 73 * 3600_000);
    expect(missingOf(() => renderDraft(defaultTemplateSet, request({ at: late })))).toEqual(['breach.delayReasons']);
    const input = pajemploiInput((draft) => {
      draft.breach.delayReasons = 'Le décompte exact des personnes a demandé l’analyse du journal d’accès.';
    });
    const form = renderDraft(defaultTemplateSet, request({ at: late, input })).parts.form!;
    expect(form).toContain('Motifs du retard (notification au-delà de 72 heures) : Le décompte exact des personnes a demandé l’analyse du journal d’accès.');
    expect(form).toContain('Échéance des 72 heures : 03/04/2020 10:30 (UTC+02:00)');
    // 71 hours later it is not late: no reasons asked.
    const inTime = new Date(Date.parse('2020-03-31T08:30:00Z') + 71 * 3600_000);
    expect(renderDraft(defaultTemplateSet, request({ at: inTime })).parts.form).not.toContain('Motifs du retard');
  });

  it('asks a complementary notification for the reference of the initial one', () => {
    expect(missingOf(() => renderDraft(defaultTemplateSet, request({ kind: 'cnil-complementary' })))).toEqual(['initialNotification.reference']);
    const input = pajemploiInput((draft) => {
      draft.initialNotification = { reference: 'CNIL-2020-0331-0042', filedAt: '2020-03-31T16:30:00Z' };
    });
    const form = renderDraft(defaultTemplateSet, request({ kind: 'cnil-complementary', input })).parts.form!;
    expect(form).toContain('Type de notification : Notification complémentaire');
    expect(form).toContain('Référence de la notification initiale : CNIL-2020-0331-0042');
    expect(form).toContain('Date de la notification initiale : 31/03/2020 18:30 (UTC+02:00)');
  });

  it('asks an SMS for the page it links to, and a partner notice for its addressee', () => {
    const input = pajemploiInput((draft) => {
      delete draft.organisation.noticeUrl;
    });
    expect(missingOf(() => renderDraft(defaultTemplateSet, request({ kind: 'notice', channel: 'sms', input })))).toEqual(['organisation.noticeUrl']);
    expect(missingOf(() => renderDraft(defaultTemplateSet, request({ kind: 'partner-notice', channel: 'email' })))).toEqual(['partner.name']);
  });
});

describe('every document, channel and language', () => {
  const complete = pajemploiInput((draft) => {
    draft.initialNotification = { reference: 'CNIL-1' };
    draft.partner = { name: 'Hébergeur <Cache & Cie>' };
  });
  for (const kind of draftKinds) {
    for (const channel of Object.keys(channelParts[kind])) {
      for (const lang of ['fr', 'en'] as const) {
        it(`${kind} / ${channel} / ${lang} renders without holes, personalised where it goes to people`, () => {
          const draft = renderDraft(defaultTemplateSet, request({ kind, channel, lang, input: complete }));
          const personal = kind === 'notice' || kind === 'apology';
          const parts = personal ? compilePersonalMessage(draft, 'Europe/Paris')(camille) : draft.parts;
          for (const [part, text] of Object.entries(parts)) {
            expect(text.trim().length, part).toBeGreaterThan(10);
            expect(text, part).not.toMatch(/undefined|\bnull\b|\[object|NaN|\[\[|\{\{/);
          }
        });
      }
    }
  }
});

describe('escaping per medium', () => {
  it('escapes a name with <script> in HTML and keeps it intact in text and SMS', () => {
    const email = renderDraft(defaultTemplateSet, request({ kind: 'notice', channel: 'email' }));
    const parts = compilePersonalMessage(email, 'Europe/Paris')(camille);
    expect(parts['email-html']).toContain('Bonjour Camille &lt;script&gt;alert(1)&lt;&#x2F;script&gt;,');
    expect(parts['email-html']).not.toContain('<script>');
    expect(parts['email-text']).toContain('Bonjour Camille <script>alert(1)</script>,');
    const letter = compilePersonalMessage(renderDraft(defaultTemplateSet, request({ kind: 'notice', channel: 'letter' })), 'Europe/Paris')(camille);
    expect(letter.letter).toContain('À l\'attention de Camille <script>alert(1)</script>');
  });

  it('escapes breach facts in HTML, and a fact cannot smuggle in a person placeholder', () => {
    const input = pajemploiInput((draft) => {
      draft.breach.summaryForPeople = 'Cache <b>mal</b> configuré ; [[person.name]] & co';
    });
    const email = renderDraft(defaultTemplateSet, request({ kind: 'notice', channel: 'email', input }));
    const parts = compilePersonalMessage(email, 'Europe/Paris')(camille);
    expect(parts['email-html']).toContain('Cache &lt;b&gt;mal&lt;&#x2F;b&gt; configuré ; &#91;&#91;person.name]] &amp; co');
    expect(parts['email-text']).toContain('Cache <b>mal</b> configuré ; [ [person.name]] & co');
  });

  it('tells the person what of theirs was exposed and when, in local time', () => {
    const email = renderDraft(defaultTemplateSet, request({ kind: 'notice', channel: 'email' }));
    const text = compilePersonalMessage(email, 'Europe/Paris')({ ...camille, lastExposedAt: '2020-03-31T09:40:00Z' })['email-text']!;
    expect(text).toContain('des éléments de votre état civil et des informations financières');
    expect(text).toContain('Quand : 31/03/2020 09:02 (UTC+02:00) – 31/03/2020 11:40 (UTC+02:00).');
  });

  it('renders plain fields (the fast path) exactly as mustache renders sections around them', () => {
    const render = (html: string) => compilePersonalMessage({ lang: 'fr', parts: { 'email-html': html } }, 'Europe/Paris')(camille)['email-html'];
    const plain = render('<p>[[person.name]] / [[person.when]] / [[&person.date]]</p>');
    expect(plain).toBe('<p>Camille &lt;script&gt;alert(1)&lt;&#x2F;script&gt; / 31&#x2F;03&#x2F;2020 09:02 (UTC+02:00) / 31/03/2020</p>');
    expect(render('<p>[[#person.sameTime]][[person.name]] / [[person.when]] / [[&person.date]][[/person.sameTime]]</p>')).toBe(plain);
  });

  it('names an unknown data category of a person instead of failing', () => {
    const render = compilePersonalMessage({ lang: 'fr', parts: { sms: '[[person.exposedList]]' } }, 'Europe/Paris');
    expect(() => render({ ...camille, exposed: ['shoe-size'] })).toThrow(ValidationError);
  });

  it('refuses a hand edit with a placeholder no person field answers', () => {
    expect(() => compilePersonalMessage({ lang: 'fr', parts: { sms: 'Bonjour [[person.iban]]' } }, 'Europe/Paris')).toThrow(/unknown placeholder \[\[person.iban\]\]/);
  });
});

describe('an organisation’s own templates', () => {
  it('override the default without touching code', () => {
    const templates = createTemplateSet({ 'drafts/fr/notice.sms.mustache': '{{organisation.name}} : incident. Infos {{organisation.noticeUrl}} [[person.name]]\n' });
    const draft = renderDraft(templates, request({ kind: 'notice', channel: 'sms' }));
    // The em dash of the organisation's name is folded: the SMS stays GSM-7.
    expect(draft.parts.sms).toBe('Urssaf - Pajemploi : incident. Infos https://pajemploi.example/incident [[person.name]]');
    expect(renderDraft(defaultTemplateSet, request({ kind: 'notice', channel: 'sms' })).parts.sms).toContain('ont pu s\'afficher');
  });

  it('are held to the same rule: a value the data lacks is named, never printed empty', () => {
    const templates = createTemplateSet({ 'drafts/fr/notice.sms.mustache': '{{organisation.name}} ({{organisation.website}}) {{organisation.noticeUrl}}' });
    expect(missingOf(() => renderDraft(templates, request({ kind: 'notice', channel: 'sms' })))).toEqual(['organisation.website']);
  });
});

describe('the CNIL draft says what the DPO entered, no more, no less (issue 16)', () => {
  const form = (change: (draft: DraftInputIn) => void) => renderDraft(defaultTemplateSet, request({ input: pajemploiInput(change) })).parts.form!;

  it('the "other" precisions of cause, people and data categories reach the draft', () => {
    const text = form((draft) => {
      Object.assign(draft.breach, {
        causes: ['other'],
        causeOther: 'Procédure de mise en production contournée',
        personCategories: ['other'],
        personCategoriesOther: 'Parents employeurs',
        dataCategories: ['other'],
        dataCategoriesOther: 'Numéro de dossier Pajemploi',
      });
    });
    expect(text).toContain('  - Autre\n- Précision : Procédure de mise en production contournée');
    expect(text).toContain('  - Autres\n- Précision : Parents employeurs');
    expect(text).toContain('- Précision : Numéro de dossier Pajemploi');
  });

  it('unknown processors are « Ne sait pas pour l’instant », not « Non »', () => {
    expect(form(() => {})).toContain("Existence de sous-traitant(s) concerné(s) : Ne sait pas pour l'instant");
    expect(form((draft) => void (draft.breach.processorsInvolved = false))).toContain('Existence de sous-traitant(s) concerné(s) : Non');
    expect(form((draft) => void (draft.breach.processors = [{ name: 'Hébergeur' }]))).toContain('Existence de sous-traitant(s) concerné(s) : Oui\n  - Hébergeur');
  });

  it('numbers for the form’s numeric fields are plain digits', () => {
    const text = form((draft) => void Object.assign(draft.breach, { recordCount: 1_234_567, people: { count: 30_000 } }));
    expect(text).toContain("Nombre approximatif d'enregistrements : 1234567\n");
    expect(text).toContain('de personnes concernées : 30000\n');
    expect(text).not.toMatch(/\d[\u202f\u00a0]\d/);
  });

  it('the DPO line gives each value once', () => {
    expect(form((draft) => void (draft.dpo = { name: 'dpo@acoss.example', email: 'dpo@acoss.example', phone: '01 23 45 67 89' }))).toContain('(DPO) : dpo@acoss.example, 01 23 45 67 89\n');
  });

  it('shows the recommendation and the decision with its departure and justification', () => {
    const text = form((draft) => {
      draft.assessment = { at: '2020-03-31T14:00:00Z', actor: 'dpo', score: 3.25, band: 'high', authority: 'notify', people: 'inform', summary: { fr: 'Notifier la CNIL. Informer les personnes concernées sans délai.', en: 'x' } };
      draft.decision = { at: '2020-03-31T15:00:00Z', actor: 'dpo', authority: 'notify', people: 'public-communication', justification: 'Adresses inconnues', departures: [{ field: 'people', advised: 'inform', decided: 'public-communication' }] };
    });
    expect(text).toContain('- Recommandation de Vigie (évaluation du 31/03/2020 16:00 (UTC+02:00)) : Notifier la CNIL. Informer les personnes concernées sans délai.\n- Sévérité (méthode ENISA) : 3,25 (Élevée)');
    expect(text).toContain('- Décision du DPO (dpo, 31/03/2020 17:00 (UTC+02:00)) : Notifier la CNIL ; Communication publique\n- Écart avec la recommandation :\n  - personnes — recommandé : Informer les personnes ; décidé : Communication publique\n- Justification : Adresses inconnues');
  });
});

describe('messages to people (issue 16)', () => {
  const text = (input = pajemploiInput()) => compilePersonalMessage(renderDraft(defaultTemplateSet, request({ kind: 'notice', channel: 'email', input })), 'Europe/Paris')(camille)['email-text']!;

  it('separate what was done from what is planned', () => {
    const body = text();
    expect(body).toContain('Ce que nous avons fait\n- Mise en maintenance du site de 11:45 à 15:15\n- Correction de la configuration du cache\n\nCe que nous allons faire\n- Contrôle automatique');
    expect(body.indexOf('Contrôle automatique')).toBeGreaterThan(body.indexOf('Ce que nous allons faire'));
  });

  it('tell people what happened in plain words, not the CNIL’s summary; the DPO’s own words when given', () => {
    const body = text();
    expect(body).not.toContain('système de stockage temporaire (cache) mal configuré');
    expect(body).toContain("Ce qui s'est passé\nÀ la suite d'une erreur technique sur notre service en ligne, des informations vous concernant ont pu être affichées à un autre utilisateur du service.");
    const own = text(pajemploiInput((draft) => void (draft.breach.summaryForPeople = 'Le 31 mars, une erreur de notre part a montré vos informations à un autre parent.')));
    expect(own).toContain("Ce qui s'est passé\nLe 31 mars, une erreur de notre part a montré vos informations à un autre parent.");
  });

  it('name only what the person’s own exposure contained, without examples it may not have held', () => {
    const only = compilePersonalMessage(renderDraft(defaultTemplateSet, request({ kind: 'notice', channel: 'email' })), 'Europe/Paris')({ ...camille, exposed: ['financial'] })['email-text']!;
    expect(only).toContain("Informations vous concernant touchées par l'incident : des informations financières.");
    const concerns = only.slice(only.indexOf('Ce qui vous concerne'), only.indexOf('Conséquences possibles'));
    expect(concerns).not.toMatch(/bancaires|salaire|date de naissance|état civil/);
  });
});

describe('templates that turn HTML escaping off are refused when they are loaded', () => {
  it('{{{…}}} or {{& …}} in an HTML part, or in a partial an HTML part includes; text parts may', () => {
    expect(() => createTemplateSet({ 'drafts/fr/notice.email-html.mustache': '<p>{{{breach.summary}}}</p>' })).toThrow(/drafts\/fr\/notice\.email-html\.mustache writes \{\{\{breach\.summary\}\}\} unescaped/);
    expect(() => createTemplateSet({ 'drafts/en/apology.email-html.mustache': '<p>{{& organisation.name}}</p>' })).toThrow(UnsafeTemplateError);
    expect(() =>
      createTemplateSet({ 'drafts/fr/notice.email-html.mustache': '<div>{{> footer}}</div>', 'drafts/fr/partials/footer.mustache': '{{{dpo.line}}}' }),
    ).toThrow(/partials\/footer\.mustache \(included by drafts\/fr\/notice\.email-html\.mustache\)/);
    expect(() => createTemplateSet({ 'drafts/fr/notice.email-text.mustache': '{{{breach.summary}}}' })).not.toThrow();
    expect(unescapedHtml({})).toEqual([]);
  });
});
