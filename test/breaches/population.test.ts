import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { openBreachBody } from '../../src/breaches/breach-facts.js';
import type { BreachDeps } from '../../src/breaches/breach-store.js';
import { openBreach } from '../../src/breaches/edit-breach.js';
import { addPopulation, changePerson, countPopulation, personHistory, personStatuses, type PersonStatus } from '../../src/breaches/population.js';
import type { Db } from '../../src/db/database.js';
import { ValidationError } from '../../src/http/errors.js';
import { engines, openSchema, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testConfig } from '../helpers/test-app.js';

const dpo = { subject: 'dora', roles: ['dpo'] };

describe.each(engines())('breach population on %s', (engine) => {
  let database: TestDatabase;
  // On PostgreSQL, four pools on the same schema: four Vigie instances writing at once.
  let pools: Db[] = [];
  const clock = manualClock('2019-11-10T09:00:00Z');
  const config = testConfig();
  const depsOn = (db: Db): BreachDeps => ({ db, clock, config });
  beforeAll(async () => {
    database = await openTestDatabase(engine);
    pools = database.schema ? await Promise.all([1, 2, 3, 4].map(() => openSchema(database.schema!, 4))) : [database.db];
  });
  afterAll(async () => {
    if (database.schema) await Promise.all(pools.map((pool) => pool.destroy()));
    await database.close();
  });

  it('counts by status stay exact under concurrent changes and additions from several instances', async () => {
    const { id } = await openBreach(depsOn(database.db), openBreachBody.parse({ title: 'CMG : 30 000 familles' }), dpo);
    const initial = Array.from({ length: 2000 }, (_, i) => ({ ref: `F-${i}` }));
    expect(await addPopulation(depsOn(database.db), id, initial, 'csv', dpo)).toEqual({ received: 2000, added: 2000, alreadyThere: 0 });

    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const changes = Array.from({ length: 400 }, () => ({
      ref: `F-${random(50)}`, // few people, many changes each: the same rows are fought over
      status: personStatuses[random(personStatuses.length)]!,
    }));
    const additions = [0, 1, 2, 3].map((k) => ({
      pool: pools[k % pools.length]!,
      people: Array.from({ length: 300 }, (_, i) => ({ ref: `F-${1900 + k * 100 + i}` })), // overlapping batches
    }));
    // Four workers per instance, as many as its pool has connections (more would only queue for a connection).
    let next = 0;
    const worker = async (pool: Db) => {
      while (next < changes.length) {
        const change = changes[next++]!;
        await changePerson(depsOn(pool), id, change.ref, { status: change.status, reason: 'suivi' }, dpo);
      }
    };
    await Promise.all([
      ...pools.flatMap((pool) => [pool, pool, pool].map(worker)),
      ...additions.map((batch) => addPopulation(depsOn(batch.pool), id, batch.people, 'manual', dpo)),
    ]);

    const counts = await countPopulation(database.db, id, clock.now());
    expect(counts.total).toBe(2500); // F-0 … F-2499, each once
    expect(Object.values(counts.byStatus).reduce((a, b) => a + b, 0)).toBe(counts.total);
    // Every person's current status is the last step of their history, and the history holds every change.
    const rows = await database.db.selectFrom('breach_person').select(['person_ref', 'status']).where('breach_id', '=', id).execute();
    const events = await database.db.selectFrom('breach_person_event').select(['person_ref', 'to_status']).where('breach_id', '=', id).orderBy('id').execute();
    expect(events.length).toBe(2500 + changes.length);
    const lastStatus = new Map(events.map((e) => [e.person_ref, e.to_status]));
    const fromHistory = Object.fromEntries(personStatuses.map((s) => [s, 0])) as Record<PersonStatus, number>;
    for (const status of lastStatus.values()) fromHistory[status as PersonStatus]++;
    expect(counts.byStatus).toEqual(fromHistory);
    for (const row of rows) expect(lastStatus.get(row.person_ref)).toBe(row.status);
  });

  it('two people moving the same person on at once: one wins, the other is told, nothing is lost', async () => {
    const { id } = await openBreach(depsOn(database.db), openBreachBody.parse({ title: 'Course' }), dpo);
    await addPopulation(depsOn(database.db), id, [{ ref: 'F-1', status: 'to-inform' }], 'manual', dpo);
    const attempts = await Promise.allSettled(
      (['informed', 'regressed'] as const).map((status, i) =>
        changePerson(depsOn(pools[i % pools.length]!), id, 'F-1', { status, expectedStatus: 'to-inform', reason: 'concurrent' }, dpo),
      ),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    const failure = attempts.find((a) => a.status === 'rejected') as PromiseRejectedResult;
    expect(failure.reason).toBeInstanceOf(ValidationError);
    const history = await personHistory(database.db, id, 'F-1');
    expect(history.map((h) => [h.from_status, h.to_status])).toEqual([
      [null, 'to-inform'],
      ['to-inform', (attempts.find((a) => a.status === 'fulfilled') as PromiseFulfilledResult<{ status: string }>).value.status],
    ]);
  });

  it('a bad person in a batch adds nobody', async () => {
    const { id } = await openBreach(depsOn(database.db), openBreachBody.parse({ title: 'Lot invalide' }), dpo);
    await expect(addPopulation(depsOn(database.db), id, [{ ref: 'A-1' }, { ref: 'A 2' }, { ref: 'A-3', status: 'lost' as never }], 'csv', dpo)).rejects.toMatchObject({
      errors: [
        { path: 'people.1.ref', message: expect.any(String) },
        { path: 'people.2.status', message: expect.any(String) },
      ],
    });
    await expect(addPopulation(depsOn(database.db), id, [{ ref: 'A-1' }], 'snapshot:../../x', dpo)).rejects.toBeInstanceOf(ValidationError);
    expect((await countPopulation(database.db, id, clock.now())).total).toBe(0);
  });
});
