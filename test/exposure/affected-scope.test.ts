import { describe, expect, it } from 'vitest';
import { affectedScope } from '../../src/exposure/detector.js';
import { decideMaintenance } from '../../src/maintenance/decide.js';
import { parseScope } from '../../src/maintenance/window.js';

// The circuit breaker's scope goes through the maintenance switch's validation: a route with characters a scope
// must escape (recorded decoded) made the breaker's start fail before.
describe('the circuit breaker scope', () => {
  it('is the first segment the leaked routes share, else the site', () => {
    expect(affectedScope(['/espace/1', '/espace/2/x'])).toBe('/espace');
    expect(affectedScope(['/espace/1', '/autre/2'])).toBe('site');
    expect(affectedScope(['/'])).toBe('site');
  });

  it('is a scope the switch accepts and that stops the leaked routes, whatever characters they hold', () => {
    for (const route of ['/déclarations/7', '/espace particulier/x', '/100%/a', '/a*b/c', '/日本/x']) {
      const text = affectedScope([route]);
      const scope = parseScope(text);
      expect(scope, `${route} → ${text}`).toBeDefined();
      const at = Date.parse('2026-12-04T09:00:00Z');
      const window = { id: 'w', scope: scope!, readOnly: false, reason: 'r', publicMessage: null, startsAt: at, plannedEnd: null, retryAfterSeconds: null, bypassSecretSha256: null };
      const state = { windows: [window], policy: { adminPrefix: '/_vigie', exemptPaths: [], bypassRoles: [], bypassNetworks: [], defaultRetryAfterSeconds: 300 }, source: 'database' as const, loadedAt: at };
      const decided = decideMaintenance(state, { method: 'GET', path: route, now: at });
      expect(decided?.status, route).toBe(503);
    }
    expect(affectedScope(['/déclarations/7'])).toBe('/d%C3%A9clarations');
  });
});
