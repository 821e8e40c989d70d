import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testApp } from '../helpers/test-app.js';

describe.each(engines())('breach register API on %s', (engine) => {
  let database: TestDatabase;
  const clock = manualClock('2020-03-31T07:00:00Z');
  let built: ReturnType<typeof testApp>;
  beforeAll(async () => {
    database = await openTestDatabase(engine);
    built = testApp({ db: database.db, clock, env: { VIGIE_ORG_NAME: 'Urssaf Caisse nationale (Acoss)', VIGIE_DPO_CONTACT: 'dpo@urssaf.example' } });
  });
  afterAll(() => database.close());

  const call = async (method: string, path: string, roles: ('dpo' | 'sre' | 'comms' | 'auditor')[], body?: unknown, contentType = 'application/json') => {
    const headers: Record<string, string> = { ...(await built.auth(roles, roles[0] === 'sre' ? 'sam' : 'dora')) };
    if (body !== undefined) headers['content-type'] = contentType;
    const res = await built.app.request(`/_vigie${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, type, body: type.includes('json') ? await res.json() : await res.text() };
  };
  const paths = (problem: { errors?: { path: string }[] }) => (problem.errors ?? []).map((e) => e.path);

  it('the Pajemploi breach of 31 March 2020, built from maintenance history and an exposure snapshot, shows the right window and counts', async () => {
    // 11:45 CEST: the SRE puts the site in maintenance; 15:15 CEST: it comes back.
    clock.set('2020-03-31T09:45:00Z');
    const started = await call('POST', '/maintenance/windows', ['sre'], { reason: 'Données d’autres usagers affichées : cache mal configuré', bypassLink: false });
    expect(started.status).toBe(201);
    clock.set('2020-03-31T13:15:00Z');
    expect((await call('POST', `/maintenance/windows/${started.body.window.id}/end`, ['sre'], { reason: 'Cache corrigé' })).status).toBe(200);

    clock.set('2020-03-31T14:00:00Z');
    const opened = await call('POST', '/breaches', ['dpo'], {
      title: 'Pajemploi : données affichées à d’autres utilisateurs',
      natures: ['confidentiality'],
      origins: ['wrong-person-on-portal'],
      causes: ['internal-accidental'],
      discoveredAt: '2020-03-31T10:50:00+02:00',
      awareAt: '2020-03-31T11:30:00+02:00',
      personCategories: ['users'],
      dataCategories: ['civil-status', 'contact'],
      reason: 'Signalements d’utilisateurs ce matin',
    });
    expect(opened.status).toBe(201);
    const id = opened.body.id;
    // The exposure snapshot (issue 5) gives the population and its first/last times.
    const snapshot = { from: '2020-03-31T09:02:00+02:00', to: '2020-03-31T11:45:00+02:00' };
    expect((await call('POST', `/breaches/${id}/events`, ['dpo'], { kind: 'exposure-snapshot', at: '2020-03-31T15:40:00+02:00', summary: 'Instantané d’exposition n° 1 joint', data: snapshot })).status).toBe(201);
    const people = ['P-100', 'P-101', 'P-102', 'P-103'].map((ref, i) => ({ ref, exposed: ['contact'], firstAt: `2020-03-31T09:0${i + 2}:00+02:00`, lastAt: '2020-03-31T11:44:00+02:00' }));
    const added = await call('POST', `/breaches/${id}/people`, ['dpo'], { people, source: 'snapshot:1' });
    expect(added.body).toEqual({ received: 4, added: 4, alreadyThere: 0 });
    expect((await call('POST', `/breaches/${id}/people`, ['dpo'], { people: people.slice(0, 2), source: 'snapshot:1' })).body).toEqual({ received: 2, added: 0, alreadyThere: 2 });

    clock.set('2020-03-31T16:00:00Z');
    const record = await call('GET', `/breaches/${id}`, ['dpo']);
    expect(record.status).toBe(200);
    const maintenance = record.body.timeline.find((e: { kind: string }) => e.kind === 'maintenance');
    expect(maintenance).toMatchObject({ at: '2020-03-31T11:45:00+02:00', until: '2020-03-31T15:15:00+02:00', actor: 'sam' });
    expect(record.body.exposureWindows[0]).toEqual({ from: '2020-03-31T09:02:00+02:00', to: '2020-03-31T11:45:00+02:00', basis: 'maintenance' });
    expect(record.body.people).toMatchObject({ total: 4, byStatus: { identified: 4, informed: 0 } });
    expect(record.body.clocks[0]).toMatchObject({ regime: 'gdpr', dueAt: '2020-04-03T11:30:00+02:00', state: 'running' });
    expect(record.body.timeline.map((e: { kind: string }) => e.kind)).toEqual(['discovered', 'aware', 'maintenance', 'maintenance-ended', 'exposure-snapshot']);

    const document = await call('GET', `/breaches/${id}/document?format=md`, ['auditor']);
    expect(document.type).toContain('text/markdown');
    expect(document.body).toContain('| 2020-03-31 11:45 +02:00 → 2020-03-31 15:15 +02:00 | Mise en maintenance (tout le site) : Données');
    expect(document.body).toContain('Données de la mauvaise personne affichées sur le portail du client');
    const html = await call('GET', `/breaches/${id}/document?format=html`, ['dpo']);
    expect(html.body).toContain('<td>2020-03-31 11:45 +02:00 → 2020-03-31 15:15 +02:00</td>');
    expect(html.body).not.toContain('<script');
  });

  it('gives sre and comms a reduced view, auditors read only, and only the dpo writes', async () => {
    clock.set('2020-04-01T08:00:00Z');
    const { body } = await call('POST', '/breaches', ['dpo'], { title: 'Vues par rôle', awareAt: '2020-04-01T07:00:00Z' });
    for (const role of ['sre', 'comms'] as const) {
      const view = await call('GET', `/breaches/${body.id}`, [role]);
      expect(view.status).toBe(200);
      expect(view.body).not.toHaveProperty('assessment');
      expect(view.body).not.toHaveProperty('decision');
      expect(view.body).not.toHaveProperty('clocks');
      expect(view.body.people.total).toBe(0);
    }
    expect((await call('GET', `/breaches/${body.id}`, ['auditor'])).body).toHaveProperty('clocks');
    expect((await call('PATCH', `/breaches/${body.id}`, ['auditor'], { changes: { peopleCount: 3 }, reason: 'test' })).status).toBe(403);
    expect((await call('POST', '/breaches', ['sre'], { title: 'Non' })).status).toBe(403);
    expect((await call('GET', '/breaches/export', ['sre'])).status).toBe(403);
  });

  it('bad input is a problem naming the field, and changes nothing', async () => {
    clock.set('2020-04-02T08:00:00Z');
    const { body } = await call('POST', '/breaches', ['dpo'], { title: 'Entrée invalide', peopleCount: 12 });
    const before = await call('GET', `/breaches/${body.id}/revisions`, ['dpo']);
    const bad = await call('PATCH', `/breaches/${body.id}`, ['dpo'], { changes: { natures: ['leak'], peopleCount: -1 }, reason: 'Essai' });
    expect(bad.status).toBe(400);
    expect(bad.type).toBe('application/problem+json');
    expect(paths(bad.body).sort()).toEqual(['body.changes.natures.0', 'body.changes.peopleCount']);
    const crossField = await call('PATCH', `/breaches/${body.id}`, ['dpo'], { changes: { peopleInformed: 'will-not' }, reason: 'Essai' });
    expect(paths(crossField.body)).toEqual(['body.changes.peopleInformedJustification']);
    expect(paths((await call('PATCH', `/breaches/${body.id}`, ['dpo'], { changes: { peopleCount: 3 } })).body)).toEqual(['body.reason']);
    expect((await call('GET', `/breaches/not-a-number`, ['dpo'])).status).toBe(400);
    expect((await call('GET', `/breaches/999999`, ['dpo'])).status).toBe(404);
    const after = await call('GET', `/breaches/${body.id}/revisions`, ['dpo']);
    expect(after.body).toEqual(before.body);
    expect((await call('GET', `/breaches/${body.id}`, ['dpo'])).body.facts.peopleCount).toBe(12);
  });

  it('refuses a late notification without reasons for the delay (problem names body.delayReasons)', async () => {
    clock.set('2020-04-03T08:00:00Z');
    const { body } = await call('POST', '/breaches', ['dpo'], { title: 'Notification tardive', awareAt: '2020-04-03T08:00:00+02:00' });
    clock.set('2020-04-07T08:00:00Z');
    const refused = await call('POST', `/breaches/${body.id}/filings`, ['dpo'], { filedAt: '2020-04-07T09:00:00+02:00', kind: 'initial', reference: 'CNIL-2020-1' });
    expect(refused.status).toBe(400);
    expect(paths(refused.body)).toEqual(['body.delayReasons']);
    expect(refused.body.detail).toContain('2020-04-06 08:00 +02:00');
    const accepted = await call('POST', `/breaches/${body.id}/filings`, ['dpo'], { filedAt: '2020-04-07T09:00:00+02:00', kind: 'initial', delayReasons: 'Le sous-traitant nous a informés le 6 avril au soir' });
    expect(accepted.status).toBe(201);
    const record = await call('GET', `/breaches/${body.id}`, ['dpo']);
    expect(record.body.status).toBe('notified');
    expect(record.body.clocks[0].state).toBe('missed');
  });

  it('imports a population from CSV all or nothing, errors naming their line; follows each person', async () => {
    clock.set('2019-11-10T09:00:00Z');
    const { body } = await call('POST', '/breaches', ['dpo'], { title: 'CMG : anomalies de calcul', natures: ['integrity'] });
    const bad = 'person,status,due\nF-1,to-inform,2019-11-21 18:00\nF-2,nonsense,2019-11-21 18:00\nF 3,informed,21/11/2019\nF-1,informed,\n';
    const refused = await call('POST', `/breaches/${body.id}/people/import`, ['dpo'], bad, 'text/csv');
    expect(refused.status).toBe(400);
    expect(paths(refused.body)).toEqual(['body.line 3.status', 'body.line 4.due', 'body.line 4.person', 'body.line 5.person']);
    expect((await call('GET', `/breaches/${body.id}/people`, ['dpo'])).body.counts.total).toBe(0);
    const rows = Array.from({ length: 90 }, (_, i) => `F-${i + 1},to-inform,2019-11-21 00:00,"Réponse individuelle, avant le 21"`);
    const ok = await call('POST', `/breaches/${body.id}/people/import`, ['dpo'], `person,status,due,notes\n${rows.join('\n')}\n`, 'text/csv');
    expect(ok.body).toEqual({ received: 90, added: 90, alreadyThere: 0 });
    clock.set('2019-11-20T09:00:00Z');
    expect((await call('PATCH', `/breaches/${body.id}/people/F-7`, ['comms'], { status: 'answered', reason: 'Courrier envoyé' })).status).toBe(403);
    expect((await call('PATCH', `/breaches/${body.id}/people/F-7`, ['dpo'], { status: 'answered', reason: 'Courrier envoyé et réponse reçue' })).status).toBe(200);
    expect((await call('PATCH', `/breaches/${body.id}/people/F-8`, ['dpo'], { status: 'informed', reason: 'x' })).status).toBe(400);
    clock.set('2019-11-22T09:00:00Z');
    const people = await call('GET', `/breaches/${body.id}/people?status=to-inform&limit=5`, ['auditor']);
    expect(people.body.counts).toMatchObject({ total: 90, byStatus: { 'to-inform': 89, answered: 1 }, overdue: 89 });
    expect(people.body.people).toHaveLength(5);
    expect(people.body.people[0].dueAt).toBe('2019-11-21T00:00:00+01:00');
  });

  it("lists each breach with its own latest decision, filings, population and clocks (the register in a few statements)", async () => {
    const { body } = await call('POST', '/breaches', ['dpo'], { title: 'Deux décisions', awareAt: '2020-04-02T08:00:00Z' });
    const decide = (people: string) => call('POST', `/breaches/${body.id}/decisions`, ['dpo'], { authority: 'notify', people, justification: 'risque élevé' });
    expect((await decide('undetermined')).status).toBe(201);
    expect((await decide('inform')).status).toBe(201); // the latest decision is the one listed
    const other = (await call('POST', '/breaches', ['dpo'], { title: 'Avec population', awareAt: '2020-04-03T08:00:00Z' })).body;
    const csv = `person,status,due\n${Array.from({ length: 7 }, (_, i) => `P-${i + 1},to-inform,2020-04-10 00:00`).join('\n')}\n`;
    expect((await call('POST', `/breaches/${other.id}/people/import`, ['dpo'], csv, 'text/csv')).body).toMatchObject({ added: 7 });
    const list = await call('GET', '/breaches', ['dpo']);
    expect(list.body.breaches.length).toBeGreaterThanOrEqual(2);
    for (const line of list.body.breaches) {
      const record = (await call('GET', `/breaches/${line.id}`, ['dpo'])).body;
      const gdpr = record.clocks.find((c: { regime: string }) => c.regime === 'gdpr');
      expect(line, line.title).toMatchObject({
        title: record.title,
        status: record.status,
        population: record.people.total,
        decision: record.decision ? `${record.decision.authority}/${record.decision.people}` : null,
        gdprState: gdpr?.state ?? 'waiting',
        gdprDueAt: gdpr?.dueAt ?? null,
        overdue: record.overdue.map((c: { regime: string; step: string }) => `${c.regime}/${c.step}`),
      });
    }
    expect(list.body.breaches.find((line: { id: string }) => line.id === body.id).decision).toBe('notify/inform');
    expect(list.body.breaches.find((line: { id: string }) => line.id === other.id).population).toBe(7);
  });

  it('exports the register as CSV and JSON', async () => {
    const csv = await call('GET', '/breaches/export?format=csv', ['auditor']);
    expect(csv.type).toContain('text/csv');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('id,title,status,createdAt,awareAt,natures,dataCategories,peopleCount,population,decision,gdprDueAt,gdprState,overdue');
    expect(lines.some((line: string) => line.includes('Pajemploi') && line.includes('2020-03-31 11:30 +02:00'))).toBe(true);
    const json = await call('GET', '/breaches/export?format=json', ['dpo']);
    expect(json.body.timeZone).toBe('Europe/Paris');
    expect(json.body.breaches.length).toBe(lines.length - 1);
  });
});
