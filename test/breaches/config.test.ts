import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';

describe('breach register settings', () => {
  it('reads the organisation, its DPO and the declared regimes', () => {
    const config = parseConfig({ VIGIE_ORG_NAME: 'Urssaf', VIGIE_ORG_SIREN: '130008345', VIGIE_DPO_CONTACT: 'dpo@example.fr', VIGIE_BREACH_REGIMES: 'nis2, dora' });
    expect(config.organisation).toMatchObject({ name: 'Urssaf', siren: '130008345', dpoContact: 'dpo@example.fr' });
    expect(config.breachRegimes).toEqual(['nis2', 'dora']);
    expect(parseConfig({}).breachRegimes).toEqual([]);
  });

  it('refuses an unknown regime or a bad SIREN, naming the variable', () => {
    expect(() => parseConfig({ VIGIE_BREACH_REGIMES: 'nis2,gdpr2' })).toThrow(ConfigError);
    expect(() => parseConfig({ VIGIE_BREACH_REGIMES: 'nis2,gdpr2' })).toThrow(/VIGIE_BREACH_REGIMES/);
    expect(() => parseConfig({ VIGIE_ORG_SIREN: '12345' })).toThrow(/VIGIE_ORG_SIREN must be 9 digits/);
  });
});
