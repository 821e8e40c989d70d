import { describe, expect, it } from 'vitest';
import { bypassCookieHeader, readBypassCookie, signBypassCookie, verifyBypassCookie } from '../../src/maintenance/bypass-cookie.js';
import type { MaintenanceDecision } from '../../src/maintenance/decide.js';
import { formatForPeople, instantsFromZoned } from '../../src/maintenance/format-time.js';
import { isoInZone } from '../../src/time/zoned.js';
import { maintenanceResponseParts, pickLanguage, prefersHtml } from '../../src/maintenance/respond.js';

const end = Date.parse('2020-03-31T13:15:00Z');
const decision: MaintenanceDecision = {
  status: 503,
  windows: [],
  publicMessage: 'Retour prévu à 15 h 15 <script>',
  plannedEnd: end,
  retryAfterSeconds: 1800,
  readOnly: false,
};
const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('the 503 response', () => {
  it('is a French HTML page for browsers, with the public message escaped and the expected end in Paris time', () => {
    const parts = maintenanceResponseParts(decision, { accept: browser, acceptLanguage: 'fr-FR,fr;q=0.9', timeZone: 'Europe/Paris' });
    expect(parts.status).toBe(503);
    expect(parts.headers['Retry-After']).toBe('1800');
    expect(parts.headers['Cache-Control']).toBe('no-store');
    expect(parts.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(parts.body).toContain('<html lang="fr">');
    expect(parts.body).toContain('Retour prévu le 31 mars 2020 à 15:15 (UTC+02:00)');
    expect(parts.body).toContain('<p class="message" id="message">Retour prévu à 15 h 15 &lt;script&gt;</p>');
    expect(parts.body).not.toContain('<script>');
    expect(parts.body).toContain('<meta http-equiv="refresh" content="300">');
  });

  it('is English when the browser prefers English, and French by default', () => {
    const en = maintenanceResponseParts(decision, { accept: browser, acceptLanguage: 'en-GB,en;q=0.9,fr;q=0.5', timeZone: 'Europe/Paris' });
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('Expected back on 31 March 2020, 15:15 (UTC+02:00)');
    expect(en.headers['Content-Language']).toBe('en');
    expect(pickLanguage(undefined)).toBe('fr');
    expect(pickLanguage('de-DE')).toBe('fr');
    expect(pickLanguage('de-DE,en;q=0.3')).toBe('en');
    expect(pickLanguage('en;q=0.5,fr;q=0.8')).toBe('fr');
  });

  it('is problem+json for API clients, with the planned end in the configured zone', () => {
    const parts = maintenanceResponseParts(decision, { accept: 'application/json', timeZone: 'Europe/Paris', requestId: 'r1' });
    expect(parts.headers['Content-Type']).toBe('application/problem+json');
    expect(JSON.parse(parts.body)).toEqual({
      type: 'urn:vigie:problem:maintenance',
      title: 'Service under maintenance',
      status: 503,
      detail: decision.publicMessage,
      requestId: 'r1',
      readOnly: false,
      plannedEnd: '2020-03-31T15:15:00+02:00',
      retryAfterSeconds: 1800,
    });
    expect(prefersHtml('*/*')).toBe(false);
    expect(prefersHtml(undefined)).toBe(false);
    expect(prefersHtml('application/json, text/html;q=0.5')).toBe(false);
  });
});

describe('times in the zone', () => {
  it('formats and parses wall-clock times in Europe/Paris across the DST change', () => {
    expect(isoInZone(Date.parse('2020-03-31T09:45:00Z'), 'Europe/Paris')).toBe('2020-03-31T11:45:00+02:00');
    expect(isoInZone(Date.parse('2020-01-15T09:45:00Z'), 'Europe/Paris')).toBe('2020-01-15T10:45:00+01:00');
    const iso = (ms: number[] | undefined) => ms?.map((t) => new Date(t).toISOString());
    expect(iso(instantsFromZoned('2020-03-31', '15:15', 'Europe/Paris'))).toEqual(['2020-03-31T13:15:00.000Z']);
    expect(iso(instantsFromZoned('2020-01-15', '15:15', 'Europe/Paris'))).toEqual(['2020-01-15T14:15:00.000Z']);
    // 29 March 2020: 02:30 never happened; 25 October 2020: 02:30 happened twice.
    expect(instantsFromZoned('2020-03-29', '02:30', 'Europe/Paris')).toEqual([]);
    expect(iso(instantsFromZoned('2020-10-25', '02:30', 'Europe/Paris'))).toEqual(['2020-10-25T00:30:00.000Z', '2020-10-25T01:30:00.000Z']);
    expect(instantsFromZoned('2020-01-15', '25:00', 'Europe/Paris')).toBeUndefined();
    expect(instantsFromZoned('2020-02-30', '10:00', 'Europe/Paris')).toBeUndefined();
    expect(formatForPeople(end, 'UTC', 'en')).toBe('31 March 2020, 13:15 (UTC+00:00)');
  });
});

describe('the bypass cookie', () => {
  const key = 'a-bypass-key-of-at-least-32-characters!!';
  const now = Date.parse('2026-11-23T18:00:00Z');

  it('names its windows, and refuses expired, tampered, foreign-key, far-future and every-window (v1) values', async () => {
    const value = await signBypassCookie(key, ['w-1', 'w-2'], now / 1000 + 3600);
    expect(await verifyBypassCookie(key, value, now, 3600)).toEqual(['w-1', 'w-2']);
    expect(await verifyBypassCookie(key, value, now + 3601_000, 3600)).toBeUndefined();
    const [v, windows, exp, sig] = value.split('.') as [string, string, string, string];
    expect(await verifyBypassCookie(key, `${v}.${windows}.${Number(exp) + 1}.${sig}`, now, 3600)).toBeUndefined();
    // Another window named with the same signature: refused.
    expect(await verifyBypassCookie(key, `${v}.w-1~w-3.${exp}.${sig}`, now, 3600)).toBeUndefined();
    const flipped = sig.slice(0, -2) + (sig.at(-2) === 'A' ? 'B' : 'A') + sig.at(-1);
    expect(await verifyBypassCookie(key, `${v}.${windows}.${exp}.${flipped}`, now, 3600)).toBeUndefined();
    expect(await verifyBypassCookie('another-key-of-at-least-32-characters!!!', value, now, 3600)).toBeUndefined();
    const farFuture = await signBypassCookie(key, ['w-1'], now / 1000 + 86_400 * 365);
    expect(await verifyBypassCookie(key, farFuture, now, 3600)).toBeUndefined();
    expect(await verifyBypassCookie(key, `v1.${exp}.${sig}`, now, 3600)).toBeUndefined();
    expect(await verifyBypassCookie(key, 'garbage', now, 3600)).toBeUndefined();
    const many = await signBypassCookie(key, Array.from({ length: 12 }, (_, i) => `w-${i}`), now / 1000 + 60);
    expect(await verifyBypassCookie(key, many, now, 3600)).toEqual(Array.from({ length: 8 }, (_, i) => `w-${i + 4}`));
    await expect(signBypassCookie(key, ['a.b'], now / 1000 + 60)).rejects.toThrow(/window ids/);
  });

  it('is HttpOnly, SameSite=Lax and time-limited, and is read from a Cookie header', () => {
    const header = bypassCookieHeader('v1.1.x', 3600, true);
    expect(header).toMatch(/^vigie_maintenance_bypass=v1\.1\.x; Max-Age=3600; Path=\/; HttpOnly; SameSite=Lax; Secure$/);
    expect(readBypassCookie('a=1; vigie_maintenance_bypass=v1.2.y; b=2')).toBe('v1.2.y');
    expect(readBypassCookie('a=1')).toBeUndefined();
  });
});

describe('maintenance settings', () => {
  it('are parsed once, with defaults, and a bad one names its variable', async () => {
    const { parseConfig } = await import('../../src/config.js');
    expect(parseConfig({}).maintenance).toEqual({
      coldStart: 'open',
      refreshSeconds: 30,
      defaultRetryAfterSeconds: 300,
      bypassKey: undefined,
      bypassTtlSeconds: 3600,
      bypassNetworks: [],
      exemptPaths: ['/healthz', '/readyz', '/livez'],
      trustedProxies: [],
      caseInsensitivePaths: false,
    });
    expect(() => parseConfig({ VIGIE_TRUSTED_PROXIES: '10.0.0.0/8, proxy.local' })).toThrow(/^configuration error: VIGIE_TRUSTED_PROXIES must be a comma-separated list of CIDR networks$/);
    expect(parseConfig({ VIGIE_MAINTENANCE_BYPASS_NETWORKS: '10.0.0.0/8, ::1' }).maintenance.bypassNetworks).toEqual(['10.0.0.0/8', '::1']);
    expect(() => parseConfig({ VIGIE_MAINTENANCE_BYPASS_NETWORKS: '10.0.0.0/33' })).toThrow(/^configuration error: VIGIE_MAINTENANCE_BYPASS_NETWORKS must be a comma-separated list of CIDR networks$/);
    expect(() => parseConfig({ VIGIE_MAINTENANCE_COLD_START: 'maybe' })).toThrow(/VIGIE_MAINTENANCE_COLD_START must be open or closed/);
    expect(() => parseConfig({ VIGIE_MAINTENANCE_BYPASS_KEY: 'short' })).toThrow(/VIGIE_MAINTENANCE_BYPASS_KEY must be at least 32 characters/);
  });
});
