import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { openBreach } from '../../src/breaches/edit-breach.js';
import { getBreach } from '../../src/breaches/get-breach.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { json, maintenanceApp, staffApi } from './maintenance-app.js';

const browser = { Accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' };
const reason = 'Données de Mme Martin affichées à M. Durand : cache mal configuré';

describe.each(engines())('the public maintenance message, and windows recorded after the fact (%s)', (engine) => {
  let database: TestDatabase;
  const clock = manualClock('2020-03-31T09:45:00Z');
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
  const site = (headers: Record<string, string>, language = 'fr-FR') => instance.app.request('/declarations', { method: 'POST', headers: { 'Accept-Language': language, ...headers } });
  const countEvents = async () => Number((await database.db.selectFrom('maintenance_event').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

  it('shows visitors a neutral text, never the internal reason, when only a reason is given', async () => {
    const created = await api('/windows', json({ reason }));
    expect(created.status).toBe(201);
    const { window } = await created.json();
    expect(window).toMatchObject({ reason, publicMessage: null });

    const fr = await (await site(browser)).text();
    expect(fr).toContain('<p class="message" id="message">Une opération de maintenance est en cours sur ce service.</p>');
    const en = await (await site(browser, 'en-GB')).text();
    expect(en).toContain('<p class="message" id="message">Maintenance work is under way on this service.</p>');
    const problem = await (await site({ Accept: 'application/json' })).json();
    expect(problem.detail).toBe('Une opération de maintenance est en cours sur ce service.');
    for (const body of [fr, en, JSON.stringify(problem)]) {
      expect(body).not.toContain('Martin');
      expect(body).not.toContain('cache mal configuré');
    }
    // The reason stays in the register's history.
    const events = await (await api('/events', {}, ['dpo'])).json();
    expect(events.events.at(-1)).toMatchObject({ kind: 'started', reason, publicMessage: null, recordedAfterTheFact: false });
    expect((await api(`/windows/${window.id}/end`, json({ reason: 'Cache corrigé' }))).status).toBe(200);
  });

  it('shows the public message the SRE wrote, escaped, in both languages and to API clients', async () => {
    const publicMessage = 'Retour prévu vers 15 h <script>alert(1)</script> & merci';
    const created = await api('/windows', json({ reason, publicMessage }));
    expect(created.status).toBe(201);
    const { window } = await created.json();
    expect(window).toMatchObject({ reason, publicMessage });
    for (const language of ['fr-FR', 'en-GB']) {
      const page = await (await site(browser, language)).text();
      expect(page).toContain('<p class="message" id="message">Retour prévu vers 15 h &lt;script&gt;alert(1)&lt;&#x2F;script&gt; &amp; merci</p>');
      expect(page).not.toContain('<script>');
      expect(page).not.toContain('Martin');
    }
    expect((await (await site({ Accept: 'application/json' })).json()).detail).toBe(publicMessage);
    expect((await api(`/windows/${window.id}/end`, json({ reason: 'Cache corrigé' }))).status).toBe(200);

    const before = await countEvents();
    for (const bad of ['   ', 'x'.repeat(501)]) {
      const res = await api('/windows', json({ reason, publicMessage: bad }));
      expect(res.status).toBe(400);
      expect((await res.json()).errors.map((e: { path: string }) => e.path)).toEqual(['body.publicMessage']);
    }
    expect(await countEvents()).toBe(before);
  });

  it('records 11:45–15:15 of 31 March 2020 after the fact: on the timeline, marked, never in force', async () => {
    clock.set('2020-04-02T08:00:00Z'); // 2 April, 10:00 in Paris
    const dora = { subject: 'dora', roles: ['dpo'] };
    const { id: breachId } = await openBreach(
      { db: database.db, clock, config: instance.config },
      { title: 'Données d’autres utilisateurs affichées', startedAt: '2020-03-31T06:40:00Z', endedAt: '2020-03-31T13:15:00Z', ongoing: false },
      dora,
    );
    // Before: a window whose end has passed is refused on the live route.
    const live = await api('/windows', json({ reason: 'Maintenance du 31 mars', startsAt: '2020-03-31T11:45:00+02:00', plannedEnd: '2020-03-31T15:15:00+02:00' }));
    expect(live.status).toBe(400);

    const recorded = await api('/history', json({ reason: 'Maintenance du 31 mars, saisie après coup', startedAt: '2020-03-31T11:45:00+02:00', endedAt: '2020-03-31T15:15:00+02:00' }));
    expect(recorded.status).toBe(201);
    const { window } = await recorded.json();
    expect(window).toMatchObject({
      status: 'ended',
      scope: 'site',
      startedAt: '2020-03-31T11:45:00+02:00',
      endedAt: '2020-03-31T15:15:00+02:00',
      startedBy: 'sam',
      endedBy: 'sam',
      recordedAfterTheFact: { by: 'sam', at: '2020-04-02T10:00:00+02:00' },
    });
    // Live traffic never meets it: the request reaches the service (404 from the app behind).
    expect((await instance.holder.refresh(), await site({ Accept: 'application/json' })).status).toBe(404);
    expect((await api('/state', {}, ['auditor']).then((r) => r.json())).windows).toEqual([]);

    const listed = await (await api('/windows?from=2020-03-31T00:00:00%2B02:00&to=2020-04-01T00:00:00%2B02:00', {}, ['dpo'])).json();
    expect(listed.windows).toEqual([window]);
    const record = await getBreach(database.db, breachId, { config: instance.config, now: clock.now() });
    const maintenance = record.timeline.filter((entry) => entry.source === `maintenance:${window.id}`);
    expect(maintenance.map((entry) => [entry.kind, entry.at.toISOString(), entry.actor, entry.summary])).toEqual([
      ['maintenance', '2020-03-31T09:45:00.000Z', 'sam', 'Mise en maintenance (tout le site) : Maintenance du 31 mars, saisie après coup (enregistrée après coup le 2020-04-02 10:00 +02:00 par sam)'],
      ['maintenance-ended', '2020-03-31T13:15:00.000Z', 'sam', 'Fin de la maintenance (tout le site)'],
    ]);
    // It cannot be ended again.
    expect((await api(`/windows/${window.id}/end`, json({ reason: 'again' }))).status).toBe(409);
  });

  it('keeps wall-clock times across the DST change, and refuses a window that has not ended yet, naming the field', async () => {
    clock.set('2020-04-02T08:00:00Z');
    // The night of 29 March 2020: 01:30 CET to 03:30 CEST is one hour of real time.
    const night = await api('/history', json({ reason: 'Migration de nuit', scope: '/declarations', readOnly: true, startedAt: '2020-03-29T01:30:00+01:00', endedAt: '2020-03-29T03:30:00+02:00' }));
    expect(night.status).toBe(201);
    const { window } = await night.json();
    expect(window).toMatchObject({ startedAt: '2020-03-29T01:30:00+01:00', endedAt: '2020-03-29T03:30:00+02:00', scope: '/declarations', readOnly: true });
    const row = await database.db.selectFrom('maintenance_event').select(['starts_at', 'planned_end', 'at', 'recorded_after_the_fact']).where('window_id', '=', window.id).executeTakeFirstOrThrow();
    expect(row.planned_end!.getTime() - row.starts_at!.getTime()).toBe(3_600_000);
    expect(row).toMatchObject({ at: new Date('2020-04-02T08:00:00Z'), recorded_after_the_fact: true });

    const before = await countEvents();
    const cases: [unknown, string][] = [
      [{ reason: 'x', startedAt: '2020-04-02T09:00:00+02:00', endedAt: '2020-04-02T11:00:00+02:00' }, 'body.endedAt'],
      [{ reason: 'x', startedAt: '2020-03-31T15:15:00+02:00', endedAt: '2020-03-31T11:45:00+02:00' }, 'body.endedAt'],
      [{ reason: 'x', startedAt: '2020-03-31T11:45:00', endedAt: '2020-03-31T15:15:00+02:00' }, 'body.startedAt'],
      [{ reason: '', startedAt: '2020-03-31T11:45:00+02:00', endedAt: '2020-03-31T15:15:00+02:00' }, 'body.reason'],
      [{ reason: 'x', scope: 'declarations', startedAt: '2020-03-31T11:45:00+02:00', endedAt: '2020-03-31T15:15:00+02:00' }, 'body.scope'],
    ];
    for (const [body, field] of cases) {
      const res = await api('/history', json(body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json()).errors.map((e: { path: string }) => e.path)).toContain(field);
    }
    expect((await api('/history', json(cases[0]![0]), ['dpo'])).status).toBe(403);
    expect(await countEvents()).toBe(before);
  });
});
