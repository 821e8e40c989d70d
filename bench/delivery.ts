import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { manualClock, systemClock } from '../src/clock.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createCampaign } from '../src/delivery/campaigns.js';
import { numberingPlanSchema, useNumberingPlan } from '../src/delivery/carrier.js';
import { defaultDeliverySettings, type DeliveryContext } from '../src/delivery/context.js';
import type { DeliveryPorts, Person } from '../src/delivery/ports.js';
import { ingestReceipts, type Receipt } from '../src/delivery/receipts.js';
import { personalRenderer } from '../src/entry/delivery-ports.js';
import { openDatabase } from '../src/entry/open-database.js';
import { silentLogger } from '../src/logger.js';
import type { Benchmark } from './index.js';
import numberingFixture from '../test/delivery/numbering-fixture.json' with { type: 'json' };

const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const campaignSize = Number(process.env.BENCH_DELIVERY_SIZE ?? 650_000);
const receiptCount = Number(process.env.BENCH_DELIVERY_RECEIPTS ?? 200_000);

const sms = 'Bonjour [[person.name]], le [[person.date]] vos données ([[person.exposedList]]) ont pu être vues par un autre usager. Infos: exemple.fr/incident';
// Carriers are guessed from the tests' hand-written plan, as from an organisation's VIGIE_NUMBERING_PLAN file.
useNumberingPlan(numberingPlanSchema.parse(numberingFixture));
// Mobile blocks of four operators in that plan.
const carriers = ['+33607', '+33603', '+33650', '+33651'];

/** The population generated page by page, as the register would stream it (ids in order). */
function population(size: number): DeliveryPorts {
  const person = (i: number): Person => ({
    id: `p${String(i).padStart(8, '0')}`,
    segment: i % 3 === 0 ? 'agents' : 'usagers',
    name: `Personne ${i}`,
    phone: `${carriers[i % 4]}${String(i).padStart(6, '0').slice(-6)}`,
    exposed: ['contact', 'nir'],
    firstExposedAt: new Date(Date.UTC(2026, 10, 20, 9, i % 600)),
  });
  return {
    loadDraft: async (id) => ({ id, breachId: 'bench', parts: ['sms'] }),
    isApproved: async () => true,
    compileRenderer: async (_draft, channel) => personalRenderer({ lang: 'fr', parts: { sms } }, channel, 'Europe/Paris'),
    listPopulation: async (_breach, { after, limit }) => {
      const start = after ? Number(after.slice(1)) + 1 : 0;
      return Array.from({ length: Math.max(0, Math.min(limit, size - start)) }, (_, k) => person(start + k));
    },
    getPeople: async () => [],
    findContacts: async () => new Map(),
    recordFollowUps: async () => {},
    addTimelineEvent: async () => {},
  };
}

async function admin(text: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export const deliveryBenchmark: Benchmark = {
  name: 'delivery',
  title: `a ${campaignSize.toLocaleString('en')}-message SMS campaign rendered and queued on PostgreSQL; receipts ingested (issue 8)`,
  async run() {
    const schema = `bench_delivery_${randomBytes(4).toString('hex')}`;
    await admin(`create schema ${schema}`);
    const { db } = await openDatabase({ databaseUrl, databasePoolSize: 8, dataDir: '' }, { schema });
    try {
      await migrateToLatest(db);
      const ctx: DeliveryContext = { db, clock: systemClock, logger: silentLogger, ports: population(campaignSize), settings: defaultDeliverySettings };
      const started = performance.now();
      const { campaign, queued } = await createCampaign(ctx, { subject: 'bench', roles: ['comms'] }, { draftId: 'd', channel: 'sms', reason: 'benchmark' });
      const queueSeconds = (performance.now() - started) / 1000;
      console.log('| step | count | time (s) | rate (/s) | target |\n|---|---|---|---|---|');
      console.log(`| render + queue (ready when all queued) | ${queued} | ${queueSeconds.toFixed(1)} | ${Math.round(queued / queueSeconds)} | ≤ 60 s |`);

      // Receipts for messages the provider accepted: mark them sent (not timed), then ingest in batches of
      // 1,000 as the webhook receives them, half by Vigie's reference and half by the provider's id.
      await sql`update delivery_message set state = 'sent', sent_at = now(), provider_message_id = 'prov-' || id
        where campaign_id = ${campaign.id} and id in (select id from delivery_message where campaign_id = ${campaign.id} order by id limit ${receiptCount})`.execute(db);
      // What autovacuum does within a minute of a bulk change; without fresh statistics the planner would
      // still think the table empty.
      await sql`vacuum analyze delivery_message`.execute(db);
      const ids = (await db.selectFrom('delivery_message').select('id').where('campaign_id', '=', campaign.id).where('state', '=', 'sent').orderBy('id').execute()).map((r) => String(r.id));
      const receiptCtx = { ...ctx, clock: manualClock(new Date()) };
      const batches: Receipt[][] = [];
      for (let i = 0; i < ids.length; i += 1_000) {
        batches.push(ids.slice(i, i + 1_000).map((id, k) => {
          const failed = k % 20 === 0;
          const receipt: Receipt = { status: failed ? 'failed' : 'delivered', carrier: 'Orange', ...(failed ? { error: 'absent subscriber' } : {}) };
          return (i / 1_000) % 2 === 0 ? { ...receipt, reference: id } : { ...receipt, id: `prov-${id}` };
        }));
      }
      // Four webhook requests in flight at once, as a provider's retrying sender would post them.
      const t0 = performance.now();
      let next = 0;
      let changed = 0;
      await Promise.all(Array.from({ length: 4 }, async () => {
        while (next < batches.length) {
          const batch = batches[next++]!;
          const result = await ingestReceipts(receiptCtx, 'sms', batch);
          changed += result.changed;
        }
      }));
      const ingestSeconds = (performance.now() - t0) / 1000;
      console.log(`| receipts ingested (batches of 1,000, 4 in flight) | ${changed} | ${ingestSeconds.toFixed(1)} | ${Math.round(changed / ingestSeconds)} | ≥ 5,000/s |`);
    } finally {
      await db.destroy();
      await admin(`drop schema ${schema} cascade`);
    }
  },
};
