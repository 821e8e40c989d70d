import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testApp } from '../helpers/test-app.js';
import { access, writeRecords } from './log.js';

describe.each(engines())('exposure API (%s)', (engine) => {
  let t: TestDatabase;
  let harness: ReturnType<typeof testApp>;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
    harness = testApp({ db: t.db, env: { VIGIE_EXPOSURE_BROAD_ROLES: 'agent' } });
    await writeRecords(t.db, [
      access('2020-03-31T10:00:00Z', 'P1', ['P1', 'C1']),
      access('2020-03-31T10:05:00Z', 'P2', ['C1'], { categories: ['identity', 'payslip'] }),
      access('2020-03-31T10:06:00Z', 'agent-1', ['C1']),
    ]);
  }, 180_000); // migrations on the embedded engine are slow on a busy machine
  afterAll(() => t.close());

  const post = async (path: string, body: unknown, roles: ('admin' | 'dpo' | 'auditor' | 'sre')[]) =>
    harness.app.request(`/_vigie${path}`, { method: 'POST', headers: { ...(await harness.auth(roles)), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const get = async (path: string, roles: ('admin' | 'dpo' | 'auditor' | 'sre')[]) => harness.app.request(`/_vigie${path}`, { headers: await harness.auth(roles) });
  const count = async () => Number((await t.db.selectFrom('exposure_relation').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('bulk upsert is all or nothing: one bad item, a 400 naming it, nothing stored', async () => {
    const response = await post('/exposure/relations', {
      reason: 'sync',
      relations: [
        { principal: 'P1', subject: 'C1', validFrom: '2019-01-01 00:00' },
        { principal: 'P2', subject: 'C1', validFrom: '2020-04-01 00:00', validTo: '2020-03-01 00:00' },
      ],
    }, ['admin']);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await response.json()).errors).toEqual([{ path: 'body.relations.1.validTo', message: 'must be after validFrom' }]);
    expect(await count()).toBe(0);
  });

  it('stores relations and roles, records who and why, and only admins may', async () => {
    expect((await post('/exposure/relations', { reason: 'x', relations: [] }, ['dpo'])).status).toBe(403);
    const response = await post('/exposure/relations', {
      reason: 'nightly sync',
      source: 'pajemploi',
      relations: [{ principal: 'P1', subject: 'C1', validFrom: '2019-01-01 00:00' }],
      roles: [{ principal: 'agent-1', role: 'agent', validFrom: '2020-01-01T00:00:00Z' }],
    }, ['admin']);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ relations: 1, roles: 1, changed: { relations: 1, roles: 1 } });
    const action = await t.db.selectFrom('staff_action').selectAll().where('action', '=', 'exposure.relations.upsert').executeTakeFirstOrThrow();
    expect(action).toMatchObject({ actor: 'alice', reason: 'nightly sync' });
    // The next night's sync sends the same rows, one relation ended and a new one: only those two are written.
    const stored = async () => t.db.selectFrom('exposure_relation').select(['principal', 'subject', 'valid_to', 'source', 'updated_at']).orderBy('subject').execute();
    const before = await stored();
    const again = await post('/exposure/relations', {
      reason: 'nightly sync',
      source: 'pajemploi-2',
      relations: [
        { principal: 'P1', subject: 'C1', validFrom: '2019-01-01 00:00' },
        { principal: 'P1', subject: 'C2', validFrom: '2019-01-01 00:00', validTo: '2020-02-01 00:00' },
      ],
      roles: [{ principal: 'agent-1', role: 'agent', validFrom: '2020-01-01T00:00:00Z' }],
    }, ['admin']);
    expect(await again.json()).toEqual({ relations: 2, roles: 1, changed: { relations: 1, roles: 0 } });
    const after = await stored();
    expect(after[0]).toEqual(before[0]); // C1 untouched: same source and time as when it was first stored
    expect(after[1]).toMatchObject({ subject: 'C2', source: 'pajemploi-2' });
  });

  it('answers the report to dpo and auditor, not to sre; bad windows name the field', async () => {
    expect((await get('/exposure/report?from=2020-03-31%2011:45&to=2020-03-31%2015:15', ['sre'])).status).toBe(403);
    const response = await get('/exposure/report?from=2020-03-31%2011:45&to=2020-03-31%2015:15', ['auditor']);
    expect(response.status).toBe(200);
    const report = await response.json();
    expect(report.byPerson.map((p: { subject: string }) => p.subject)).toEqual(['C1']);
    expect(report.byPerson[0].receivers.map((r: { receiver: string }) => r.receiver)).toEqual(['P2']);
    const bad = await get('/exposure/report?from=2020-03-31%2015:15&to=2020-03-31%2011:45', ['dpo']);
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors).toEqual([{ path: 'query.to', message: 'must be after from' }]);
    const missing = await get('/exposure/report?from=2020-03-31%2011:45', ['dpo']);
    expect((await missing.json()).errors[0].path).toBe('query.to');
  });

  it('saves a named snapshot, immutable: the name cannot be reused and the database refuses changes', async () => {
    const body = { name: 'pajemploi-2020-03-31', reason: 'for the CNIL notification', from: '2020-03-31 11:45', to: '2020-03-31 15:15' };
    const created = await post('/exposure/snapshots', body, ['dpo']);
    expect(created.status).toBe(201);
    const snapshot = await created.json();
    expect(snapshot).toMatchObject({ name: body.name, createdBy: 'alice', reason: body.reason, query: { from: '2020-03-31 11:45', zone: 'Europe/Paris' } });
    expect(snapshot.report.totals.peopleExposed).toBe(1);
    expect(Object.keys(snapshot.report.covers.heads)).toHaveLength(1);
    expect((await post('/exposure/snapshots', body, ['dpo'])).status).toBe(409);
    await expect(t.db.updateTable('exposure_snapshot').set({ reason: 'edited' }).execute()).rejects.toThrow(/immutable/);
    await expect(t.db.deleteFrom('exposure_snapshot').execute()).rejects.toThrow(/immutable/);
    const read = await get(`/exposure/snapshots/${body.name}`, ['auditor']);
    expect((await read.json()).report).toEqual(snapshot.report);
    expect((await get('/exposure/snapshots/nope', ['dpo'])).status).toBe(404);
    const list = await (await get('/exposure/snapshots', ['dpo'])).json();
    expect(list.snapshots.map((s: { name: string }) => s.name)).toEqual([body.name]);
    const badName = await post('/exposure/snapshots', { ...body, name: 'a b' }, ['dpo']);
    expect((await badName.json()).errors[0].path).toBe('body.name');
  });

  it('attaches a snapshot to a breach: its people join the population, its window the timeline', async () => {
    const breach = await (await post('/breaches', { title: 'Cache mal configuré' }, ['dpo'])).json();
    const response = await post('/exposure/snapshots/pajemploi-2020-03-31/attach', { breachId: breach.id, reason: 'population of the breach' }, ['dpo']);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ breachId: String(breach.id), snapshot: 'pajemploi-2020-03-31', people: 1, dataCategories: ['civil-status', 'financial'], unmappedCategories: [] });
    const people = await t.db.selectFrom('breach_person').selectAll().execute();
    expect(people.map((p) => p.person_ref)).toEqual(['C1']);
    const events = await t.db.selectFrom('breach_event').select(['kind', 'source']).where('kind', '=', 'exposure-snapshot').execute();
    expect(events).toEqual([{ kind: 'exposure-snapshot', source: 'snapshot:pajemploi-2020-03-31' }]);
    expect((await post('/exposure/snapshots/nope/attach', { breachId: breach.id, reason: 'x' }, ['dpo'])).status).toBe(404);
  });
});
