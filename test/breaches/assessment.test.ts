import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testApp } from '../helpers/test-app.js';

/** Register facts and the assessment field each one fills when the DPO leaves it out (assess.ts). */
const register = {
  dataCategories: ['civil-status', 'financial'],
  personCategories: ['users', 'employees'],
  peopleCount: 30_000,
  recordCount: 45_000,
  recipients: 'known',
  recipientsCount: 12,
  recipientAction: 'recall-requested',
  exfiltration: 'ruled-out',
  insider: true,
  causes: ['internal-malicious'],
  backupAvailable: true,
  restoreHours: 5,
  fullPaymentCardData: true,
  crossBorder: true,
  processorsInvolved: true,
  directlyIdentifiable: true,
} as const;

/** field → [what the register gives it, another value the DPO may state]. */
const fields: [string, unknown, unknown][] = [
  ['dataCategories', ['civil-status', 'financial'], ['contact']],
  ['personCategories', ['users', 'employees'], ['customers']],
  ['peopleCount', 30_000, 3],
  ['recordCount', 45_000, 10],
  ['recipients', 'known', 'unknown'],
  ['recipientsCount', 12, 200],
  ['recipientAction', 'recall-requested', 'none'],
  ['exfiltration', 'ruled-out', 'unknown'],
  ['insider', true, false],
  ['malicious', true, false],
  ['backupAvailable', true, false],
  ['restoreHours', 5, 50],
  ['fullPaymentCardData', true, false],
  ['crossBorder', true, false],
  ['atProcessor', true, false],
  ['easeOfIdentification', 'maximum', 'limited'],
];

