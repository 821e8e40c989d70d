import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessLog } from '../../src/audit/access-log.js';
import { accessLogMiddleware, declarePersonalData } from '../../src/audit/access-log-middleware.js';
import { AccessLogWriter } from '../../src/audit/writer.js';
import { defaultCategoryMap, toRegisterCategories } from '../../src/breaches/category-map.js';
import { openBreach } from '../../src/breaches/edit-breach.js';
import { getBreach } from '../../src/breaches/get-breach.js';
import { addPopulation } from '../../src/breaches/population.js';
import { systemClock } from '../../src/clock.js';
import { createNodeAuditCrypto } from '../../src/entry/node-audit-crypto.js';
import { createLogger } from '../../src/logger.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testApp, testConfig } from '../helpers/test-app.js';

const crypto = createNodeAuditCrypto('audit-key-for-tests-at-least-32-characters');
const dpo = { subject: 'dora', roles: ['dpo'] };

describe('the category map (VIGIE_CATEGORY_MAP over the bundled one)', () => {
  it('maps the README’s categories, register codes to themselves, and lets the organisation replace an entry', () => {
    expect(toRegisterCategories(defaultCategoryMap, ['identity', 'financial'])).toEqual({ codes: ['civil-status', 'financial'], unmapped: [] });
    expect(toRegisterCategories(defaultCategoryMap, ['Health', ' nir '])).toEqual({ codes: ['nir', 'health'], unmapped: [] });
    expect(toRegisterCategories(defaultCategoryMap, ['identity', 'hobbies'])).toEqual({ codes: ['civil-status', 'other'], unmapped: ['hobbies'] });
    const config = testConfig({ VIGIE_CATEGORY_MAP: 'identity=civil-status+nir, hobbies=behavioural' });
    expect(toRegisterCategories(config.categoryMap, ['identity', 'hobbies', 'contact'])).toEqual({ codes: ['civil-status', 'nir', 'contact', 'behavioural'], unmapped: [] });
    // Names that exist on Object.prototype are not categories.
    expect(toRegisterCategories(config.categoryMap, ['constructor'])).toEqual({ codes: ['other'], unmapped: ['constructor'] });
  });

  it('stops start-up naming a register category that does not exist, or an entry it cannot read', () => {
    expect(() => testConfig({ VIGIE_CATEGORY_MAP: 'identity=etat-civil' })).toThrow(
      /^configuration error: VIGIE_CATEGORY_MAP maps "identity" to "etat-civil", which is not a register data category \(src\/breaches\/data\/cnil-vocabularies\.json: civil-status, nir, /,
    );
    expect(() => testConfig({ VIGIE_CATEGORY_MAP: 'identity' })).toThrow(/VIGIE_CATEGORY_MAP entry "identity" must read <declared category>=<register category>/);
    expect(() => testConfig({ VIGIE_CATEGORY_MAP: 'payslip=financial+salaries' })).toThrow(/maps "payslip" to "salaries"/);
  });
});

describe.each(engines())('declared categories where they enter, and into the register, on %s', (engine) => {
  let test: TestDatabase;
  let writer: AccessLogWriter;
  let service: Hono;
  const lines: Record<string, unknown>[] = [];
  let accessLog: ReturnType<typeof createAccessLog>;

  beforeAll(async () => {
    test = await openTestDatabase(engine);
    const logger = createLogger('warn', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    writer = new AccessLogWriter({ db: test.db, crypto, clock: systemClock, logger, mode: 'strict', timeoutMs: 2_000, maxBatch: 100 });
    accessLog = createAccessLog(testConfig(), writer, crypto, undefined, logger);
    service = new Hono();
    service.use('*', accessLogMiddleware({ accessLog, clock: systemClock }));
    service.get('/people/:id', (c) => {
      declarePersonalData(c, { subjects: [c.req.param('id')], categories: (c.req.query('c') ?? 'identity').split(',') });
      return c.json({ id: c.req.param('id') });
    });
  });
  afterAll(async () => {
    await writer.close();
    await test.close();
  });

  it('counts each unknown category and warns once per name, without personal data; records stay as declared', async () => {
    for (const [person, categories] of [
      ['p-1', 'identity,financial'],
      ['p-2', 'identity,hobbies'],
      ['p-3', 'hobbies'],
      ['p-4', 'pets,contact'],
      ['p-5', 'Jean Dupont 12 rue'],
    ] as const) {
      expect((await service.request(`/people/${person}?c=${encodeURIComponent(categories)}`)).status).toBe(200);
    }
    expect(accessLog.categories.stats()).toEqual({ total: 4, categories: { hobbies: 2, pets: 1, '(not a category name)': 1 } });
    expect(lines.map((line) => [line.level, line.msg, line.category])).toEqual([
      ['warn', 'declared data category not in the category map', 'hobbies'],
      ['warn', 'declared data category not in the category map', 'pets'],
      ['warn', 'declared data category not in the category map', '(not a category name)'],
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/p-\d|Dupont/);
    const rows = await test.db.selectFrom('access_log').select(['subjects', 'categories']).orderBy('seq').orderBy('pos').execute();
    expect(rows.map((row) => row.categories)).toEqual([['identity', 'financial'], ['identity', 'hobbies'], ['hobbies'], ['pets', 'contact'], ['Jean Dupont 12 rue']]);

    const { app, auth } = testApp({ db: test.db, deps: { accessLog } });
    const status = await app.request('/_vigie/audit/status', { headers: await auth(['sre']) });
    expect(await status.json()).toMatchObject({ committedRecords: 5, unknownCategories: { total: 4, categories: { hobbies: 2, pets: 1 } } });
  });

  it('a snapshot brings its people into the register in the register’s words; names the map lacks become « other » and are returned', async () => {
    const { app, auth, deps } = testApp({ db: test.db, deps: { accessLog } });
    const json = async () => ({ ...(await auth(['dpo'], 'dora')), 'content-type': 'application/json' });
    // Every response above was read anonymously: each person's data reached someone not entitled to it.
    const snapshot = await app.request('/_vigie/exposure/snapshots', {
      method: 'POST',
      headers: await json(),
      body: JSON.stringify({ name: `cats-${engine}`, from: '2020-01-01T00:00:00Z', to: new Date(Date.now() + 60_000).toISOString(), reason: 'categories' }),
    });
    expect(snapshot.status).toBe(201);
    const { id } = await openBreach(deps, { title: 'Catégories', dataCategories: ['unknown'] }, dpo);
    const attached = await app.request(`/_vigie/exposure/snapshots/cats-${engine}/attach`, { method: 'POST', headers: await json(), body: JSON.stringify({ breachId: id, reason: 'people' }) });
    expect(attached.status).toBe(200);
    expect(await attached.json()).toEqual({
      breachId: String(id),
      snapshot: `cats-${engine}`,
      people: 5,
      dataCategories: ['civil-status', 'contact', 'financial', 'other'],
      unmappedCategories: ['Jean Dupont 12 rue', 'hobbies', 'pets'],
    });
    const people = await test.db.selectFrom('breach_person').select(['person_ref', 'exposed']).where('breach_id', '=', id).orderBy('person_ref').execute();
    expect(people.map((p) => [p.person_ref, p.exposed])).toEqual([
      ['p-1', ['civil-status', 'financial']],
      ['p-2', ['civil-status', 'other']],
      ['p-3', ['other']],
      ['p-4', ['contact', 'other']],
      ['p-5', ['other']],
    ]);
    // The breach's facts gained what the snapshot shows ("unknown" went), and a revision says why.
    const record = await getBreach(test.db, id, { config: deps.config, now: new Date() });
    expect(record.facts.dataCategories).toEqual(['civil-status', 'contact', 'financial', 'other']);
    const revisions = await test.db.selectFrom('breach_revision').select(['version', 'actor', 'reason']).where('breach_id', '=', id).orderBy('version').execute();
    expect(revisions[1]).toEqual({ version: 2, actor: 'dora', reason: `data categories seen in exposure snapshot cats-${engine}` });
  });

  it('people added by hand take a declared name the map knows, and refuse one it does not, naming the person', async () => {
    const deps = { db: test.db, clock: systemClock, config: testConfig() };
    const { id } = await openBreach(deps, { title: 'À la main' }, dpo);
    await addPopulation(deps, id, [{ ref: 'q-1', exposed: ['identity', 'nir'] }], 'manual', dpo);
    await expect(addPopulation(deps, id, [{ ref: 'q-2', exposed: ['contact'] }, { ref: 'q-3', exposed: ['hobbies'] }], 'manual', dpo)).rejects.toMatchObject({
      status: 400,
      errors: [{ path: 'people.1.exposed', message: '"hobbies" is neither a register data category nor in the category map (VIGIE_CATEGORY_MAP)' }],
    });
    const rows = await test.db.selectFrom('breach_person').select(['person_ref', 'exposed']).where('breach_id', '=', id).execute();
    expect(rows).toEqual([{ person_ref: 'q-1', exposed: ['civil-status', 'nir'] }]);
  });
});
