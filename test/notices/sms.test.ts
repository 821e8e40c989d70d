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

  it('keeps the default French SMS notice in GSM-7, in one SMS', () => {
    const input = pajemploiInput((draft) => {
      draft.organisation.name = 'Pajemploi';
    });
    const draft = renderDraft(defaultTemplateSet, { kind: 'notice', channel: 'sms', lang: 'fr', input, timeZone: 'Europe/Paris', at: sameDay });
    const sms = compilePersonalMessage(draft, 'Europe/Paris')({ name: 'Camille', exposed: ['contact'], firstExposedAt: '2020-03-31T07:00:00Z' }).sms!;
    expect(countSms(sms)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });
});
