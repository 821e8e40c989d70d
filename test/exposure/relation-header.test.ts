import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { createRelationDeclarations } from '../../src/exposure/relation-header.js';
import { silentLogger } from '../../src/logger.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';

describe.each(engines())('relations declared by the origin (%s)', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
  }, 180_000);
  afterAll(() => t.close());

  it('never holds a response longer than the bound when the store hangs, and stores the relation once it is back', async () => {
    const relations = createRelationDeclarations({ db: t.db, clock: systemClock, logger: silentLogger, zone: 'UTC', waitMs: 300 });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = t.db.transaction().execute(async (trx) => {
      await sql`lock table exposure_relation in access exclusive mode`.execute(trx);
      locked();
      await released;
    });
    await isLocked;
    const started = performance.now();
    await relations.declare('principal=P1; subject=C1; from=2019-01-01T00:00:00Z');
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(2_000);
    release();
    await holder;
    const started2 = performance.now();
    while ((await t.db.selectFrom('exposure_relation').select('principal').execute()).length === 0) {
      expect(performance.now() - started2).toBeLessThan(5_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Remembered: declaring it again waits for nothing.
    expect(relations.declare('principal=P1; subject=C1; from=2019-01-01T00:00:00Z')).toBeUndefined();
  });
});
