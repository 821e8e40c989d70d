import { describe, expect, it } from 'vitest';
import { renderDraft } from '../../src/notices/render-draft.js';
import { compilePersonalMessage } from '../../src/notices/render-personal.js';
import { countSms, smsWarnings } from '../../src/notices/sms.js';
import { defaultTemplateSet } from '../../src/notices/template-set.js';
import { pajemploiInput, sameDay } from './fixtures.js';

const a = (n: number) => 'a'.repeat(n);

describe('SMS length, encoding and segments', () => {
  it('counts GSM-7 at 160 characters in one SMS and 153 per segment beyond', () => {
    expect(countSms(a(160))).toMatchObject({ encoding: 'GSM-7', units: 160, segments: 1, perSegment: 160 });
    expect(countSms(a(161))).toMatchObject({ encoding: 'GSM-7', units: 161, segments: 2, perSegment: 153 });
    expect(countSms(a(306)).segments).toBe(2);
    expect(countSms(a(307)).segments).toBe(3);
    expect(countSms('').segments).toBe(0);
  });

  it('keeps French letters of the GSM alphabet (é è à ù) in GSM-7', () => {
    expect(countSms('Vos données ont été affichées à un autre usager, où ? Ça').encoding).toBe('GSM-7');
  });

  it('counts the extension table (€ [ ] { } ~ ^ | \\) as two septets, never split across segments', () => {
    expect(countSms('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', characters: 80, units: 160, segments: 1 });
    expect(countSms('€'.repeat(81))).toMatchObject({ units: 162, segments: 2 });
    // 152 + 2 does not fit in 153: the escape pair moves to segment 2, which then overflows into a third.
    expect(countSms(`${a(152)}€${a(152)}`)).toMatchObject({ units: 306, segments: 3 });
    expect(countSms('[]{}~^|\\').units).toBe(16);
  });

  it('switches to UCS-2 at one character outside GSM-7 (ê, ç, œ, ’), at 70 then 67 per segment', () => {
    const ucs = countSms(`${a(69)}ê`);
    expect(ucs).toMatchObject({ encoding: 'UCS-2', units: 70, segments: 1, perSegment: 70, nonGsmCharacters: ['ê'] });
    expect(countSms(`${a(70)}ç`)).toMatchObject({ encoding: 'UCS-2', units: 71, segments: 2, perSegment: 67 });
    expect(countSms(`${a(133)}œ`).segments).toBe(2);
    expect(countSms(`${a(134)}œ`).segments).toBe(3);
    expect(countSms('l’Acoss').encoding).toBe('UCS-2');
  });

  it('counts a character beyond the BMP as two UCS-2 units and does not split it', () => {
    expect(countSms('😀')).toMatchObject({ encoding: 'UCS-2', characters: 1, units: 2, segments: 1 });
    expect(countSms(`${a(66)}😀${a(10)}`)).toMatchObject({ units: 78, segments: 2 });
  });

  it('warns past the configured number of segments, and says which characters forced UCS-2', () => {
    expect(smsWarnings(countSms(a(400)), 2)).toEqual(['Le SMS fait 3 segments (limite configurée : 2).']);
    expect(smsWarnings(countSms(a(400)), 3)).toEqual([]);
    expect(smsWarnings(countSms('être'), 3, 'en')).toEqual(['UCS-2 encoding (70 characters per SMS) because of: ê']);
  });

  it('builds the default French SMS from the facts, in GSM-7, within its budget for every recipient', () => {
    const input = pajemploiInput((draft) => {
      draft.organisation.name = 'Pajemploi';
    });
    const render = (smsMaxSegments: number) => renderDraft(defaultTemplateSet, { kind: 'notice', channel: 'sms', lang: 'fr', input, timeZone: 'Europe/Paris', at: sameDay, smsMaxSegments });
    const send = (draft: ReturnType<typeof render>, exposed: string[]) => compilePersonalMessage(draft, 'Europe/Paris')({ name: 'Camille', exposed, firstExposedAt: '2020-03-31T07:00:00Z' }).sms!;
    // Budget of 3: the person's own categories are listed.
    const full = send(render(3), ['civil-status', 'contact', 'financial']);
    expect(full).toContain('ont pu s\'afficher chez un autre usager (des éléments de votre état civil');
    expect(countSms(full)).toMatchObject({ encoding: 'GSM-7' });
    expect(countSms(full).segments).toBeLessThanOrEqual(3);
    // Budget of 1: the list is dropped so that the longest message still fits one SMS.
    const short = send(render(1), ['civil-status', 'contact', 'financial']);
    expect(short).toBe('Pajemploi : le 31/03/2020, des informations vous concernant ont pu s\'afficher chez un autre usager. Conseils et contact : https://pajemploi.example/incident');
    expect(countSms(short)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it('words the SMS from the breach’s origin, not a fixed sentence', () => {
    const sms = (origins: string[], natures = ['confidentiality']) =>
      renderDraft(defaultTemplateSet, {
        kind: 'notice',
        channel: 'sms',
        lang: 'fr',
        input: pajemploiInput((draft) => void Object.assign(draft.breach, { origins, natures })),
        timeZone: 'Europe/Paris',
        at: sameDay,
      }).parts.sms!;
    expect(sms(['wrong-recipient'])).toContain('ont été envoyées par erreur à une autre personne');
    expect(sms(['hacking'])).toContain('exposées lors d\'une attaque informatique');
    expect(sms([], ['availability'])).toContain('temporairement inaccessibles');
    expect(sms(['wrong-recipient'])).not.toContain('chez un autre usager');
  });

  it('an em dash in the organisation’s name no longer turns the SMS into UCS-2; other French letters fold only to fit', () => {
    const render = (name: string, smsMaxSegments = 3) =>
      renderDraft(defaultTemplateSet, {
        kind: 'notice',
        channel: 'sms',
        lang: 'fr',
        input: pajemploiInput((draft) => void (draft.organisation.name = name)),
        timeZone: 'Europe/Paris',
        at: sameDay,
        smsMaxSegments,
      }).parts.sms!;
    const dash = render('Urssaf — Pajemploi');
    expect(dash.startsWith('Urssaf - Pajemploi : ')).toBe(true);
    expect(countSms(dash).encoding).toBe('GSM-7');
    // ê is kept when the UCS-2 message still fits the budget, folded when it would not.
    expect(render('Crèche Forêt', 3)).toContain('Forêt');
    expect(render('Crèche Forêt', 1)).toContain('Crèche Foret');
    // A GSM-7 draft stays GSM-7 for each person: their values are folded too.
    const draft = { lang: 'fr' as const, parts: { sms: 'Bonjour [[person.name]], infos : x' } };
    expect(countSms(compilePersonalMessage(draft, 'Europe/Paris')({ name: 'François Lefèvre—Rô', exposed: ['contact'], firstExposedAt: '2020-03-31T07:00:00Z' }).sms!).encoding).toBe('GSM-7');
  });
});