describe.each(engines())('assessments read what the DPO leaves out from the register (%s)', (engine) => {
  let database: TestDatabase;
  const clock = manualClock('2020-03-31T14:00:00Z');
  let built: ReturnType<typeof testApp>;
  let id: string;
  beforeAll(async () => {
    database = await openTestDatabase(engine);
    built = testApp({ db: database.db, clock, env: { VIGIE_ORG_NAME: 'Urssaf', VIGIE_DPO_CONTACT: 'dpo@urssaf.example' } });
    const opened = await call('POST', '/breaches', { title: 'Faits du registre', awareAt: '2020-03-31T09:30:00Z', ...register, reason: 'test' });
    expect(opened.status).toBe(201);
    id = opened.body.id;
  });
  afterAll(() => database.close());

  async function call(method: string, path: string, body?: unknown) {
    const headers = { ...(await built.auth(['dpo'], 'dora')), 'content-type': 'application/json' };
    const res = await built.app.request(`/_vigie${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  }
  const assess = async (body: object) => {
    const res = await call('POST', `/breaches/${id}/assessments`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const record = await call('GET', `/breaches/${id}`);
    return { answer: res.body, input: record.body.assessment.input };
  };

  it.each(fields)('%s: the register’s value when left out, the stated value when given', async (field, fromRegister, stated) => {
    const omitted = await assess({});
    expect(omitted.input[field]).toEqual(fromRegister);
    expect(omitted.answer.fromRegister).toContain(field);
    const given = await assess({ [field]: stated, ...(field === 'recipients' ? { recipientAction: 'none' } : {}) });
    expect(given.input[field]).toEqual(stated);
    expect(given.answer.fromRegister).not.toContain(field);
  });

  it('an empty body is an assessment of the register (was 400 "no data category gives a base score")', async () => {
    const { answer } = await assess({});
    expect(answer.score).toMatchObject({ dpcBase: 3, dpc: 4, ei: 1 });
    expect(answer.recommendation.authority).toBe('notify');
  });

  it('categories stated without a count keep the register’s count and person categories (they were dropped)', async () => {
    const { input } = await assess({ dataCategories: ['contact'] });
    expect(input).toMatchObject({ dataCategories: ['contact'], peopleCount: 30_000, personCategories: ['users', 'employees'] });
  });

  it('the number of people is the estimate until the DPO adopts the people list’s count', async () => {
    const people = Array.from({ length: 3 }, (_, i) => ({ ref: `p${i}` }));
    expect((await call('POST', `/breaches/${id}/people`, { people, source: 'manual' })).status).toBe(201);
    expect((await assess({})).input.peopleCount).toBe(30_000);
    expect((await call('PATCH', `/breaches/${id}`, { changes: { peopleCountFrom: 'people-list' }, reason: 'count adopted' })).status).toBe(200);
    expect((await assess({})).input.peopleCount).toBe(3);
    await call('PATCH', `/breaches/${id}`, { changes: { peopleCountFrom: 'estimate', peopleCount: null, peopleEstimate: { min: 20_000, max: 40_000, basis: 'sessions ouvertes pendant la fenêtre' } }, reason: 'range' });
    expect((await assess({})).input.peopleCount).toBe(40_000);
  });
});

describe.each(engines())('the DPO decides: a departure from the recommendation is recorded with its justification (%s)', (engine) => {
  let database: TestDatabase;
  const clock = manualClock('2020-03-31T14:00:00Z');
  let built: ReturnType<typeof testApp>;
  beforeAll(async () => {
    database = await openTestDatabase(engine);
    built = testApp({ db: database.db, clock, env: { VIGIE_ORG_NAME: 'Urssaf', VIGIE_DPO_CONTACT: 'dpo@urssaf.example' } });
  });
  afterAll(() => database.close());
  const call = async (method: string, path: string, body?: unknown) => {
    const headers = { ...(await built.auth(['dpo'], 'dora')), 'content-type': 'application/json' };
    const res = await built.app.request(`/_vigie${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, body: type.includes('json') ? await res.json() : await res.text() };
  };

  it('refuses an unjustified departure, keeps a justified one with who, when, why and the advice it departs from', async () => {
    const { body: opened } = await call('POST', '/breaches', { title: 'Relevé bancaire', awareAt: '2020-03-31T09:30:00Z', dataCategories: ['financial'], peopleCount: 1, recipients: 'known', recipientsCount: 1, directlyIdentifiable: true });
    const assessed = await call('POST', `/breaches/${opened.id}/assessments`, {});
    expect(assessed.body.recommendation).toMatchObject({ authority: 'notify', people: 'inform' });
    const refused = await call('POST', `/breaches/${opened.id}/decisions`, { authority: 'notify', people: 'public-communication' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toMatchObject({ path: 'body.justification' });
    expect(refused.body.errors[0].message).toContain('departing from the recommendation (people: advised inform, decided public-communication)');
    clock.set('2020-03-31T15:00:00Z');
    const why = 'Le destinataire est injoignable ; information par publication sur le site';
    expect((await call('POST', `/breaches/${opened.id}/decisions`, { authority: 'notify', people: 'public-communication', justification: why })).status).toBe(201);
    const record = (await call('GET', `/breaches/${opened.id}`)).body;
    expect(record.decision).toMatchObject({
      actor: 'dora',
      at: '2020-03-31T17:00:00+02:00',
      justification: why,
      assessmentId: assessed.body.id,
      recommendation: { authority: 'notify', people: 'inform' },
      departures: [{ field: 'people', advised: 'inform', decided: 'public-communication' }],
    });
    const document = (await call('GET', `/breaches/${opened.id}/document?format=md`)).body as string;
    expect(document).toContain('Recommandation');
    expect(document).toContain('Décision du DPO');
    expect(document).toContain(why);
  });

  it('following the advice needs no more justification than before', async () => {
    const { body: opened } = await call('POST', '/breaches', { title: 'Conforme', awareAt: '2020-03-31T09:30:00Z', dataCategories: ['financial'], peopleCount: 1, recipients: 'known', recipientsCount: 1, directlyIdentifiable: true });
    await call('POST', `/breaches/${opened.id}/assessments`, {});
    const decided = await call('POST', `/breaches/${opened.id}/decisions`, { authority: 'notify', people: 'inform' });
    expect(decided.status).toBe(201);
    expect(decided.body.departures).toEqual([]);
  });
});
