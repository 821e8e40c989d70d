import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBreachBody } from '../../src/breaches/breach-facts.js';
import { openBreach } from '../../src/breaches/edit-breach.js';
import { getBreach } from '../../src/breaches/get-breach.js';
import { manualClock } from '../../src/clock.js';
import { signBody } from '../../src/http/signed-webhooks.js';
import { silentLogger } from '../../src/logger.js';
import { playbookAlertSender } from '../../src/playbooks/alerts.js';
import { raiseOverdueAlerts } from '../../src/playbooks/overdue.js';
import { changeTask, startRun } from '../../src/playbooks/runs.js';
import { breachRuns } from '../../src/playbooks/tasks.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testApp, testConfig } from '../helpers/test-app.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const dpo = { subject: 'dora', roles: ['dpo'] };
const secret = 'playbook-webhook-secret-0123456789';

describe.each(engines())('overdue playbook tasks and the API on %s', (engine) => {
  let database: TestDatabase;
  let receiver: WebhookReceiver;
  const clock = manualClock('2026-06-02T08:00:00Z');
  let t: ReturnType<typeof testApp>;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    receiver = await startWebhookReceiver();
    t = testApp({ db: database.db, clock, env: { VIGIE_PLAYBOOK_ALERT_WEBHOOKS: receiver.url, VIGIE_PLAYBOOK_ALERT_WEBHOOK_SECRET: secret } });
  });
  afterAll(async () => {
    await receiver?.close();
    await database?.close();
  });

  it('raises one signed alert per overdue task, once, on the webhook and the breach timeline, with no personal data', async () => {
    const deps = { ...t.deps, logger: silentLogger };
    clock.set('2026-06-02T08:00:00Z');
    const { id } = await openBreach(deps, openBreachBody.parse({ title: 'Ordinateur portable volé', discoveredAt: '2026-06-02T09:30:00+02:00', awareAt: '2026-06-02T09:45:00+02:00' }), dpo);
    await startRun(deps, id, { playbook: 'lost-device', reason: 'Vol dans un train' }, dpo);
    const tasks = new Map((await breachRuns(deps, id))[0]!.tasks.map((task) => [task.step, task]));
    // revoke is due 2 h after detection (11:30 Paris), inventory 12 h after awareness (21:45): at 12:00 only revoke is late.
    clock.set('2026-06-02T10:00:00Z');
    const sender = playbookAlertSender(t.config, silentLogger, { now: () => clock.now(), retries: 0 });
    const [first, concurrent] = await Promise.all([raiseOverdueAlerts(deps, sender), raiseOverdueAlerts(deps, sender)]);
    first!.push(...concurrent!);
    expect(first!.map((a) => [a.step, a.owner, a.dueAtLocal])).toEqual([['revoke', 'sre', '2026-06-02 11:30 +02:00']]);
    expect(receiver.received).toHaveLength(1);
    const [message] = receiver.received;
    expect(message!.signature).toBe(await signBody(secret, message!.body));
    const body = JSON.parse(message!.body) as Record<string, unknown>;
    expect(body).toMatchObject({ kind: 'playbook.task.overdue', breachId: String(id), taskId: tasks.get('revoke')!.id, step: 'revoke', exercise: false, href: `/_vigie/breaches/${id}/playbooks`, sentAt: '2026-06-02T10:00:00.000Z' });
    expect(message!.body).not.toContain('train');

    // Once: checks running at once on two instances, then a later one, find nothing new; a task done in time never alerts.
    const again = await Promise.all([raiseOverdueAlerts(deps, sender), raiseOverdueAlerts(deps, sender)]);
    expect(again.flat()).toEqual([]);
    await changeTask(deps, tasks.get('inventory')!.id, true, { reason: 'Disque chiffré, clé sûre' }, dpo);
    clock.set('2026-06-03T10:00:00Z');
    const later = await raiseOverdueAlerts(deps, sender);
    expect(later.map((a) => a.step)).toEqual(['assess']);
    expect(receiver.received).toHaveLength(2);

    const record = await getBreach(database.db, String(id), { config: t.config, now: clock.now() });
    const alerts = record.timeline.filter((e) => e.kind === 'alert' && e.source.startsWith('playbook-task:'));
    expect(alerts.map((a) => a.summary)).toEqual([
      'Tâche en retard : « Révoquer les accès de l\'appareil (sessions, certificats, VPN) et demander l\'effacement à distance » (sre), due le 2026-06-02 11:30 +02:00',
      'Tâche en retard : « Évaluer le risque » (dpo), due le 2026-06-03 09:45 +02:00',
    ]);
    const shown = (await breachRuns(deps, id))[0]!.tasks.find((task) => task.step === 'revoke')!;
    expect(shown).toMatchObject({ state: 'overdue' });
    expect(shown.overdueAlertedAt).toEqual(new Date('2026-06-02T10:00:00Z'));
  });

  it('sends playbook alerts only where the outbound policy allows (a loopback receiver needs VIGIE_OUTBOUND_PRIVATE_NETWORKS)', async () => {
    const strict = testConfig({ VIGIE_PLAYBOOK_ALERT_WEBHOOKS: receiver.url, VIGIE_PLAYBOOK_ALERT_WEBHOOK_SECRET: secret, VIGIE_OUTBOUND_PRIVATE_NETWORKS: '' });
    const before = receiver.received.length;
    await playbookAlertSender(strict, silentLogger, { retries: 0 })!.send({ kind: 'playbook.task.overdue', taskId: '0' });
    expect(receiver.received.length).toBe(before);
  });

  it('serves playbooks, runs and tasks over the API with the roles of the rest, dates in Paris time', async () => {
    clock.set('2020-03-31T09:40:00Z');
    const list = await t.app.request('/_vigie/playbooks', { headers: await t.auth(['comms']) });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { playbooks: { id: string }[] }).playbooks.map((p) => p.id)).toContain('wrong-user-data');
    const show = await t.app.request('/_vigie/playbooks/wrong-user-data', { headers: await t.auth(['auditor']) });
    expect(((await show.json()) as { steps: { id: string; action: { api: string } }[] }).steps[0]).toMatchObject({ id: 'maintenance', action: { api: 'POST /_vigie/maintenance/windows' } });
    expect((await t.app.request('/_vigie/playbooks/nope', { headers: await t.auth(['dpo']) })).status).toBe(404);

    const created = await t.app.request('/_vigie/breaches', { method: 'POST', headers: { ...(await t.auth(['dpo'])), 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Cache', awareAt: '2020-03-31T12:10:00+02:00' }) });
    const { id } = (await created.json()) as { id: string };
    const start = (roles: Parameters<typeof t.auth>[0], body: unknown) =>
      t.auth(roles).then((headers) => t.app.request(`/_vigie/breaches/${id}/playbooks`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) }));
    expect((await start(['comms'], { playbook: 'wrong-user-data', reason: 'Cache' })).status).toBe(403);
    const bad = await start(['sre'], { playbook: 'wrong-user-data', reason: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['body.reason']);
    expect(await database.db.selectFrom('playbook_run').select('id').where('breach_id', '=', id).execute()).toEqual([]);
    const ok = await start(['sre'], { playbook: 'wrong-user-data', reason: 'Cache mal configuré' });
    expect(ok.status).toBe(201);

    const read = await t.app.request(`/_vigie/breaches/${id}/playbooks`, { headers: await t.auth(['comms']) });
    const runs = ((await read.json()) as { runs: { id: string; tasks: { id: string; step: string; dueAt: string; state: string }[] }[] }).runs;
    const filing = runs[0]!.tasks.find((task) => task.step === 'file-notification')!;
    expect(filing.dueAt).toBe('2020-04-03T12:10:00+02:00');

    const done = (roles: Parameters<typeof t.auth>[0], task: string, change: string) =>
      t.auth(roles).then((headers) => t.app.request(`/_vigie/playbook-tasks/${task}/${change}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'Notification déposée' }) }));
    expect((await done(['comms'], filing.id, 'done')).status).toBe(403);
    expect((await done(['auditor'], filing.id, 'done')).status).toBe(403);
    expect((await done(['dpo'], filing.id, 'done')).status).toBe(200);
    expect((await done(['dpo'], filing.id, 'done')).status).toBe(409);
    expect((await done(['dpo'], filing.id, 'undo')).status).toBe(200);

    const report = await t.app.request(`/_vigie/playbook-runs/${runs[0]!.id}/report`, { headers: await t.auth(['auditor']) });
    expect(report.status).toBe(200);
    expect(((await report.json()) as { startedAt: string }).startedAt).toBe('2020-03-31 11:40 +02:00');

    const document = (await (await t.app.request('/_vigie/openapi.json')).json()) as { paths: Record<string, Record<string, { 'x-vigie-access': { roles: string[] } }>> };
    expect(Object.keys(document.paths).filter((path) => path.includes('playbook')).sort()).toEqual([
      '/_vigie/breaches/{id}/playbooks',
      '/_vigie/playbook-runs/{id}/report',
      '/_vigie/playbook-tasks/{id}/{change}',
      '/_vigie/playbooks',
      '/_vigie/playbooks/{playbook}',
    ]);
    expect(document.paths['/_vigie/breaches/{id}/playbooks']!.post!['x-vigie-access'].roles).toEqual(['dpo', 'sre', 'admin']);
  });
});
