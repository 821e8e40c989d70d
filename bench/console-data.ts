/**
 * The console benchmark's data set (issue 18, Speed): what the DPO, the SRE and communications have in front of
 * them a few hours into a large incident. Everything but the bulk statuses goes through the features' own
 * service functions, so that the tables, indexes and history are those a real run leaves.
 */
import { sql } from 'kysely';
import { openBreachBody } from '../src/breaches/breach-facts.js';
import { openBreach } from '../src/breaches/edit-breach.js';
import { addPopulation, changePerson, personStatuses } from '../src/breaches/population.js';
import type { Clock } from '../src/clock.js';
import type { Config } from '../src/config.js';
import type { Db } from '../src/db/database.js';
import { createCampaign } from '../src/delivery/campaigns.js';
import { numberingPlanSchema, useNumberingPlan } from '../src/delivery/carrier.js';
import { changeCampaign } from '../src/delivery/control.js';
import { deliverySettings } from '../src/delivery/wiring.js';
import { createDeliveryPorts } from '../src/entry/delivery-ports.js';
import { createNodeAuditCrypto } from '../src/entry/node-audit-crypto.js';
import { checkPending } from '../src/exposure/check-pending.js';
import { silentLogger } from '../src/logger.js';
import { startMaintenance } from '../src/maintenance/service.js';
import { recordPastMaintenance } from '../src/maintenance/record-past.js';
import { approveDraft, createDraft } from '../src/notices/drafts-service.js';
import { changeTask, startRun } from '../src/playbooks/runs.js';
import { pajemploiInput } from '../test/notices/fixtures.js';
import numberingFixture from '../test/delivery/numbering-fixture.json' with { type: 'json' };
import { writeBulkAccessLog } from './access-log-data.js';

export interface ConsoleData {
  /** The moment the pages are looked at: the end of the generated log. */
  now: Date;
  /** The 3 h 30 exposure window, with a cache incident inside it. */
  window: { from: Date; to: Date };
  breachId: string;
  /** The people's SMS, approved: the campaign's draft. */
  draftId: string;
  campaignId: string;
  /** The playbooks running on the breach (the tasks page). */
  playbookRuns: number;
  people: number;
  alerts: number;
}

const hour = 3_600_000;
// Carriers are guessed from the tests' hand-written plan (as bench/delivery.ts does): mobile blocks of four operators.
useNumberingPlan(numberingPlanSchema.parse(numberingFixture));
const carrierPrefixes = { Orange: '+33607', SFR: '+33603', 'Bouygues Telecom': '+33650', 'Free mobile': '+33651' } as const;
const days = 30;
const dpo = { subject: 'bench-dpo', roles: ['dpo' as const] };
const comms = { subject: 'bench-comms', roles: ['comms' as const] };
const sre = { subject: 'bench-sre', roles: ['sre' as const] };

/** The window and the clock follow from the log's end, so that a kept data set (BENCH_CONSOLE_KEEP) is read the same way again. */
function timesOf(end: Date) {
  const window = { from: new Date(end.getTime() - 6 * hour), to: new Date(end.getTime() - 2.5 * hour) };
  return { now: new Date(end.getTime() + 60_000), window };
}

/** A data set already in the schema (a kept one), or undefined. */
export async function findConsoleData(db: Db, records: number): Promise<ConsoleData | undefined> {
  const { rows } = await sql<{ n: string; end: Date | null }>`select coalesce(sum(row_count), 0) as n, max(last_record_at) as end from audit_batch`.execute(db);
  if (Number(rows[0]!.n) === 0) return undefined;
  if (Number(rows[0]!.n) !== records) throw new Error(`the schema holds ${rows[0]!.n} records, not ${records}; drop it and run again`);
  const campaign = await db.selectFrom('delivery_campaign').select(['id', 'breach_id', 'draft_id']).orderBy('created_at').executeTakeFirst();
  if (!campaign) throw new Error('the schema holds a partial data set (no campaign); drop it and run again');
  const people = await db.selectFrom('breach_person').select(sql<string>`count(*)`.as('n')).where('breach_id', '=', campaign.breach_id).executeTakeFirstOrThrow();
  const alerts = await db.selectFrom('exposure_alert').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow();
  const runs = await db.selectFrom('playbook_run').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow();
  if (Number(runs.n) === 0) throw new Error('the schema holds a data set from before the playbooks were seeded; drop it and run again');
  const end = new Date(Math.ceil(new Date(rows[0]!.end!).getTime() / hour) * hour);
  return { ...timesOf(end), breachId: String(campaign.breach_id), draftId: String(campaign.draft_id), campaignId: campaign.id, playbookRuns: Number(runs.n), people: Number(people.n), alerts: Number(alerts.n) };
}

