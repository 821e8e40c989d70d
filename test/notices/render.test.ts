import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/http/errors.js';
import { IncompleteDraftError } from '../../src/notices/completeness.js';
import { channelParts, draftKinds } from '../../src/notices/documents.js';
import { formatCount } from '../../src/notices/local-time.js';
import { renderDraft, type RenderRequest } from '../../src/notices/render-draft.js';
import { compilePersonalMessage } from '../../src/notices/render-personal.js';
import { createTemplateSet, defaultTemplateSet } from '../../src/notices/template-set.js';
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
    expect(form).toContain(`Nombre de personnes concernées : ${formatCount(pajemploiPeople, 'fr')} (Nombre exact`);
    expect(form).toContain('Tranche : 301 à 5000');
    expect(form).toContain('Nombre approximatif d\'enregistrements : Ne sait pas pour l\'instant');
    // (b) DPO contact
    expect(form).toContain('Délégué à la protection des données (DPO) : DPO de l’Acoss, dpo@acoss.example');
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
  });

  it('is written in English from the same data, with English labels', () => {
    const en = renderDraft(defaultTemplateSet, request({ lang: 'en' })).parts.form!;
    expect(en).toContain('Origins of the incident:\n  - Data of the wrong person shown on the customer portal');
    expect(en).toContain('Number of people concerned: 2,187 (Exact number');
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
      draft.breach.summary = 'Cache <b>mal</b> configuré ; [[person.name]] & co';
    });
    const email = renderDraft(defaultTemplateSet, request({ kind: 'notice', channel: 'email', input }));
    const parts = compilePersonalMessage(email, 'Europe/Paris')(camille);
    expect(parts['email-html']).toContain('Cache &lt;b&gt;mal&lt;&#x2F;b&gt; configuré ; &#91;&#91;person.name]] &amp; co');
    expect(parts['email-text']).toContain('Cache <b>mal</b> configuré ; [ [person.name]] & co');
  });

  it('tells the person what of theirs was exposed and when, in local time', () => {
    const email = renderDraft(defaultTemplateSet, request({ kind: 'notice', channel: 'email' }));
    const text = compilePersonalMessage(email, 'Europe/Paris')({ ...camille, lastExposedAt: '2020-03-31T09:40:00Z' })['email-text']!;
    expect(text).toContain('votre état civil (nom, prénom, date de naissance) et des informations financières');
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
    expect(draft.parts.sms).toBe('Urssaf — Pajemploi : incident. Infos https://pajemploi.example/incident [[person.name]]');
    expect(renderDraft(defaultTemplateSet, request({ kind: 'notice', channel: 'sms' })).parts.sms).toContain('ont pu s\'afficher');
  });

  it('are held to the same rule: a value the data lacks is named, never printed empty', () => {
    const templates = createTemplateSet({ 'drafts/fr/notice.sms.mustache': '{{organisation.name}} ({{organisation.website}}) {{organisation.noticeUrl}}' });
    expect(missingOf(() => renderDraft(templates, request({ kind: 'notice', channel: 'sms' })))).toEqual(['organisation.website']);
  });
});
