import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBreachBody } from '../../src/breaches/breach-facts.js';
import { editBreach, openBreach } from '../../src/breaches/edit-breach.js';
import { manualClock } from '../../src/clock.js';
import { createCampaign } from '../../src/delivery/campaigns.js';
import { changeCampaign } from '../../src/delivery/control.js';
import { exerciseReason } from '../../src/delivery/exercise-guard.js';
import { exportLetters } from '../../src/delivery/letters.js';
import { ConflictError } from '../../src/http/errors.js';
import { runReport } from '../../src/playbooks/report.js';
import { changeTask, startRun } from '../../src/playbooks/runs.js';
import { breachRuns, type TaskView } from '../../src/playbooks/tasks.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testConfig } from '../helpers/test-app.js';
import { actor, deliveryTestContext, draftId, fakePorts, makePeople, sendAndWatch, startSmsHarness } from '../delivery/fixtures.js';

const dpo = { subject: 'dora', roles: ['dpo'] };
const sre = { subject: 'sami', roles: ['sre'] };
const comms = { subject: 'carole', roles: ['comms'] };
const minute = 60_000;

describe.each(engines())('playbooks over delivery, and drills, on %s', (engine) => {
  let database: TestDatabase;
  let harness: Awaited<ReturnType<typeof startSmsHarness>>;
  // Each engine's campaign at its own hour: the receipt endpoint refuses, per process, a signature it has already
  // seen, and both engines' runs would otherwise sign the same receipts at the same instants.
  const clock = manualClock(engine === 'postgresql' ? '2026-11-24T09:00:00Z' : '2026-11-24T07:00:00Z');
  let deps: { db: TestDatabase['db']; clock: typeof clock; config: ReturnType<typeof testConfig> };
  const people = makePeople(400);
  let campaignBreach: string;
  const register = () => fakePorts(people, { breach: campaignBreach });
  let ports: ReturnType<typeof fakePorts>;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    deps = { db: database.db, clock, config: testConfig() };
    campaignBreach = (await openBreach(deps, openBreachBody.parse({ title: 'Relance SMS aux demandeurs d’emploi' }), dpo)).id;
    ports = register();
    harness = await startSmsHarness(database.db, clock, ports);
  }, 120_000);
  afterAll(async () => {
    await harness?.close();
    await database?.close();
  });

  const byStep = (tasks: TaskView[]) => new Map(tasks.map((t) => [t.step, t]));

  it('runs the undelivered-communication playbook on a campaign whose messages fail on one carrier', async () => {
    const ctx = deliveryTestContext(database.db, clock, ports.ports);
    harness.stand.setBehaviour('Orange', 'fail');
    const { campaign } = await createCampaign(ctx, actor, { draftId, channel: 'sms', reason: 'Relance avant la date limite' });
    await changeCampaign(ctx, actor, campaign.id, 'start', 'approuvée');
    const sentAt = clock.now();
    const alerts = await sendAndWatch(ctx, harness.stand, clock, (found) => found.length > 0, { maxRounds: 60 });
    expect(alerts.map((a) => [a.kind, a.carrier])).toEqual([['failure-rate', 'Orange']]);

    // The alert reaches the communications team, who start the playbook on the breach.
    const startedAt = clock.now();
    await startRun(deps, campaignBreach, { playbook: 'undelivered-communication', reason: 'Alerte : échecs chez un opérateur' }, comms);
    let tasks = byStep((await breachRuns(deps, campaignBreach))[0]!.tasks);
    expect([...tasks.keys()]).toEqual(['watch-delivery', 'hold-campaign', 'provider', 'count', 'resend', 'protect-rights', 'assess', 'decide', 'confirm-resend']);
    expect(tasks.get('confirm-resend')).toMatchObject({ dueAt: null, waitingFor: 'step:resend' });
    expect(tasks.get('watch-delivery')!.dueAt).toEqual(new Date(sentAt.getTime() + 60 * minute));
    expect(tasks.get('hold-campaign')!.dueAt).toEqual(new Date(startedAt.getTime() + 30 * minute));
    expect(tasks.get('resend')).toMatchObject({ owner: 'comms', action: { code: 'resend', api: 'POST /_vigie/delivery/campaigns/{campaign}/resend' } });
    expect(tasks.get('resend')!.dueAt).toEqual(new Date(startedAt.getTime() + 24 * 60 * minute));
    expect(tasks.get('protect-rights')!.owner).toBe('admin');
    expect(tasks.get('assess')).toMatchObject({ dueAt: null, waitingFor: 'awareness' });

    // The resend done: checking its delivery is due 24 hours after it.
    clock.advance(3 * 60 * minute);
    await changeTask(deps, tasks.get('count')!.id, true, { reason: '100 personnes chez Orange' }, comms);
    await changeTask(deps, tasks.get('resend')!.id, true, { reason: 'Renvoi par courriel' }, comms);
    tasks = byStep((await breachRuns(deps, campaignBreach))[0]!.tasks);
    expect(tasks.get('confirm-resend')!.dueAt).toEqual(new Date(clock.now().getTime() + 24 * 60 * minute));
  }, 180_000);

  it('holds a drill’s messages at the send path, and reports each step’s time against its due time', async () => {
    clock.set('2026-11-26T08:55:00Z');
    const { id } = await openBreach(deps, openBreachBody.parse({ title: 'Exercice : cache mal configuré', discoveredAt: '2026-11-26T09:55:00+01:00' }), dpo);
    clock.set('2026-11-26T09:00:00Z');
    const { runId } = await startRun(deps, id, { playbook: 'wrong-user-data', exercise: true, reason: 'Exercice trimestriel' }, dpo);
    await expect(startRun(deps, id, { playbook: 'lost-device', reason: 'pour de vrai' }, dpo)).rejects.toBeInstanceOf(ConflictError);

    // A campaign on the drill's breach: made and started as usual, and not one message reaches the provider.
    const drill = fakePorts(people.slice(0, 20), { breach: id });
    const ctx = deliveryTestContext(database.db, clock, drill.ports);
    const handoffs = harness.stand.handoffs;
    const { campaign } = await createCampaign(ctx, actor, { draftId, channel: 'sms', reason: 'Exercice : message aux personnes' });
    await changeCampaign(ctx, actor, campaign.id, 'start', 'exercice');
    await sendAndWatch(ctx, harness.stand, clock, () => false, { untilIdle: true });
    expect(harness.stand.handoffs).toBe(handoffs);
    const states = await database.db.selectFrom('delivery_message').select(['state', 'failure_reason']).where('campaign_id', '=', campaign.id).execute();
    expect(states).toHaveLength(20);
    expect(new Set(states.map((s) => `${s.state}: ${s.failure_reason}`))).toEqual(new Set([`cancelled: ${exerciseReason}`]));
    const letters = await createCampaign(ctx, actor, { draftId, channel: 'letter', reason: 'Exercice : courrier' });
    await expect(exportLetters(ctx, actor, letters.campaign.id, 'impression')).rejects.toBeInstanceOf(ConflictError);

    // The team plays it through.
    const tasks = byStep((await breachRuns(deps, id))[0]!.tasks);
    clock.set('2026-11-26T09:20:00Z');
    await changeTask(deps, tasks.get('maintenance')!.id, true, { reason: 'Maintenance (exercice)' }, sre);
    await editBreach(deps, id, { changes: { awareAt: '2026-11-26T10:00:00+01:00' }, reason: 'Certitude (exercice)' }, dpo);
    clock.set('2026-11-26T16:00:00Z');
    await changeTask(deps, tasks.get('exposure')!.id, true, { reason: 'Rapport figé' }, dpo);

    const report = await runReport(deps, runId);
    expect(report).toMatchObject({ runId, breachId: String(id), playbook: 'wrong-user-data', exercise: true, startedAt: '2026-11-26 10:00 +01:00' });
    const line = (step: string) => report.lines.find((l) => l.step === step)!;
    // Maintenance: due 30 min after the discovery (09:55 → 10:25 Paris), i.e. 25 min after the start; done after 20.
    expect(line('maintenance')).toMatchObject({ allowedMinutes: 25, tookMinutes: 20, lateByMinutes: -5, dueAt: '2026-11-26 10:25 +01:00', doneAt: '2026-11-26 10:20 +01:00', doneBy: 'sami', state: 'done' });
    // Exposure: due 6 h after awareness (10:00 → 16:00 Paris), done at 17:00: an hour late.
    expect(line('exposure')).toMatchObject({ allowedMinutes: 360, tookMinutes: 420, lateByMinutes: 60, state: 'done' });
    expect(line('file-notification')).toMatchObject({ allowedMinutes: 72 * 60, tookMinutes: null, lateByMinutes: null, state: 'open' });
    expect(report.summary).toMatchObject({ done: 2, onTime: 1, late: 1 });
    // Recording the timeline was due 2 hours after awareness (12:00 Paris) and is still open at 17:00.
    expect(line('timeline')).toMatchObject({ state: 'overdue', allowedMinutes: 120, tookMinutes: null });
    expect(report.summary.overdue).toBe(1);
  }, 180_000);
});