export async function seedConsoleData(
  db: Db,
  config: Config,
  options: { databaseUrl: string; schema: string; records: number; people: number; log: (line: string) => void },
): Promise<ConsoleData> {
  const { log } = options;
  // The log ends at the last whole hour; the exposure window is 6 h to 2 h 30 before, with a cache incident
  // (1 % of responses replayed to someone else) in its middle three hours.
  const end = new Date(Math.floor(Date.now() / hour) * hour);
  const { now, window } = timesOf(end);
  const clock: Clock = { now: () => now };
  const crypto = createNodeAuditCrypto('bench-audit-key-of-at-least-32-characters');
  const incident = { from: new Date(window.from.getTime() + 15 * 60_000), to: new Date(window.to.getTime() - 15 * 60_000), rate: 0.01 };
  const written = await writeBulkAccessLog(db, crypto, {
    databaseUrl: options.databaseUrl,
    schema: options.schema,
    records: options.records,
    from: new Date(end.getTime() - days * 24 * hour),
    days,
    streams: 2,
    batch: 100,
    incident,
    log,
  });
  log(`access log: ${written.records.toLocaleString('en')} records over ${days} days in ${written.seconds.toFixed(0)} s (${Math.round(written.records / written.seconds).toLocaleString('en')} records/s)`);

  // Live detection would have checked every batch as it was committed: its verdicts and alerts.
  let started = performance.now();
  const checked = await checkPending(db, { broadRoles: config.exposure.broadRoles, burstGapSeconds: config.exposure.burstGapSeconds, now: () => now });
  const alerts = Number((await db.selectFrom('exposure_alert').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  log(`live detection's verdicts: ${checked.batches.toLocaleString('en')} batches, ${checked.illegitimate.toLocaleString('en')} illegitimate accesses, ${alerts} alerts (${((performance.now() - started) / 1000).toFixed(0)} s)`);

  // Maintenance: the incident's window (past, shaded on the chart), one in force on a prefix, one planned.
  const maintenanceDeps = { db, clock, config };
  await recordPastMaintenance(maintenanceDeps, { reason: 'Cache mal configuré : pages servies à la mauvaise personne', scope: '/declarations', startedAt: new Date(incident.to.getTime() - 40 * 60_000), endedAt: incident.to }, sre);
  await startMaintenance(maintenanceDeps, { reason: 'Vérification du cache après correction', scope: '/declarations', readOnly: true }, sre);
  await startMaintenance(maintenanceDeps, { reason: 'Mise à jour planifiée', startsAt: new Date(now.getTime() + 20 * hour), plannedEnd: new Date(now.getTime() + 22 * hour) }, sre);

  // The breach: its facts, a population of `people` with follow-up statuses spread as days of work leave them.
  started = performance.now();
  const breachDeps = { db, clock, config };
  const facts = { title: 'Cache : données affichées à d’autres usagers', awareAt: new Date(now.getTime() - 20 * hour).toISOString(), startedAt: incident.from.toISOString() };
  const { id: breachId } = await openBreach(breachDeps, openBreachBody.parse(facts), dpo);
  await openBreach(breachDeps, openBreachBody.parse({ title: 'Courriel envoyé au mauvais destinataire', awareAt: new Date(now.getTime() - 60 * hour).toISOString() }), dpo);
  await openBreach(breachDeps, openBreachBody.parse({ title: 'Ordinateur portable perdu', awareAt: new Date(now.getTime() - 5 * hour).toISOString() }), dpo);
  const people = Array.from({ length: options.people }, (_, i) => ({
    ref: `u${i}`,
    status: 'identified' as const,
    exposed: i % 3 === 0 ? ['civil-status', 'financial'] : ['civil-status', 'contact'],
    firstAt: new Date(incident.from.getTime() + (i % 170) * 60_000).toISOString(),
    lastAt: new Date(incident.from.getTime() + (i % 170) * 60_000 + 5 * 60_000).toISOString(),
  }));
  await addPopulation(breachDeps, breachId, people, 'csv', dpo);
  // Most statuses in one statement (a bulk import's state); a few hundred through the service, with their history.
  await sql`update breach_person set status = (${sql.val([...personStatuses])}::text[])[1 + (abs(hashtext(person_ref)) % ${personStatuses.length})]
    where breach_id = ${breachId}`.execute(db);
  for (let i = 0; i < 300; i++) {
    await changePerson(breachDeps, breachId, `u${(i * 97) % options.people}`, { status: personStatuses[i % personStatuses.length]!, reason: 'suivi (bench)' }, dpo);
  }
  log(`breach ${breachId}: ${options.people.toLocaleString('en')} people, statuses spread (${((performance.now() - started) / 1000).toFixed(1)} s)`);

  // Drafts: the CNIL notification, the people's SMS (approved: the campaign sends it) and e-mail.
  const noticeDeps = { db, clock, config };
  const input = pajemploiInput((i) => {
    i.breach.id = breachId;
    // The incident's own times (the fixture's are 31 March 2020's): within the 72 hours.
    i.breach.awareAt = facts.awareAt;
    i.breach.discoveredAt = new Date(now.getTime() - 21 * hour).toISOString();
    i.breach.startedAt = incident.from.toISOString();
    i.breach.endedAt = incident.to.toISOString();
    i.breach.timeline = [
      { at: new Date(incident.to.getTime() - 40 * 60_000).toISOString(), label: 'Site mis en maintenance' },
      { at: incident.to.toISOString(), label: 'Fin de la maintenance, cache corrigé' },
    ];
    i.breach.people = { count: options.people, exact: true, directlyIdentifiable: true };
  });
  await createDraft(noticeDeps, { breachId, kind: 'cnil-initial', channel: 'form', lang: 'fr', input, reason: 'notification initiale' }, dpo);
  await createDraft(noticeDeps, { breachId, kind: 'notice', channel: 'email', lang: 'fr', input, reason: 'information des personnes' }, dpo);
  const smsDraft = await createDraft(noticeDeps, { breachId, kind: 'notice', channel: 'sms', lang: 'fr', input, reason: 'information des personnes' }, dpo);
  await approveDraft(noticeDeps, smsDraft.id, { version: smsDraft.version, reason: 'relu' }, dpo);

  // The campaign: one SMS per person over four carriers (the directory's phones), started, then delivery as
  // receipts leave it: one carrier failing, one with unknowns, some still on their way.
  started = performance.now();
  const carriers = Object.values(carrierPrefixes);
  const ports = createDeliveryPorts({
    db,
    clock,
    config,
    overrides: {
      findContacts: async (_breach, ids) => new Map(ids.map((id) => [id, { name: `Personne ${id.slice(1)}`, phone: `${carriers[Number(id.slice(1)) % 4]}${id.slice(1).padStart(6, '0')}` }])),
    },
  });
  const ctx = { db, clock, logger: silentLogger, ports, settings: deliverySettings(config) };
  const { campaign } = await createCampaign(ctx, comms, { draftId: smsDraft.id, channel: 'sms', reason: 'information des personnes' });
  await changeCampaign(ctx, comms, campaign.id, 'start', 'approuvé');
  await sql`
    update delivery_message m set
      state = o.state, sent_at = o.sent_at, attempts = 1, provider_message_id = 'bench-' || m.id,
      receipt_at = case when o.state in ('delivered', 'failed') then o.sent_at + interval '40 seconds' end,
      delivered_at = case when o.state = 'delivered' then o.sent_at + interval '40 seconds' end,
      failed_at = case when o.state = 'failed' then o.sent_at + interval '40 seconds' end,
      failure_reason = case when o.state = 'failed' then 'carrier refused' end,
      unknown_at = case when o.state = 'unknown' then o.sent_at + interval '30 minutes' end,
      informed_at = case when o.state = 'delivered' then o.sent_at + interval '40 seconds' end
    from (
      select id, case
          when n % 20 = 19 then 'queued'
          when destination like ${`${carrierPrefixes.SFR}%`} then case when n % 10 < 7 then 'failed' else 'delivered' end
          when destination like ${`${carrierPrefixes['Free mobile']}%`} and n % 10 < 2 then 'unknown'
          when n % 50 = 0 then 'failed'
          else 'delivered' end as state,
        ${now}::timestamptz - interval '3 hours' + (n * interval '300 milliseconds') as sent_at
      from (select id, destination, row_number() over (order by id) as n from delivery_message where campaign_id = ${campaign.id}) s
    ) o
    where m.id = o.id`.execute(db);
  await sql`update delivery_message set sent_at = null, receipt_at = null where campaign_id = ${campaign.id} and state = 'queued'`.execute(db);
  await sql`vacuum analyze delivery_message`.execute(db);
  await sql`vacuum analyze breach_person`.execute(db);
  log(`campaign ${campaign.id.slice(0, 8)}: ${options.people.toLocaleString('en')} SMS over ${carriers.length} carriers (${((performance.now() - started) / 1000).toFixed(1)} s)`);

  // The playbooks on the breach, as the DPO and communications started them: the cache incident's and, one carrier
  // failing, the undelivered communication's; the tasks already done (maintenance, timeline) marked so, with why.
  const playbookDeps = { db, clock, config };
  const { runId } = await startRun(playbookDeps, breachId, { playbook: 'wrong-user-data', reason: 'Cache mal configuré' }, dpo);
  await startRun(playbookDeps, breachId, { playbook: 'undelivered-communication', reason: 'Échecs chez un opérateur' }, comms);
  const done = await db.selectFrom('playbook_task').select(['id', 'step_id']).where('run_id', '=', runId).where('step_id', 'in', ['maintenance', 'timeline']).execute();
  for (const task of done) await changeTask(playbookDeps, String(task.id), true, { reason: 'fait (bench)' }, task.step_id === 'maintenance' ? sre : dpo);
  log(`playbooks: 2 runs on breach ${breachId}, ${done.length} tasks done`);
  return { now, window, breachId, draftId: smsDraft.id, campaignId: campaign.id, playbookRuns: 2, people: options.people, alerts };
}
