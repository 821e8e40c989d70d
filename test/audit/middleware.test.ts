import { Hono } from 'hono';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessLog } from '../../src/audit/access-log.js';
import { accessLogMiddleware, declarePersonalData } from '../../src/audit/access-log-middleware.js';
import { AccessLogWriter } from '../../src/audit/writer.js';
import { systemClock } from '../../src/clock.js';
import { createNodeAuditCrypto } from '../../src/entry/node-audit-crypto.js';
import { createRelationDeclarations } from '../../src/exposure/relation-header.js';
import { silentLogger } from '../../src/logger.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testApp, testConfig } from '../helpers/test-app.js';

const crypto = createNodeAuditCrypto('audit-key-for-tests-at-least-32-characters');

describe.each(engines())('middleware mode and the audit API on %s', (engine) => {
  let test: TestDatabase;
  let writer: AccessLogWriter;
  let service: Hono;

  beforeAll(async () => {
    test = await openTestDatabase(engine);
    writer = new AccessLogWriter({ db: test.db, crypto, clock: systemClock, logger: silentLogger, mode: 'strict', timeoutMs: 300, maxBatch: 100 });
    const relations = createRelationDeclarations({ db: test.db, clock: systemClock, logger: silentLogger, zone: 'Europe/Paris' });
    const accessLog = createAccessLog(testConfig(), writer, crypto, relations);
    service = new Hono();
    service.use('*', accessLogMiddleware({ accessLog, clock: systemClock }));
    service.get('/people/:id', (c) => {
      declarePersonalData(c, { subjects: [c.req.param('id')], categories: ['identity'] });
      return c.json({ id: c.req.param('id') });
    });
    service.get('/employers/:id', (c) => {
      const employee = c.req.query('employs') ?? 'nobody';
      const relation = { principal: c.req.param('id'), subject: employee, from: new Date('2019-09-01T00:00:00Z'), to: new Date('2021-01-01T00:00:00Z'), kind: 'employment' };
      declarePersonalData(c, { subjects: [employee], categories: ['identity'], relations: [relation] });
      return c.json({ employee });
    });
    service.get('/about', (c) => c.text('about'));
  });
  afterAll(async () => {
    await writer.close();
    await test.close();
  });

  it('records responses declared in code and removes the declaration', async () => {
    const res = await service.request('/people/p-77?x=1', { headers: { 'x-request-id': `mw-${engine}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('vigie-data-subjects')).toBeNull();
    expect(await res.json()).toEqual({ id: 'p-77' });
    const rows = await test.db.selectFrom('access_log').selectAll().where('request_id', '=', `mw-${engine}`).execute();
    expect(rows).toMatchObject([{ subjects: ['p-77'], categories: ['identity'], route: '/people/p-77', principal_kind: 'anonymous' }]);
    await service.request('/about', { headers: { 'x-request-id': `mw-about-${engine}` } });
    expect(await test.db.selectFrom('access_log').select('request_id').where('request_id', '=', `mw-about-${engine}`).execute()).toEqual([]);
  });

  it('stores the relations a handler declares, and removes the header', async () => {
    const res = await service.request('/employers/parent-9?employs=minder-9', { headers: { 'x-request-id': `mw-rel-${engine}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('vigie-relations')).toBeNull();
    expect(await test.db.selectFrom('exposure_relation').select(['principal', 'subject', 'valid_from', 'valid_to', 'kind', 'source']).execute()).toEqual([
      { principal: 'parent-9', subject: 'minder-9', valid_from: new Date('2019-09-01T00:00:00Z'), valid_to: new Date('2021-01-01T00:00:00Z'), kind: 'employment', source: 'origin-header' },
    ]);
    expect(await test.db.selectFrom('access_log').select('subjects').where('request_id', '=', `mw-rel-${engine}`).execute()).toEqual([{ subjects: ['minder-9'] }]);
  });

  it('fails closed with a 503 problem when the log cannot be written in time, then recovers', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const holder = test.db.transaction().execute(async (trx) => {
      await sql`lock table audit_batch in access exclusive mode`.execute(trx);
      await released;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    const refused = await service.request('/people/p-78');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.stringify(await refused.json())).not.toContain('p-78');
    expect(performance.now() - started).toBeLessThan(300 + 250);
    release();
    await holder;
    expect((await service.request('/people/p-79')).status).toBe(200);
  });

  it('lets only dpo and auditor read the log, records each read with its reason, and verifies over the API', async () => {
    const { app, auth } = testApp({ db: test.db, deps: { accessLog: createAccessLog(testConfig(), writer, crypto) } });
    const query = `from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&subject=p-77&reason=${encodeURIComponent('CNIL request 2026-42')}`;
    expect((await app.request(`/_vigie/audit/records?${query}`, { headers: await auth(['sre']) })).status).toBe(403);
    const noReason = await app.request('/_vigie/audit/records?from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z', { headers: await auth(['dpo']) });
    expect(noReason.status).toBe(400);
    expect((await noReason.json()).errors[0].path).toBe('query.reason');
    const res = await app.request(`/_vigie/audit/records?${query}`, { headers: await auth(['dpo'], 'dora') });
    expect(res.status).toBe(200);
    const { records } = await res.json();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ requestId: `mw-${engine}`, subjects: ['p-77'] });
    expect(records[0].at).toMatch(/[+-]\d\d:\d\d$/);
    const reads = await test.db.selectFrom('staff_action').selectAll().where('action', '=', 'audit.read').execute();
    expect(reads).toMatchObject([{ actor: 'dora', reason: 'CNIL request 2026-42' }]);
    const verify = await app.request('/_vigie/audit/verify', { headers: await auth(['auditor']) });
    expect(await verify.json()).toMatchObject({ ok: true, issues: [] });
    const status = await app.request('/_vigie/audit/status', { headers: await auth(['sre']) });
    expect(await status.json()).toMatchObject({ mode: 'strict', refused: 1 });
  });
});
