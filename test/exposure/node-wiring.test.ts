import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { startNodeAccessLog } from '../../src/entry/node-audit.js';
import { silentLogger } from '../../src/logger.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testConfig } from '../helpers/test-app.js';
import { access } from './log.js';

const key = 'test-audit-key-test-audit-key-0123';

/** The entry's wiring, not the detector (detection.test.ts): the engine makes no difference here. */
describe('the Node access log runs live exposure detection', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase('embedded');
  }, 180_000);
  afterAll(() => t.close());

  const alerts = async () => Number((await t.db.selectFrom('exposure_alert').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('stores nothing when VIGIE_EXPOSURE_LIVE=false', async () => {
    const log = await startNodeAccessLog(testConfig({ VIGIE_AUDIT_KEY: key, VIGIE_EXPOSURE_LIVE: 'false' }), t.db, 'embedded', systemClock, silentLogger);
    await log.accessLog.writer.record(access('2020-03-31T09:45:00Z', 'P2', ['P1'], { producedFor: 'P1' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await log.close();
    expect(await alerts()).toBe(0);
  });

  it('stores the relations of Vigie-Relations unless VIGIE_EXPOSURE_RELATIONS_HEADER=false', async () => {
    const off = await startNodeAccessLog(testConfig({ VIGIE_AUDIT_KEY: key, VIGIE_EXPOSURE_RELATIONS_HEADER: 'false' }), t.db, 'embedded', systemClock, silentLogger);
    expect(off.accessLog.relations).toBeUndefined();
    await off.close();
    const on = await startNodeAccessLog(testConfig({ VIGIE_AUDIT_KEY: key }), t.db, 'embedded', systemClock, silentLogger);
    await on.accessLog.relations!.declare('principal=P5; subject=C5; from=2019-01-01T00:00:00Z');
    await on.close();
    expect(await t.db.selectFrom('exposure_relation').select(['principal', 'subject', 'source']).execute()).toEqual([{ principal: 'P5', subject: 'C5', source: 'origin-header' }]);
  });

  it('opens an alert after a leaked response is committed (on by default; latency: detection.test.ts)', async () => {
    const log = await startNodeAccessLog(testConfig({ VIGIE_AUDIT_KEY: key }), t.db, 'embedded', systemClock, silentLogger);
    try {
      await log.accessLog.writer.record(access('2020-03-31T09:45:00Z', 'P2', ['P1'], { producedFor: 'P1' }));
      const started = performance.now();
      while ((await alerts()) === 0) {
        expect(performance.now() - started).toBeLessThan(5000);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      await log.close();
    }
  });
});
