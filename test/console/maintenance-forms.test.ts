import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { consoleApp, formPost, signIn } from './console-app.js';

const base = '/_vigie/console';

describe.each(engines())('the maintenance page’s public message and past windows on %s', (engine) => {
  let database: TestDatabase;
  let built: ReturnType<typeof consoleApp>;
  // Summer time in Paris (UTC+2): typed "2020-03-31 11:45" is 09:45Z.
  const clock = manualClock('2020-04-03T08:00:00Z');

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    built = consoleApp({ db: database.db, clock });
  }, 120_000);
  afterAll(() => database?.close());

  it('keeps the visitors’ message apart from the internal reason when switching on', async () => {
    const sre = await signIn(built, 'sam', ['sre']);
    const res = await built.app.request(
      `${base}/maintenance/start`,
      formPost({ _csrf: sre.csrf, scope: 'site', publicMessage: 'Le service revient vers 15 h.', reason: 'Cache mélangeant les comptes (ticket 4711)' }, { Cookie: sre.cookie }),
    );
    expect(res.status).toBe(200);
    const [started] = await database.db.selectFrom('maintenance_event').selectAll().where('kind', '=', 'started').execute();
    expect(started).toMatchObject({ public_message: 'Le service revient vers 15 h.', reason: 'Cache mélangeant les comptes (ticket 4711)', recorded_after_the_fact: false });
    const page = await (await built.app.request(`${base}/maintenance`, { headers: { Cookie: sre.cookie } })).text();
    expect(page).toContain('Message public : Le service revient vers 15 h.');
  });

  it('refuses an empty-looking or too long public message by its field, and stores nothing', async () => {
    const sre = await signIn(built, 'sam', ['sre']);
    const before = await database.db.selectFrom('maintenance_event').select('id').execute();
    const res = await built.app.request(`${base}/maintenance/start`, formPost({ _csrf: sre.csrf, scope: 'site', publicMessage: 'x'.repeat(501), reason: 'trop long' }, { Cookie: sre.cookie }));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('id="start-publicMessage-error"');
    expect(html).toContain('doit faire de 1 à 500 caractères');
    expect(await database.db.selectFrom('maintenance_event').select('id').execute()).toEqual(before);
  });

  it('records a past window as history, after the fact, shown in the page’s history with its own times', async () => {
    const sre = await signIn(built, 'sam', ['sre']);
    const res = await built.app.request(
      `${base}/maintenance/record-past`,
      formPost({ _csrf: sre.csrf, scope: 'prefix', prefix: '/declarations', startedAt: '2020-03-31 11:45', endedAt: '2020-03-31 15:15', reason: 'Fenêtre du 31 mars saisie après coup' }, { Cookie: sre.cookie }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${base}/maintenance?done=recorded`);
    const row = await database.db.selectFrom('maintenance_event').selectAll().where('reason', '=', 'Fenêtre du 31 mars saisie après coup').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ scope: '/declarations', recorded_after_the_fact: true, actor: 'sam', bypass_secret_sha256: null });
    expect(new Date(row.starts_at!).toISOString()).toBe('2020-03-31T09:45:00.000Z');
    expect(new Date(row.planned_end!).toISOString()).toBe('2020-03-31T13:15:00.000Z');
    const page = await (await built.app.request(`${base}/maintenance?done=recorded`, { headers: { Cookie: sre.cookie } })).text();
    expect(page).toContain('La fenêtre passée a été enregistrée dans l’historique.');
    const history = page.slice(page.indexOf('id="history"'));
    expect(history).toContain('saisie après coup');
    expect(history).toContain('<time datetime="2020-03-31T09:45:00.000Z">');
    // History only: never a window in force.
    expect((await (await built.app.request(`${base}/maintenance`, { headers: { Cookie: sre.cookie } })).text())).not.toContain('Fenêtre du 31 mars saisie après coup</p>');
  });

  it('refuses a past window that has not ended yet, by its field, keeping what was typed', async () => {
    const sre = await signIn(built, 'sam', ['sre']);
    const before = await database.db.selectFrom('maintenance_event').select('id').execute();
    const res = await built.app.request(
      `${base}/maintenance/record-past`,
      formPost({ _csrf: sre.csrf, scope: 'site', startedAt: '2020-04-03 09:00', endedAt: '2020-04-03 18:00', reason: 'pas encore finie' }, { Cookie: sre.cookie }),
    );
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('id="record-past-endedAt-error"');
    expect(html).toContain('doit être dans le passé');
    expect(html).toContain('value="2020-04-03 18:00"');
    expect(await database.db.selectFrom('maintenance_event').select('id').execute()).toEqual(before);
  });

  it('refuses the past-window form to a role that may not write maintenance, even forged', async () => {
    const dpo = await signIn(built, 'dora', ['dpo']);
    const page = await (await built.app.request(`${base}/maintenance`, { headers: { Cookie: dpo.cookie } })).text();
    expect(page).not.toContain('id="past-form"');
    const before = await database.db.selectFrom('maintenance_event').select('id').execute();
    const forged = await built.app.request(`${base}/maintenance/record-past`, formPost({ _csrf: dpo.csrf, scope: 'site', startedAt: '2020-03-31 11:45', endedAt: '2020-03-31 15:15', reason: 'forged' }, { Cookie: dpo.cookie }));
    expect(forged.status).toBe(403);
    expect(await database.db.selectFrom('maintenance_event').select('id').execute()).toEqual(before);
  });
});
