import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBreach } from '../../src/breaches/edit-breach.js';
import { addPopulation } from '../../src/breaches/population.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { consoleApp, formPost, signIn } from './console-app.js';

const base = '/_vigie/console';
const dpoActor = { subject: 'dora', roles: ['dpo' as const] };

/** The breach page's form fields as the page sends them (every fact of the form), with some changed. */
function factsForm(csrf: string, version: number, changes: Record<string, string | string[]>): URLSearchParams {
  const form = new URLSearchParams({ _csrf: csrf, expectedVersion: String(version), title: 'Cache mal configuré', peopleInformed: 'undetermined', reason: 'Faits établis' });
  for (const [key, value] of Object.entries(changes)) {
    form.delete(key);
    for (const one of Array.isArray(value) ? value : [value]) form.append(key, one);
  }
  return form;
}

const post = (form: URLSearchParams, cookie: string) => ({ method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie }, body: form.toString() });

describe.each(engines())('the breach pages on %s', (engine) => {
  let database: TestDatabase;
  let built: ReturnType<typeof consoleApp>;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    built = consoleApp({ db: database.db, env: { VIGIE_ORG_NAME: 'Caisse Exemple', VIGIE_DPO_CONTACT: 'Jeanne Martin <dpo@example.fr>' } });
  }, 120_000);
  afterAll(() => database?.close());

  const revisions = async (id: string) => database.db.selectFrom('breach_revision').selectAll().where('breach_id', '=', id).execute();

  it('refuses bad facts field by field with the API’s rules, keeps what was typed, and stores nothing', async () => {
    const { id } = await openBreach(built.deps, { title: 'Cache mal configuré' }, dpoActor);
    const dpo = await signIn(built, 'dora', ['dpo']);
    const page = await built.app.request(`${base}/breaches/${id}`, { headers: { Cookie: dpo.cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('id="facts-form"');
    const res = await built.app.request(
      `${base}/breaches/${id}/facts`,
      post(
        factsForm(dpo.csrf, 1, {
          title: 'x',
          startedAt: '2020-03-31 11:45',
          endedAt: '2020-03-30 09:00',
          peopleCount: 'beaucoup',
          origins: ['wrong-person-on-portal', 'other'],
          awareAt: '2020-03-29 02:30', // skipped by the clocks that night in Paris
          reason: '',
        }),
        dpo.cookie,
      ),
    );
    expect(res.status).toBe(400);
    const refused = await res.text();
    expect(refused).toContain('id="facts-title-error"');
    expect(refused).toContain('id="facts-peopleCount-error"');
    expect(refused).toContain('id="facts-awareAt-error"');
    expect(refused).toContain('id="facts-reason-error"');
    expect(refused).toMatch(/id="facts-peopleCount-error"[^>]*>doit être un nombre entier</);
    // The summary first, each error by its field's label, linked to the field.
    expect(refused).toContain('<a href="#facts-peopleCount">Nombre de personnes (approximatif) : doit être un nombre entier</a>');
    // What was typed is shown again, the checked boxes too.
    expect(refused).toContain('value="beaucoup"');
    expect(refused).toMatch(/id="facts-origins-wrong-person-on-portal" name="origins" value="wrong-person-on-portal" checked/);
    expect(await revisions(id)).toHaveLength(1);
    // Across fields (the register's checkFacts, run by the service): the end before the start.
    const across = await built.app.request(`${base}/breaches/${id}/facts`, post(factsForm(dpo.csrf, 1, { startedAt: '2020-03-31 11:45', endedAt: '2020-03-30 09:00' }), dpo.cookie));
    expect(across.status).toBe(400);
    expect(await across.text()).toMatch(/id="facts-endedAt-error"[^>]*>ne doit pas précéder le début</);
    expect(await revisions(id)).toHaveLength(1);
  });

  it('saves good facts as a revision with who and why, times read in Paris time across the DST change', async () => {
    const { id } = await openBreach(built.deps, { title: 'Cache mal configuré' }, dpoActor);
    const dpo = await signIn(built, 'dora', ['dpo']);
    const res = await built.app.request(
      `${base}/breaches/${id}/facts`,
      post(
        factsForm(dpo.csrf, 1, {
          summary: 'Pages d’espace personnel servies à d’autres',
          natures: 'confidentiality',
          startedAt: '2020-03-28 23:00', // UTC+01:00
          endedAt: '2020-03-29 10:15', // UTC+02:00
          peopleCount: '60',
          measuresImmediate: 'Cache vidé\nEspace fermé',
        }),
        dpo.cookie,
      ),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${base}/breaches/${id}?done=facts#facts-title`);
    const stored = await database.db.selectFrom('breach').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const facts = (typeof stored.facts === 'string' ? JSON.parse(stored.facts) : stored.facts) as Record<string, unknown>;
    expect(facts).toMatchObject({ startedAt: '2020-03-28T22:00:00.000Z', endedAt: '2020-03-29T08:15:00.000Z', peopleCount: 60, natures: ['confidentiality'], measures: { immediate: ['Cache vidé', 'Espace fermé'], mediumTerm: [], longTerm: [] } });
    const all = await revisions(id);
    expect(all).toHaveLength(2);
    expect(all[1]).toMatchObject({ actor: 'dora', reason: 'Faits établis', action: 'edit' });
    const page = await (await built.app.request(`${base}/breaches/${id}`, { headers: { Cookie: dpo.cookie } })).text();
    expect(page).toContain('28 mars 2020 à 23:00 (UTC+01:00)');
    expect(page).toContain('29 mars 2020 à 10:15 (UTC+02:00)');
    expect(page).toContain('id="revisions"');
    // What changed, instants in Paris time too.
    expect(page).toMatch(/<strong>Fin<\/strong> : <del>—<\/del> → <ins>29 mars 2020 à 10:15 \(UTC\+02:00\)<\/ins>/);
    // A second editor who saw version 1 is told, on the form, that it changed meanwhile.
    const stale = await built.app.request(`${base}/breaches/${id}/facts`, post(factsForm(dpo.csrf, 1, { summary: 'Autre chose' }), dpo.cookie));
    expect(stale.status).toBe(400);
    expect(await stale.text()).toContain('id="facts-form-error"');
    expect(await revisions(id)).toHaveLength(2);
  });

  it('refuses a role the API refuses, even when the form is forged, and hides what it may not use', async () => {
    const { id } = await openBreach(built.deps, { title: 'Courriel au mauvais destinataire' }, dpoActor);
    const auditor = await signIn(built, 'aude', ['auditor']);
    const page = await (await built.app.request(`${base}/breaches/${id}`, { headers: { Cookie: auditor.cookie } })).text();
    expect(page).not.toContain('id="facts-form"');
    expect(page).toContain('id="facts"');
    expect(page).toContain('id="revisions"');
    const forged = await built.app.request(`${base}/breaches/${id}/facts`, post(factsForm(auditor.csrf, 1, { title: 'Changé par un auditeur' }), auditor.cookie));
    expect(forged.status).toBe(403);
    const sre = await signIn(built, 'sam', ['sre']);
    const reduced = await (await built.app.request(`${base}/breaches/${id}`, { headers: { Cookie: sre.cookie } })).text();
    expect(reduced).not.toContain('id="revisions"');
    expect(reduced).not.toContain('id="assessment-title"');
    expect((await built.app.request(`${base}/breaches/${id}/assess`, formPost({ _csrf: sre.csrf, easeOfIdentification: 'maximum' }, { Cookie: sre.cookie }))).status).toBe(403);
    const comms = await signIn(built, 'carole', ['comms']);
    expect((await built.app.request(`${base}/breaches/${id}/decide`, formPost({ _csrf: comms.csrf, authority: 'not-notify', people: 'not-inform', justification: 'x'.repeat(30) }, { Cookie: comms.cookie }))).status).toBe(403);
    expect((await built.app.request(`${base}/breaches/${id}/people.csv`, { headers: { Cookie: sre.cookie } })).status).toBe(403);
    expect(await revisions(id)).toHaveLength(1);
    expect(await database.db.selectFrom('breach_assessment').selectAll().where('breach_id', '=', id).execute()).toHaveLength(0);
    expect(await database.db.selectFrom('breach_decision').selectAll().where('breach_id', '=', id).execute()).toHaveLength(0);
  });

  it('refuses a form without the session’s CSRF token', async () => {
    const { id } = await openBreach(built.deps, { title: 'Sans jeton' }, dpoActor);
    const dpo = await signIn(built, 'dora', ['dpo']);
    const form = factsForm(dpo.csrf, 1, { summary: 'Sans jeton' });
    form.delete('_csrf');
    const res = await built.app.request(`${base}/breaches/${id}/facts`, post(form, dpo.cookie));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Le formulaire a expiré ou ne vient pas de cette console');
    expect(await revisions(id)).toHaveLength(1);
  });

  it('shows markup typed in breach fields as text', async () => {
    const markup = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const { id } = await openBreach(built.deps, { title: `Fuite ${markup}`, summary: markup, measures: { immediate: [markup], mediumTerm: [], longTerm: [] } }, dpoActor);
    await addPopulation(built.deps, id, [{ ref: 'p-1', notes: markup }], 'manual', dpoActor);
    const dpo = await signIn(built, 'dora', ['dpo']);
    for (const path of [`/breaches/${id}`, '/breaches', '']) {
      const html = await (await built.app.request(`${base}${path}`, { headers: { Cookie: dpo.cookie } })).text();
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
      expect(html).not.toContain('<img src=x');
      expect(html).not.toContain('<script>alert');
      // Each list leads to the breach's page.
      if (path !== `/breaches/${id}`) expect(html).toContain(`href="${base}/breaches/${id}"`);
    }
  });

  it('imports people from CSV all or nothing, shows counts by status, exports them', async () => {
    const { id } = await openBreach(built.deps, { title: 'Population' }, dpoActor);
    const dpo = await signIn(built, 'dora', ['dpo']);
    const upload = (csv: string) => {
      const body = new FormData();
      body.set('_csrf', dpo.csrf);
      body.set('csv', new File([csv], 'people.csv', { type: 'text/csv' }));
      return built.app.request(`${base}/breaches/${id}/import`, { method: 'POST', headers: { Cookie: dpo.cookie }, body });
    };
    const bad = await upload('person,status\np-1,informed\np-2,perdu\n');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/id="import-csv-error"[^>]*>line 3\.status : /);
    expect(await database.db.selectFrom('breach_person').selectAll().where('breach_id', '=', id).execute()).toHaveLength(0);
    const good = await upload('person,status,due\np-1,informed,2020-04-02 18:00\np-2,to-inform,\np-3,to-inform,\n');
    expect(good.status).toBe(303);
    const page = await (await built.app.request(good.headers.get('location')!, { headers: { Cookie: dpo.cookie } })).text();
    expect(page).toContain('Import terminé : 3 personne(s) ajoutée(s) sur 3 reçue(s).');
    expect(page).toMatch(/data-status="to-inform">2</);
    expect(page).toMatch(/data-status="informed">1</);
    expect(page).toContain('id="population-data"');
    const csv = await built.app.request(`${base}/breaches/${id}/people.csv`, { headers: { Cookie: dpo.cookie } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="breach-${id}-population.csv"`);
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe('person,status,due,notes,exposed,first,last,source');
    expect(text).toContain('p-1,informed,2020-04-02 18:00 +02:00,,,,,csv');
    // The API gives the same file.
    const api = await built.app.request(`/_vigie/breaches/${id}/people/export`, { headers: await built.auth(['auditor']) });
    expect(await api.text()).toBe(text);
  });

  it('writes a notice to people, previews it as a given person, edits it, and keeps approval for the DPO', async () => {
    const markup = '<b>Fuite</b>';
    const { id } = await openBreach(
      built.deps,
      {
        title: 'Notice',
        summary: 'Un cache a mélangé des pages',
        summaryForPeople: `Un cache a mélangé des pages ${markup}`,
        awareAt: new Date(Date.now() - 3600_000).toISOString(),
        natures: ['confidentiality'],
        dataCategories: ['contact', 'financial'],
        consequences: ['loss-of-control'],
        measures: { immediate: ['Cache désactivé'], mediumTerm: [], longTerm: [] },
      },
      dpoActor,
    );
    await addPopulation(built.deps, id, [{ ref: 'p-7', exposed: ['financial'], firstAt: '2020-03-31T09:45:00Z', lastAt: '2020-03-31T10:10:00Z' }], 'manual', dpoActor);
    const comms = await signIn(built, 'carole', ['comms']);
    const made = await built.app.request(`${base}/breaches/${id}/draft`, formPost({ _csrf: comms.csrf, kindChannel: 'notice/email', lang: 'fr', reason: 'Information des personnes' }, { Cookie: comms.cookie }));
    expect(made.status).toBe(303);
    const draftPath = made.headers.get('location')!.split('?')[0]!;
    expect(draftPath).toMatch(new RegExp(`^${base}/breaches/${id}/drafts/\\d+$`));
    // As p-7 reads it: the name typed, what of theirs was exposed and when (from the register), the markup as text.
    const preview = await (await built.app.request(`${draftPath}?person=p-7&name=${encodeURIComponent('Léa Martin')}`, { headers: { Cookie: comms.cookie } })).text();
    expect(preview).toContain('Aperçu pour « Léa Martin ».');
    expect(preview).toMatch(/data-part="email-text"[^>]*>[^<]*Léa Martin/);
    expect(preview).toContain('Informations vous concernant touchées par l&#39;incident : des informations financières.');
    expect(preview).toContain('Quand : 31/03/2020 11:45 (UTC+02:00) – 31/03/2020 12:10 (UTC+02:00).');
    expect(preview).not.toContain(markup);
    expect(preview).toContain('&lt;b&gt;Fuite&lt;/b&gt;');
    const unknown = await (await built.app.request(`${draftPath}?person=p-404`, { headers: { Cookie: comms.cookie } })).text();
    expect(unknown).toMatch(/id="preview-person-error"[^>]*>cette personne n’est pas dans la population/);
    // Communications may edit a notice to people (a new version), not approve it: the server refuses the forged form.
    expect(preview).not.toContain('id="approve-form"');
    const draftId = draftPath.split('/').pop()!;
    const forged = await built.app.request(`${draftPath}/approve`, formPost({ _csrf: comms.csrf, version: '1', reason: 'Je valide' }, { Cookie: comms.cookie }));
    expect(forged.status).toBe(403);
    const parts = (await database.db.selectFrom('notice_draft_version').select('parts').where('draft_id', '=', draftId).executeTakeFirstOrThrow()).parts as Record<string, string>;
    const edited = Object.fromEntries(Object.entries(parts).map(([part, text]) => [`part-${part}`, part === 'email-subject' ? 'Information importante' : text]));
    const empty = await built.app.request(`${draftPath}/edit`, formPost({ _csrf: comms.csrf, expectedVersion: '1', ...edited, 'part-email-subject': ' ', reason: 'Objet plus clair' }, { Cookie: comms.cookie }));
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('id="edit-part-email-subject-error"');
    const saved = await built.app.request(`${draftPath}/edit`, formPost({ _csrf: comms.csrf, expectedVersion: '1', ...edited, reason: 'Objet plus clair' }, { Cookie: comms.cookie }));
    expect(saved.status).toBe(303);
    const dpo = await signIn(built, 'dora', ['dpo']);
    const approved = await built.app.request(`${draftPath}/approve`, formPost({ _csrf: dpo.csrf, version: '2', reason: 'Relu' }, { Cookie: dpo.cookie }));
    expect(approved.status).toBe(303);
    const row = await database.db.selectFrom('notice_draft').selectAll().where('id', '=', draftId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ current_version: 2, approved_version: 2, approved_by: 'dora' });
    // A draft of another breach is not found under this one.
    expect((await built.app.request(`${base}/breaches/${Number(id) + 1000}/drafts/${draftId}`, { headers: { Cookie: dpo.cookie } })).status).toBe(404);
  });

  it('says what each next step still needs, moves the breach on only when the register has it, and dates events on the timeline', async () => {
    const { id } = await openBreach(built.deps, { title: 'Étapes' }, dpoActor);
    const dpo = await signIn(built, 'dora', ['dpo']);
    const page = await (await built.app.request(`${base}/breaches/${id}`, { headers: { Cookie: dpo.cookie } })).text();
    expect(page).toMatch(/data-step="assess"><li>nature de la violation/);
    const refused = await built.app.request(`${base}/breaches/${id}/status`, formPost({ _csrf: dpo.csrf, status: 'assessed', reason: 'Évaluée' }, { Cookie: dpo.cookie }));
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('needed before &quot;assessed&quot;: nature of the breach');
    expect((await database.db.selectFrom('breach').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('open');
    const closed = await built.app.request(`${base}/breaches/${id}/status`, formPost({ _csrf: dpo.csrf, status: 'closed', reason: 'Pas une violation' }, { Cookie: dpo.cookie }));
    expect(closed.status).toBe(400);
    // An event in Paris time; one in the future is refused on its field.
    const future = await built.app.request(`${base}/breaches/${id}/event`, formPost({ _csrf: dpo.csrf, kind: 'contained', at: '2099-01-01 10:00', summary: 'Cache vidé' }, { Cookie: dpo.cookie }));
    expect(future.status).toBe(400);
    expect(await future.text()).toMatch(/id="event-at-error"[^>]*>ne doit pas être dans le futur</);
    const added = await built.app.request(`${base}/breaches/${id}/event`, formPost({ _csrf: dpo.csrf, kind: 'contained', at: '2020-03-31 12:15', summary: 'Cache vidé' }, { Cookie: dpo.cookie }));
    expect(added.status).toBe(303);
    const timeline = await (await built.app.request(`${base}/breaches/${id}`, { headers: { Cookie: dpo.cookie } })).text();
    expect(timeline).toMatch(/<time datetime="2020-03-31T10:15:00.000Z">31 mars 2020 à 12:15 \(UTC\+02:00\)<\/time> — Cache vidé/);
  });

  it('lists people a page at a time, filtered by status, and changes one person’s follow-up with a reason', async () => {
    const { id } = await openBreach(built.deps, { title: 'Suivi' }, dpoActor);
    await addPopulation(built.deps, id, Array.from({ length: 120 }, (_, i) => ({ ref: `F-${String(i).padStart(3, '0')}`, status: i < 70 ? ('to-inform' as const) : ('informed' as const) })), 'csv', dpoActor);
    const dpo = await signIn(built, 'dora', ['dpo']);
    const first = await (await built.app.request(`${base}/breaches/${id}?status=to-inform&page=2`, { headers: { Cookie: dpo.cookie } })).text();
    expect(first).toContain('Personnes concernées (page 2 sur 2)');
    expect(first.match(/<td>F-\d{3}<\/td>/g)).toHaveLength(20);
    expect(first).toContain('<td>F-050</td>');
    const changed = await built.app.request(`${base}/breaches/${id}/person`, formPost({ _csrf: dpo.csrf, ref: 'F-003', status: 'informed', reason: 'Courrier remis' }, { Cookie: dpo.cookie }));
    expect(changed.status).toBe(303);
    const events = await database.db.selectFrom('breach_person_event').selectAll().where('breach_id', '=', id).where('person_ref', '=', 'F-003').orderBy('id').execute();
    expect(events.at(-1)).toMatchObject({ from_status: 'to-inform', to_status: 'informed', actor: 'dora', reason: 'Courrier remis' });
    const unknown = await built.app.request(`${base}/breaches/${id}/person`, formPost({ _csrf: dpo.csrf, ref: 'F-999', status: 'informed', reason: 'Courrier remis' }, { Cookie: dpo.cookie }));
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toMatch(/id="person-ref-error"[^>]*>cette personne n’est pas dans la population/);
    const after = await (await built.app.request(`${base}/breaches/${id}`, { headers: { Cookie: dpo.cookie } })).text();
    expect(after).toMatch(/data-status="informed">51</);
  });

  it('starts a playbook and marks its tasks done or undone with a reason, each role as the API allows', async () => {
    const { id } = await openBreach(built.deps, { title: 'Mode opératoire', awareAt: new Date(Date.now() - 3600_000).toISOString() }, dpoActor);
    const dpo = await signIn(built, 'dora', ['dpo']);
    const refused = await built.app.request(`${base}/breaches/${id}/playbook`, formPost({ _csrf: dpo.csrf, playbook: 'wrong-user-data', reason: '' }, { Cookie: dpo.cookie }));
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('id="playbook-reason-error"');
    const started = await built.app.request(`${base}/breaches/${id}/playbook`, formPost({ _csrf: dpo.csrf, playbook: 'wrong-user-data', reason: 'Réponse à l’incident' }, { Cookie: dpo.cookie }));
    expect(started.status).toBe(303);
    const page = await (await built.app.request(`${base}/breaches/${id}`, { headers: { Cookie: dpo.cookie } })).text();
    expect(page).toContain('Consigner la découverte et la prise de conscience');
    const task = await database.db.selectFrom('playbook_task').selectAll().where('step_id', '=', 'timeline').executeTakeFirstOrThrow();
    expect(page).toContain(`id="task-${task.id}-done"`);
    // Communications may mark tasks, but this one is the DPO's: the service refuses it; an auditor may not at all.
    const comms = await signIn(built, 'carole', ['comms']);
    expect((await built.app.request(`${base}/breaches/${id}/task`, formPost({ _csrf: comms.csrf, taskId: String(task.id), change: 'done', reason: 'Fait' }, { Cookie: comms.cookie }))).status).toBe(403);
    const auditor = await signIn(built, 'aude', ['auditor']);
    expect((await built.app.request(`${base}/breaches/${id}/task`, formPost({ _csrf: auditor.csrf, taskId: String(task.id), change: 'done', reason: 'Fait' }, { Cookie: auditor.cookie }))).status).toBe(403);
    const done = await built.app.request(`${base}/breaches/${id}/task`, formPost({ _csrf: dpo.csrf, taskId: String(task.id), change: 'done', reason: 'Découverte consignée' }, { Cookie: dpo.cookie }));
    expect(done.status).toBe(303);
    const after = await (await built.app.request(`${base}/breaches/${id}`, { headers: { Cookie: dpo.cookie } })).text();
    expect(after).toContain(`id="task-${task.id}-undo"`);
    expect(after).toContain('Tâche « Consigner la découverte et la prise de conscience » faite : Découverte consignée');
    const row = await database.db.selectFrom('playbook_task').selectAll().where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ done_by: 'dora', done_reason: 'Découverte consignée' });
  });
});
