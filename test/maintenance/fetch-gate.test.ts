import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { mintStaffToken } from '../../src/auth/mint-staff-token.js';
import { createStaffTokenVerifier } from '../../src/auth/verify-staff-token.js';
import type { MaintenanceState } from '../../src/maintenance/decide.js';
import { withMaintenance } from '../../src/maintenance/fetch-gate.js';
import { parseScope, type ActiveWindow } from '../../src/maintenance/window.js';
import { testSecret } from '../helpers/test-app.js';

const policy = { adminPrefix: '/_vigie', exemptPaths: ['/healthz'], bypassRoles: ['sre', 'admin'], bypassNetworks: [], defaultRetryAfterSeconds: 300 };
const window = (scope: string, readOnly = false): ActiveWindow => ({
  id: 'w1',
  scope: parseScope(scope)!,
  readOnly,
  reason: 'Données affichées à la mauvaise personne',
  publicMessage: null,
  startsAt: 0,
  plannedEnd: null,
  retryAfterSeconds: 600,
  bypassSecretSha256: null,
});

function gated(windows: ActiveWindow[]) {
  const holder = { state: { windows, policy, source: 'database', loadedAt: 0 } as MaintenanceState };
  const app = new Hono();
  app.all('*', (c) => c.text(`origin ${c.req.method} ${c.req.path}`));
  const jwt = { secret: testSecret, issuer: 'vigie', audience: 'vigie', algorithms: ['HS256'], rolesClaim: 'roles' };
  const fetch = withMaintenance(app.fetch, { holder, clock: systemClock, timeZone: 'Europe/Paris', staffTokenVerifier: createStaffTokenVerifier(jwt as never) });
  return { holder, fetch: (path: string, init?: RequestInit) => fetch(new Request(`http://localhost${path}`, init)) };
}

describe('withMaintenance in front of a bare fetch handler', () => {
  it('passes everything through with no window, and follows the holder when a window opens', async () => {
    const { holder, fetch } = gated([]);
    expect(await (await fetch('/declarations/1')).text()).toBe('origin GET /declarations/1');
    holder.state = { ...holder.state, windows: [window('/declarations')] };
    const stopped = await fetch('/declarations/1', { headers: { Accept: 'application/json', 'X-Request-Id': 'req-42' } });
    expect(stopped.status).toBe(503);
    expect(stopped.headers.get('retry-after')).toBe('600');
    expect(stopped.headers.get('x-request-id')).toBe('req-42');
    expect(await stopped.json()).toMatchObject({ status: 503, requestId: 'req-42', detail: 'Une opération de maintenance est en cours sur ce service.' });
    expect((await fetch('/other')).status).toBe(200);
    expect((await fetch('/_vigie/healthz')).status).toBe(200);
    expect((await fetch('/healthz')).status).toBe(200);
  });

  it('lets reads through in read-only mode, and staff with the sre role through altogether', async () => {
    const { fetch } = gated([window('site', true)]);
    expect((await fetch('/declarations/1')).status).toBe(200);
    expect((await fetch('/declarations/1', { method: 'POST' })).status).toBe(503);
    const token = await mintStaffToken({ secret: testSecret, issuer: 'vigie', audience: 'vigie', rolesClaim: 'roles', subject: 'sam', roles: ['sre'], ttlSeconds: 60 });
    const staff = await fetch('/declarations/1', { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    expect(staff.status).toBe(200);
    expect(await staff.text()).toBe('origin POST /declarations/1');
    const page = await fetch('/declarations/1', { method: 'POST', headers: { Accept: 'text/html', 'Accept-Language': 'en' } });
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
