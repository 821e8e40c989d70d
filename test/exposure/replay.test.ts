import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groundTruth, runPajemploiScenario, zone, type ScenarioResult } from '../../demo/pajemploi-scenario.js';
import { buildExposureReport } from '../../src/exposure/report.js';
import { parseWindow } from '../../src/exposure/window.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';

const toMap = (report: Awaited<ReturnType<typeof buildExposureReport>>) =>
  new Map(report.byPerson.map((p) => [p.subject, new Map(p.receivers.map((r) => [r.receiver, { times: r.times, first: Date.parse(r.firstAt), last: Date.parse(r.lastAt) }]))]));

// 31 March 2020, replayed: Vigie in front of the misconfigured origin, parents and childminders under load.
describe.each(engines())('Pajemploi replay (%s)', (engine) => {
  let t: TestDatabase;
  let run: ScenarioResult;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
    run = await runPajemploiScenario({ db: t.db });
  }, 240_000);
  afterAll(() => t.close());

  it('the exposure report for 11:45–15:15 equals the ground truth: same people, receivers, counts and times', async () => {
    const window = parseWindow({ from: '2020-03-31 11:45', to: '2020-03-31 15:15' }, zone);
    const report = await buildExposureReport(t.db, window, { broadRoles: [], now: new Date() });
    const truth = groundTruth(run.served, window.from, window.to);
    expect(truth.byPerson.size).toBeGreaterThan(20); // the scenario leaks for real
    expect(toMap(report)).toEqual(truth.byPerson);
    expect(report.totals.responses).toBe(truth.responses);
    expect(report.totals.peopleExposed).toBe(truth.byPerson.size);
    expect(run.requests).toBeGreaterThan(3000);
    // Read from the verdicts live detection kept, and the same as checking every record again.
    expect(report.covers.checks.everyRecordCheckedNow).toBe(false);
    const full = await buildExposureReport(t.db, window, { broadRoles: [], now: new Date(), keptVerdicts: false });
    expect([full.totals, full.byPerson, full.byReceiver]).toEqual([report.totals, report.byPerson, report.byReceiver]);
  });

  it('a relation valid only before the window does not make an access legitimate', async () => {
    // P1 opened C2's page at 11:30 and 12:30; their relation ended on 1 March.
    const window = parseWindow({ from: '2020-03-31 11:00', to: '2020-03-31 16:00' }, zone);
    const report = await buildExposureReport(t.db, window, { broadRoles: [], now: new Date() });
    const c2 = report.byPerson.find((p) => p.subject === 'C2')!.receivers.find((r) => r.receiver === 'P1')!;
    expect(c2.firstAt).toBe('2020-03-31T11:30:00+02:00');
    expect(c2.reasons).toContain('not-entitled');
    expect(toMap(report)).toEqual(groundTruth(run.served, window.from, window.to).byPerson);
    // Before 11:45 the cache was sound: the only exposure then is that one page.
    const morning = await buildExposureReport(t.db, parseWindow({ from: '2020-03-31 11:00', to: '2020-03-31 11:45' }, zone), { broadRoles: [], now: new Date() });
    expect(morning.byPerson.map((p) => [p.subject, p.receivers.map((r) => r.receiver)])).toEqual([['C2', ['P1']]]);
  });

  it('live detection stores the alert within 1 s of the first leaked response, one alert for the burst', async () => {
    expect(run.detectionMs).toBeDefined();
    expect(run.detectionMs!).toBeGreaterThan(0);
    expect(run.detectionMs!).toBeLessThanOrEqual(1000);
    const alerts = await t.db.selectFrom('exposure_alert').selectAll().orderBy('id').execute();
    // The 11:30 page (P1 → C2) and the cache burst from 11:45 are 15 minutes apart: two bursts.
    expect(alerts).toHaveLength(2);
    const burst = alerts[1]!;
    const firstLeak = Math.min(...run.served.filter((s) => s.producedFor !== s.receiver).map((s) => s.at.getTime()));
    expect(new Date(burst.first_at).getTime()).toBe(firstLeak);
    expect(firstLeak).toBeGreaterThanOrEqual(Date.parse('2020-03-31T09:45:00Z'));
    const truth = groundTruth(run.served, new Date('2020-03-31T09:45:00Z'), new Date('2020-03-31T14:00:00Z'));
    const pairs = [...truth.byPerson.values()].reduce((sum, receivers) => sum + [...receivers.values()].reduce((s, r) => s + r.times, 0), 0);
    expect(burst.accesses).toBe(pairs);
  });
});

describe.each(engines())('Pajemploi replay with the circuit breaker (%s)', (engine) => {
  let t: TestDatabase;
  afterAll(() => t.close());

  it('switches maintenance on within 1 s of the Nth leaked access, as done by Vigie with the reason, for the affected scope', async () => {
    t = await openTestDatabase(engine);
    const run = await runPajemploiScenario({ db: t.db, breaker: { threshold: 5, windowSeconds: 300 } });
    expect(run.breakerMs).toBeDefined();
    expect(run.breakerMs!).toBeGreaterThan(0);
    expect(run.breakerMs!).toBeLessThanOrEqual(1000);
    expect(run.breakerScope).toBe('/espace');
    const events = await t.db.selectFrom('maintenance_event').selectAll().execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'started', actor: 'vigie', scope: '/espace' });
    expect(events[0]!.reason).toMatch(/^Vigie circuit breaker: \d+ illegitimate accesses to personal data within 300 s \(exposure alert \d+\)$/);
    expect(run.refusedDuringMaintenance).toBeGreaterThan(0);
    const alert = await t.db.selectFrom('exposure_alert').selectAll().where('breaker_at', 'is not', null).executeTakeFirstOrThrow();
    expect(alert.breaker_scope).toBe('/espace');
  }, 240_000);
});
