import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { silentLogger } from '../../src/logger.js';
import { createEdgeMaintenance } from '../../src/maintenance/edge-holder.js';
import { maintenancePolicyFromConfig } from '../../src/maintenance/holder.js';
import { endAllMaintenance, startMaintenance, systemActor } from '../../src/maintenance/service.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testApp, testConfig } from '../helpers/test-app.js';

describe.each(engines())('maintenance state on the edge (Workers: no LISTEN) on %s', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(engine);
  }, 180_000);
  afterAll(() => database.close());

  it('reads once at the first request, then at most every maxAge, in the background', async () => {
    const clock = manualClock('2026-11-23T10:00:00Z');
    const config = testConfig();
    const edge = createEdgeMaintenance({ clock, logger: silentLogger, policy: maintenancePolicyFromConfig(config), coldStart: 'open', maxAgeMs: 1000 });
    const deps = { db: database.db, clock, config };
    await startMaintenance(deps, { reason: 'Incident' }, systemActor);

    await edge.refreshIfDue(database.db);
    expect(edge.state.source).toBe('database');
    const { app } = testApp({ db: database.db, clock, deps: { maintenance: edge.holderFor(database.db) } });
    expect((await app.request('/x')).status).toBe(503);

    await endAllMaintenance(deps, { reason: 'Réparé' }, systemActor);
    expect(edge.refreshIfDue(database.db)).toBeUndefined(); // not due yet: keeps serving what it knows
    expect((await app.request('/x')).status).toBe(503);
    clock.advance(1000);
    await edge.refreshIfDue(database.db);
    expect((await app.request('/x')).status).toBe(404);
  });

  it('never decides on a state read more than maxAge ago: a quiet isolate waits for the read, a busy one reads ahead', async () => {
    const clock = manualClock('2026-11-23T10:00:00Z');
    const config = testConfig();
    const edge = createEdgeMaintenance({ clock, logger: silentLogger, policy: maintenancePolicyFromConfig(config), coldStart: 'open', maxAgeMs: 1000 });
    const deps = { db: database.db, clock, config };
    const { app } = testApp({ db: database.db, clock, deps: { maintenance: edge.holderFor(database.db) } });
    await edge.beforeRequest(database.db); // the first request waits for the first read
    expect(edge.state.source).toBe('database');
    expect((await app.request('/x')).status).toBe(404);

    // Past half the age: read in the background, the request does not wait.
    clock.advance(600);
    expect(edge.beforeRequest(database.db)).toBeUndefined();
    const ahead = edge.refreshIfDue(database.db);
    expect(ahead).toBeDefined(); // the read started by the request above, still in flight
    await ahead;
    expect(edge.state.loadedAt).toBe(clock.now().getTime());

    // A quiet isolate: nothing for 5 s, then maintenance starts; the next request waits for a read and sees it.
    clock.advance(5000);
    await startMaintenance(deps, { reason: 'Incident' }, systemActor);
    const waiting = edge.beforeRequest(database.db);
    expect(waiting).toBeDefined();
    await waiting;
    expect((await app.request('/x')).status).toBe(503);
    await endAllMaintenance(deps, { reason: 'Réparé' }, systemActor);
  });

  it('keeps the last known state when the read fails, and does not make every request wait for it', async () => {
    const clock = manualClock('2026-11-23T10:00:00Z');
    const config = testConfig();
    const edge = createEdgeMaintenance({ clock, logger: silentLogger, policy: maintenancePolicyFromConfig(config), coldStart: 'closed', maxAgeMs: 1000 });
    const broken = { selectFrom: () => { throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }); } } as unknown as typeof database.db;
    await edge.beforeRequest(broken);
    expect(edge.state.source).toBe('default');
    expect(edge.state.windows).toHaveLength(1); // cold start closed: 503 everywhere until a read succeeds
    expect(edge.beforeRequest(broken)).toBeUndefined(); // tried again after half the age, not on every request
    clock.advance(500);
    expect(edge.beforeRequest(broken)).toBeDefined();
  });

  it('gives up a read that never settles (its request torn down) and reads again', async () => {
    const clock = manualClock('2026-11-23T10:00:00Z');
    const config = testConfig();
    const edge = createEdgeMaintenance({ clock, logger: silentLogger, policy: maintenancePolicyFromConfig(config), coldStart: 'open', maxAgeMs: 1000, abandonAfterMs: 5000 });
    // Any query built on it never answers.
    const hanging: unknown = new Proxy(() => {}, { get: (_t, name) => (name === 'execute' ? () => new Promise(() => {}) : hanging), apply: () => hanging });
    const stuck = edge.refreshIfDue(hanging as typeof database.db);
    expect(stuck).toBeDefined();
    clock.advance(4000);
    expect(edge.refreshIfDue(database.db)).toBe(stuck); // still waiting for it
    clock.advance(1000);
    const again = edge.refreshIfDue(database.db);
    expect(again).not.toBe(stuck);
    await again;
    expect(edge.state.source).toBe('database');
  });

  it('starts closed without a database when so configured', async () => {
    const clock = manualClock('2026-11-23T10:00:00Z');
    const config = testConfig();
    const edge = createEdgeMaintenance({ clock, logger: silentLogger, policy: maintenancePolicyFromConfig(config), coldStart: 'closed', maxAgeMs: 1000 });
    const { app } = testApp({ clock, deps: { maintenance: edge.holderFor(undefined) } });
    expect((await app.request('/x')).status).toBe(503);
    expect((await app.request('/_vigie/healthz')).status).toBe(200);
  });
});
