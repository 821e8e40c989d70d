import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';

describe('exposure settings', () => {
  it('defaults: live detection on, relations header read, no broad roles, no webhooks, breaker off', () => {
    expect(parseConfig({}).exposure).toEqual({
      live: true,
      relationsHeader: true,
      broadRoles: [],
      webhooks: [],
      webhookSecret: undefined,
      burstGapSeconds: 300,
      breakerThreshold: 0,
      breakerWindowSeconds: 10,
      breakerScope: 'affected',
    });
  });

  it('turns live detection off with VIGIE_EXPOSURE_LIVE=false, and refuses anything but true or false', () => {
    expect(parseConfig({ VIGIE_EXPOSURE_LIVE: 'false' }).exposure.live).toBe(false);
    expect(() => parseConfig({ VIGIE_EXPOSURE_LIVE: 'off' })).toThrow(/VIGIE_EXPOSURE_LIVE.*must be true or false/);
  });

  it('ignores the Vigie-Relations header with VIGIE_EXPOSURE_RELATIONS_HEADER=false', () => {
    expect(parseConfig({ VIGIE_EXPOSURE_RELATIONS_HEADER: 'false' }).exposure.relationsHeader).toBe(false);
    expect(() => parseConfig({ VIGIE_EXPOSURE_RELATIONS_HEADER: 'no' })).toThrow(/VIGIE_EXPOSURE_RELATIONS_HEADER.*must be true or false/);
  });

  it('names the variable of a bad setting', () => {
    expect(() => parseConfig({ VIGIE_EXPOSURE_WEBHOOKS: 'https://hooks.example/a' })).toThrow(
      'configuration error: VIGIE_EXPOSURE_WEBHOOK_SECRET is required when VIGIE_EXPOSURE_WEBHOOKS is set (bodies are signed)',
    );
    expect(() => parseConfig({ VIGIE_EXPOSURE_WEBHOOKS: 'not a url', VIGIE_EXPOSURE_WEBHOOK_SECRET: 'x'.repeat(16) })).toThrow(/^configuration error: VIGIE_EXPOSURE_WEBHOOKS/);
    expect(() => parseConfig({ VIGIE_DELIVERY_ALERT_WEBHOOKS: 'https://hooks.example/b' })).toThrow(
      'configuration error: VIGIE_DELIVERY_ALERT_WEBHOOK_SECRET is required when VIGIE_DELIVERY_ALERT_WEBHOOKS is set (bodies are signed)',
    );
    expect(() => parseConfig({ VIGIE_EXPOSURE_BREAKER_SCOPE: 'half' })).toThrow(/^configuration error: VIGIE_EXPOSURE_BREAKER_SCOPE/);
    expect(parseConfig({ VIGIE_EXPOSURE_BROAD_ROLES: 'agent, support' }).exposure.broadRoles).toEqual(['agent', 'support']);
  });
});
