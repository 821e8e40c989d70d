import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { networkContains, parseNetwork } from '../../src/maintenance/cidr.js';
import { bundledTemplates } from '../../src/maintenance/templates.generated.js';
import { canonicalPath, decideMaintenance, type MaintenancePolicy, type MaintenanceState } from '../../src/maintenance/decide.js';
import { normalizePath } from '../../src/http/normalize-path.js';
import { parseScope, type ActiveWindow } from '../../src/maintenance/window.js';
import { repoRoot } from '../helpers/processes.js';

const policy: MaintenancePolicy = {
  adminPrefix: '/_vigie',
  exemptPaths: ['/healthz'],
  bypassRoles: ['sre', 'admin'],
  bypassNetworks: [parseNetwork('10.1.0.0/16')!, parseNetwork('2001:db8::/32')!],
  defaultRetryAfterSeconds: 300,
};
const t0 = Date.parse('2020-03-31T09:45:00Z');
const window = (overrides: Partial<ActiveWindow> = {}): ActiveWindow => ({
  id: 'w1',
  scope: { kind: 'site' },
  readOnly: false,
  reason: 'Incident',
  publicMessage: 'Retour vers 15 h',
  startsAt: t0,
  plannedEnd: null,
  retryAfterSeconds: null,
  bypassSecretSha256: null,
  ...overrides,
});
const state = (...windows: ActiveWindow[]): MaintenanceState => ({ windows, policy, source: 'database', loadedAt: t0 });
// As every caller does: the path is normalised once before the decision.
const get = (path: string, extra: Record<string, unknown> = {}) => ({ method: 'GET', path: normalizePath(path), now: t0 + 1000, ...extra });

describe('decideMaintenance', () => {
  it('passes everything when no window exists, and blocks the whole site with a site window', () => {
    expect(decideMaintenance(state(), get('/declarations'))).toBeUndefined();
    const decision = decideMaintenance(state(window()), get('/declarations'));
    expect(decision?.status).toBe(503);
    expect(decision?.publicMessage).toBe('Retour vers 15 h');
    expect(decision?.retryAfterSeconds).toBe(300);
  });

  it('never blocks the admin prefix or the exempt health paths', () => {
    const s = state(window());
    expect(decideMaintenance(s, get('/_vigie/maintenance/state'))).toBeUndefined();
    expect(decideMaintenance(s, get('/_vigie'))).toBeUndefined();
    expect(decideMaintenance(s, get('/healthz'))).toBeUndefined();
    expect(decideMaintenance(s, get('/_vigiex'))?.status).toBe(503);
  });

  it('blocks a path prefix and its subpaths only', () => {
    const s = state(window({ scope: parseScope('/declarations/*')! }));
    expect(decideMaintenance(s, get('/declarations'))?.status).toBe(503);
    expect(decideMaintenance(s, get('/declarations/2020/03'))?.status).toBe(503);
    expect(decideMaintenance(s, get('/declarationsx'))).toBeUndefined();
    expect(decideMaintenance(s, get('/'))).toBeUndefined();
    // Spellings that the service behind would resolve to the same path do not slip through.
    for (const sneaky of ['/d%65clarations', '//declarations/x', '/a/../declarations', '/./declarations', '/DECL/..//declarations']) {
      expect(decideMaintenance(s, get(sneaky))?.status, sneaky).toBe(503);
    }
    expect(decideMaintenance(state(window()), get('/_vigie/../declarations'))?.status).toBe(503);
    // %2F: a service that decodes it before routing reads /declarations/x; one that does not, a single segment.
    for (const encoded of ['/declarations%2Fx', '/declarations%2fx', '/a%2F..%2Fdeclarations']) {
      expect(decideMaintenance(s, get(encoded))?.status, encoded).toBe(503);
    }
    expect(decideMaintenance(state(window({ scope: parseScope('/x/declarations')! })), get('/x%2Fdeclarations'))?.status).toBe(503);
    expect(decideMaintenance(s, get('/other%2Fdeclarations'))).toBeUndefined();
    expect(canonicalPath('/plain/path')).toBe('/plain/path');
    expect(canonicalPath('/a//b/')).toBe('/a/b/');
  });

  it('lets reads through in read-only mode and stops writes', () => {
    const s = state(window({ readOnly: true }));
    expect(decideMaintenance(s, get('/a'))).toBeUndefined();
    expect(decideMaintenance(s, { ...get('/a'), method: 'HEAD' })).toBeUndefined();
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(decideMaintenance(s, { ...get('/a'), method })?.readOnly).toBe(true);
    }
  });

  it('applies several windows at once; the latest planned end and the largest explicit retry win', () => {
    const ends = state(
      window({ id: 'a', plannedEnd: t0 + 600_000 }),
      window({ id: 'b', scope: parseScope('/declarations')!, plannedEnd: t0 + 3_600_000 }),
    );
    expect(decideMaintenance(ends, get('/declarations/x'))?.retryAfterSeconds).toBe(3599);
    expect(decideMaintenance(ends, get('/other'))?.retryAfterSeconds).toBe(599);
    const explicit = state(window({ retryAfterSeconds: 120, plannedEnd: t0 + 3_600_000 }));
    expect(decideMaintenance(explicit, get('/x'))?.retryAfterSeconds).toBe(120);
  });

  it('starts and ends a planned window on time', () => {
    const s = state(window({ startsAt: t0 + 60_000, plannedEnd: t0 + 120_000 }));
    expect(decideMaintenance(s, { ...get('/x'), now: t0 + 59_999 })).toBeUndefined();
    expect(decideMaintenance(s, { ...get('/x'), now: t0 + 60_000 })?.status).toBe(503);
    expect(decideMaintenance(s, { ...get('/x'), now: t0 + 119_999 })?.retryAfterSeconds).toBe(1);
    expect(decideMaintenance(s, { ...get('/x'), now: t0 + 120_000 })).toBeUndefined();
  });

  it('lets sre/admin roles, a valid bypass cookie and allowed networks through, and nobody else', () => {
    const s = state(window());
    expect(decideMaintenance(s, get('/x', { staffRoles: ['sre'] }))).toBeUndefined();
    expect(decideMaintenance(s, get('/x', { staffRoles: ['admin', 'dpo'] }))).toBeUndefined();
    expect(decideMaintenance(s, get('/x', { staffRoles: ['dpo', 'comms'] }))?.status).toBe(503);
    expect(decideMaintenance(s, get('/x', { bypassWindows: [s.windows[0]!.id] }))).toBeUndefined();
    expect(decideMaintenance(s, get('/x', { bypassWindows: ['another-window'] }))?.status).toBe(503);
    // Under two windows, the cookie must name both.
    const two = state(window({ id: 'planned' }), window({ id: 'emergency', scope: parseScope('/declarations')! }));
    expect(decideMaintenance(two, get('/x', { bypassWindows: ['planned'] }))).toBeUndefined();
    expect(decideMaintenance(two, get('/declarations/x', { bypassWindows: ['planned'] }))?.windows.map((w) => w.id)).toEqual(['planned', 'emergency']);
    expect(decideMaintenance(two, get('/declarations/x', { bypassWindows: ['planned', 'emergency'] }))).toBeUndefined();
    expect(decideMaintenance(s, get('/x', { clientIp: '10.1.200.3' }))).toBeUndefined();
    expect(decideMaintenance(s, get('/x', { clientIp: '::ffff:10.1.0.9' }))).toBeUndefined();
    expect(decideMaintenance(s, get('/x', { clientIp: '2001:db8:1::5' }))).toBeUndefined();
    expect(decideMaintenance(s, get('/x', { clientIp: '10.2.0.1' }))?.status).toBe(503);
    expect(decideMaintenance(s, get('/x', { clientIp: '2001:db9::1' }))?.status).toBe(503);
  });
});

