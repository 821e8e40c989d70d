import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { listMaintenanceWindows } from '../../src/maintenance/list-windows.js';
import { endMaintenance, startMaintenance, systemActor } from '../../src/maintenance/service.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { json, maintenanceApp, staffApi } from './maintenance-app.js';

describe.each(engines())('maintenance API and switch (%s)', (engine) => {
  let database: TestDatabase;
  const clock = manualClock('2020-03-31T09:00:00Z');
  let instance: Awaited<ReturnType<typeof maintenanceApp>>;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    instance = await maintenanceApp({ db: database.db, clock });
  }, 180_000);
  afterAll(async () => {
    await instance.holder.stop();
    await database.close();
  });

  const api = staffApi(() => instance);
  const site = (path = '/declarations', init: RequestInit = {}) =>
    instance.app.request(path, { ...init, headers: { Accept: 'application/json', ...(init.headers as object) } });
  const countEvents = async () => (await database.db.selectFrom('maintenance_event').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n;

  it('refuses bad input with 400 naming the field, and stores nothing', async () => {
    const before = await countEvents();
    const cases: [unknown, string][] = [
      [{}, 'body.reason'],
      [{ reason: '   ' }, 'body.reason'],
      [{ reason: 'x', scope: 'declarations' }, 'body.scope'],
      [{ reason: 'x', scope: '/_vigie/maintenance' }, 'body.scope'],
      [{ reason: 'x', scope: '/_vigi%65/maintenance' }, 'body.scope'], // the admin prefix, escaped
      [{ reason: 'x', scope: '/a/%2e%2e' }, 'body.scope'], // resolves to the root
      [{ reason: 'x', plannedEnd: '2020-03-31T10:00:00' }, 'body.plannedEnd'],
      [{ reason: 'x', startsAt: '2020-03-31T12:00:00+02:00', plannedEnd: '2020-03-31T11:00:00+02:00' }, 'body.plannedEnd'],
      [{ reason: 'x', plannedEnd: '2020-03-31T08:00:00Z' }, 'body.plannedEnd'],
      [{ reason: 'x', retryAfterSeconds: 0 }, 'body.retryAfterSeconds'],
    ];
    for (const [body, field] of cases) {
      const res = await api('/windows', json(body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect((await res.json()).errors.map((e: { path: string }) => e.path)).toContain(field);
    }
    const badQuery = await api('/windows?from=yesterday', {}, ['auditor']);
    expect(badQuery.status).toBe(400);
    expect((await badQuery.json()).errors[0].path).toBe('query.from');
    expect(await countEvents()).toBe(before);
    expect((await site()).status).toBe(404);
  });

  it('lets only sre/admin write, and dpo, comms, auditor read', async () => {
    for (const role of ['dpo', 'comms', 'auditor'] as const) {
      expect((await api('/windows', json({ reason: 'x' }), [role])).status).toBe(403);
      expect((await api('/state', {}, [role])).status).toBe(200);
      expect((await api('/events', {}, [role])).status).toBe(200);
    }
    expect((await instance.app.request('/_vigie/maintenance/windows', json({ reason: 'x' }))).status).toBe(401);
  });

  it('replays 31 March 2020: 11:45 → 15:15 Paris comes out of the history exactly', async () => {
    clock.set('2020-03-31T09:45:00Z');
    const created = await api('/windows', json({ reason: 'Données affichées à la mauvaise personne' }));
    expect(created.status).toBe(201);
    const { window, bypassLink } = await created.json();
    expect(window).toMatchObject({ status: 'in-force', startedAt: '2020-03-31T11:45:00+02:00', startedBy: 'sam', scope: 'site' });
    expect(bypassLink).toMatch(/^http:\/\/localhost\/_vigie\/maintenance\/bypass\/[A-Za-z0-9_-]{32}$/);

    const blocked = await site('/declarations', { method: 'POST' });
    expect(blocked.status).toBe(503);
    expect(blocked.headers.get('retry-after')).toBe('300');
    expect(blocked.headers.get('cache-control')).toBe('no-store');
    // Visitors read the neutral text: the reason is for the register.
    expect((await blocked.json()).detail).toBe('Une opération de maintenance est en cours sur ce service.');
    expect((await instance.app.request('/_vigie/healthz')).status).toBe(200);
    expect((await instance.app.request('/healthz')).status).toBe(404); // exempt: reaches the service

    clock.set('2020-03-31T13:15:00Z');
    const ended = await api(`/windows/${window.id}/end`, json({ reason: 'Cache corrigé' }));
    expect(ended.status).toBe(200);
    expect((await ended.json()).window).toMatchObject({ status: 'ended', endedAt: '2020-03-31T15:15:00+02:00', endedBy: 'sam' });
    expect((await site()).status).toBe(404);
    expect((await api(`/windows/${window.id}/end`, json({ reason: 'again' }))).status).toBe(409);
    expect((await api('/windows/00000000-0000-4000-8000-000000000000/end', json({ reason: 'x' }))).status).toBe(404);

    const windows = await listMaintenanceWindows(database.db, {
      from: new Date('2020-03-31T00:00:00Z'),
      to: new Date('2020-04-01T00:00:00Z'),
      now: clock.now(),
    });
    expect(windows).toEqual([
      {
        id: window.id,
        scope: 'site',
        readOnly: false,
        reason: 'Données affichées à la mauvaise personne',
        publicMessage: null,
        startedAt: new Date('2020-03-31T09:45:00Z'),
        endedAt: new Date('2020-03-31T13:15:00Z'),
        plannedEnd: null,
        startedBy: 'sam',
        endedBy: 'sam',
        endReason: 'Cache corrigé',
        recordedAfterTheFact: null,
      },
    ]);
    const outside = await listMaintenanceWindows(database.db, { from: new Date('2020-03-31T13:15:00Z'), to: new Date('2020-04-01T00:00:00Z') });
    expect(outside).toEqual([]);

    const history = await (await api('/events?from=2020-03-31T00:00:00Z&to=2020-04-01T00:00:00Z', {}, ['dpo'])).json();
    expect(history.events.map((e: { kind: string; at: string; actor: string }) => [e.kind, e.at, e.actor])).toEqual([
      ['started', '2020-03-31T11:45:00+02:00', 'sam'],
      ['ended', '2020-03-31T15:15:00+02:00', 'sam'],
    ]);
    const actions = await database.db.selectFrom('staff_action').select(['action', 'actor', 'reason']).where('target', '=', window.id).orderBy('id').execute();
    expect(actions).toEqual([
      { action: 'maintenance.start', actor: 'sam', reason: 'Données affichées à la mauvaise personne' },
      { action: 'maintenance.end', actor: 'sam', reason: 'Cache corrigé' },
    ]);
  });

  it('keeps the history append-only in the database itself', async () => {
    await expect(database.db.deleteFrom('maintenance_event').execute()).rejects.toThrow();
    await expect(database.db.updateTable('maintenance_event').set({ reason: 'rewritten' }).execute()).rejects.toThrow();
  });

  it('starts and ends a planned window on time, by itself, with Retry-After from the planned end', async () => {
    clock.set('2020-04-02T08:00:00Z');
    const created = await api('/windows', json({ reason: 'Mise à jour', startsAt: '2020-04-02T12:00:00+02:00', plannedEnd: '2020-04-02T13:00:00+02:00' }));
    expect(created.status).toBe(201);
    expect((await created.json()).window).toMatchObject({ status: 'scheduled', plannedEnd: '2020-04-02T13:00:00+02:00' });
    clock.set('2020-04-02T09:59:59Z');
    expect((await site()).status).toBe(404);
    clock.set('2020-04-02T10:00:00Z');
    const during = await site();
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toBe('3600');
    expect((await during.json()).plannedEnd).toBe('2020-04-02T13:00:00+02:00');
    clock.set('2020-04-02T11:00:00Z');
    expect((await site()).status).toBe(404);
    const listed = await (await api('/windows?from=2020-04-02T00:00:00Z', {}, ['auditor'])).json();
    expect(listed.windows).toHaveLength(1);
    expect(listed.windows[0]).toMatchObject({ status: 'ended', endedAt: '2020-04-02T13:00:00+02:00', endedBy: 'vigie' });
  });

  it('applies read-only and prefix scopes, several at once, and `end` ends them all', async () => {
    clock.set('2020-04-03T08:00:00Z');
    expect((await api('/windows', json({ reason: 'Lecture seule', readOnly: true }))).status).toBe(201);
    expect((await api('/windows', json({ reason: 'Déclarations fermées', scope: '/declarations/*', retryAfterSeconds: 600 }))).status).toBe(201);
    expect((await site('/profile')).status).toBe(404);
    expect((await site('/profile', { method: 'POST' })).status).toBe(503);
    const decl = await site('/declarations/2020');
    expect(decl.status).toBe(503);
    expect(decl.headers.get('retry-after')).toBe('600');
    const state = await (await api('/state', {}, ['comms'])).json();
    expect(state).toMatchObject({ inMaintenance: true, source: 'database' });
    expect(state.windows.map((w: { scope: string; readOnly: boolean }) => [w.scope, w.readOnly])).toEqual([
      ['site', true],
      ['/declarations', false],
    ]);
    const off = await api('/end', json({ reason: 'Fini' }));
    expect((await off.json()).ended).toHaveLength(2);
    expect((await site('/declarations/2020', { method: 'POST' })).status).toBe(404);
  });

  it('lets Vigie itself start and end maintenance as the "vigie" actor with a reason', async () => {
    clock.set('2020-04-04T08:00:00Z');
    const deps = instance.deps;
    const { event } = await startMaintenance(deps, { reason: 'Mélange de sessions détecté' }, systemActor);
    await instance.holder.refresh();
    expect((await site()).status).toBe(503);
    clock.set('2020-04-04T08:30:00Z');
    await endMaintenance(deps, { windowId: event.window_id, reason: 'Fausse alerte' }, systemActor);
    await instance.holder.refresh();
    expect((await site()).status).toBe(404);
    const [record] = await listMaintenanceWindows(database.db, { from: new Date('2020-04-04T00:00:00Z'), to: new Date('2020-04-05T00:00:00Z') });
    expect(record).toMatchObject({ startedBy: 'vigie', endedBy: 'vigie', endReason: 'Fausse alerte' });
  });

  it('bypasses by staff role and by the secret link cookie; a tampered or expired cookie does not', async () => {
    clock.set(new Date());
    const created = await (await api('/windows', json({ reason: 'Vérification avant réouverture' }))).json();
    expect((await site()).status).toBe(503);
    expect((await site('/declarations', { headers: await instance.auth(['sre']) })).status).toBe(404);
    expect((await site('/declarations', { headers: await instance.auth(['admin']) })).status).toBe(404);
    expect((await site('/declarations', { headers: await instance.auth(['dpo']) })).status).toBe(503);
    expect((await site('/declarations', { headers: { Authorization: 'Bearer not.a.token' } })).status).toBe(503);

    const link = new URL(created.bypassLink);
    const visit = await instance.app.request(link.pathname);
    expect(visit.status).toBe(303);
    expect(visit.headers.get('location')).toBe('/');
    const setCookie = visit.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Max-Age=3600/);
    const cookie = setCookie.split(';')[0]!;
    expect((await site('/declarations', { headers: { Cookie: cookie } })).status).toBe(404);
    const tampered = cookie.replace(/\.(\d+)\./, (_m, exp) => `.${Number(exp) + 60}.`);
    expect((await site('/declarations', { headers: { Cookie: tampered } })).status).toBe(503);
    clock.advance(3601_000);
    expect((await site('/declarations', { headers: { Cookie: cookie } })).status).toBe(503);
    expect((await instance.app.request(`${link.pathname.slice(0, -4)}AAAA`)).status).toBe(404);

    await api(`/windows/${created.window.id}/end`, json({ reason: 'ok' }));
    expect((await instance.app.request(link.pathname)).status).toBe(404);
  });
});