describe('scopes and networks', () => {
  it('accepts site and path prefixes, and refuses other forms', () => {
    expect(parseScope('site')).toEqual({ kind: 'site' });
    expect(parseScope('/declarations/*')).toEqual({ kind: 'prefix', prefix: '/declarations', path: '/declarations' });
    expect(parseScope('/a/b/')).toEqual({ kind: 'prefix', prefix: '/a/b', path: '/a/b' });
    for (const bad of ['declarations', '/decl*', '/a/../b', '*', '', '/a b', '/a?x=1', 'https://x/y']) {
      expect(parseScope(bad), bad).toBeUndefined();
    }
  });

  it('parses CIDR networks, and refuses malformed ones', () => {
    expect(networkContains(parseNetwork('192.168.1.0/24')!, '192.168.1.77')).toBe(true);
    expect(networkContains(parseNetwork('192.168.1.0/24')!, '192.168.2.1')).toBe(false);
    expect(networkContains(parseNetwork('0.0.0.0/0')!, '8.8.8.8')).toBe(true);
    expect(networkContains(parseNetwork('127.0.0.1')!, '127.0.0.1')).toBe(true);
    expect(networkContains(parseNetwork('::1/128')!, '::1')).toBe(true);
    expect(networkContains(parseNetwork('fe80::/10')!, 'fe80::1%eth0')).toBe(true);
    for (const bad of ['10.0.0.0/33', '10.0.0/8', '256.0.0.1', '::1/129', 'a.b.c.d', '1:2:3:4:5:6:7:8:9', '10.0.0.0/8/1']) {
      expect(parseNetwork(bad), bad).toBeUndefined();
    }
  });
});

describe('bundled templates', () => {
  it('equal the files in templates/maintenance (run scripts/bundle-templates.mjs after editing them)', () => {
    for (const name of ['page.fr.mustache', 'page.en.mustache']) {
      expect(bundledTemplates[name], name).toBe(readFileSync(join(repoRoot, 'templates/maintenance', name), 'utf8'));
    }
  });
});
