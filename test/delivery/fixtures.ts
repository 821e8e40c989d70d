import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { createServer, type Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { Clock } from '../../src/clock.js';
import type { DeliveryAlert } from '../../src/db/tables/delivery-alert.js';
import type { Db } from '../../src/db/database.js';
import { defaultDeliverySettings, type DeliveryContext, type DeliverySettings } from '../../src/delivery/context.js';
import type { DeliveryPorts, FollowUp, Person, TimelineEntry } from '../../src/delivery/ports.js';
import { monitorCampaigns } from '../../src/delivery/monitor.js';
import { signPayload } from '../../src/delivery/signature.js';
import { createSmsHttpTransport } from '../../src/delivery/sms-http.js';
import { runRound } from '../../src/delivery/worker.js';
import { personalRenderer } from '../../src/entry/delivery-ports.js';
import { freePort } from '../helpers/processes.js';
import { numberingPlanSchema, useNumberingPlan } from '../../src/delivery/carrier.js';
import numberingFixture from './numbering-fixture.json' with { type: 'json' };
import { testApp } from '../helpers/test-app.js';
import { silentLogger } from '../../src/logger.js';

export const breachId = 'breach-1';
export const draftId = 'draft-1';
export const receiptSecret = 'receipt-secret-for-tests-0123456789';
export const actor = { subject: 'carole', roles: ['comms'] };

/**
 * Delivery tests guess carriers from a small hand-written plan (numbering-fixture.json), as an organisation's
 * VIGIE_NUMBERING_PLAN file would; processes the tests start get it through that variable.
 */
export const numberingFixtureFile = new URL('./numbering-fixture.json', import.meta.url).pathname;
useNumberingPlan(numberingPlanSchema.parse(numberingFixture));

/** Mobile blocks of four operators in the fixture plan, by name. */
export const carrierPrefixes = { Orange: '+33607', SFR: '+33603', 'Bouygues Telecom': '+33650', 'Free mobile': '+33651' } as const;
export type CarrierName = keyof typeof carrierPrefixes;

/** n people spread over the four carriers in turn; each has an e-mail, a phone and an address. */
export function makePeople(n: number, segments = ['clients', 'agents']): Person[] {
  const carriers = Object.keys(carrierPrefixes) as CarrierName[];
  return Array.from({ length: n }, (_, i) => {
    const carrier = carriers[i % carriers.length]!;
    return {
      id: `p${String(i).padStart(7, '0')}`,
      segment: segments[i % segments.length]!,
      name: `Personne ${i}`,
      email: `person${i}@example.test`,
      phone: `${carrierPrefixes[carrier]}${String(i).padStart(6, '0')}`,
      address: [`${i} rue de la Paix`, '75002 Paris'],
      exposed: ['contact', 'nir'],
      firstExposedAt: '2026-11-20T09:15:00Z',
    };
  });
}

export const draftParts = {
  lang: 'fr' as const,
  parts: {
    sms: 'Bonjour [[person.name]], le [[person.date]] vos données ([[person.exposedList]]) ont pu être vues. Infos: exemple.fr/incident',
    'email-subject': 'Information sur vos données personnelles',
    'email-text': 'Bonjour [[person.name]],\n\nLe [[person.when]], [[person.exposedList]] ont pu être consultées.',
    'email-html': '<p>Bonjour [[person.name]],</p><p>Le [[person.when]], [[person.exposedList]] ont pu être consultées.</p>',
    letter: 'Madame, Monsieur [[person.name]],\n\nLe [[person.when]], [[person.exposedList]] ont pu être consultées.',
  },
};

export interface FakeRegister {
  ports: DeliveryPorts;
  /** Each person's last follow-up as delivery reported it. */
  statuses: Map<string, FollowUp['outcome']>;
  followUps: FollowUp[];
  timeline: TimelineEntry[];
  approved: { value: boolean };
}

/**
 * Ports over an in-memory population, with the drafts feature's real per-person renderer. The draft has
 * every channel's parts unless `parts` names fewer (an SMS-only draft: `['sms']`); it belongs to `breach`
 * (a register's breach id, for tests that read the real timeline).
 */
export function fakePorts(people: Person[], options: { parts?: string[]; breach?: string } = {}): FakeRegister {
  const parts = options.parts ?? Object.keys(draftParts.parts);
  const breach = options.breach ?? breachId;
  const byId = new Map(people.map((p) => [p.id, p]));
  const sorted = [...people].sort((a, b) => (a.id < b.id ? -1 : 1));
  const statuses = new Map<string, FollowUp['outcome']>();
  const followUps: FollowUp[] = [];
  const timeline: TimelineEntry[] = [];
  const approved = { value: true };
  const written = { lang: draftParts.lang, parts: Object.fromEntries(Object.entries(draftParts.parts).filter(([name]) => parts.includes(name))) };
  const ports: DeliveryPorts = {
    loadDraft: async (id) => (id === draftId ? { id, breachId: breach, parts } : undefined),
    isApproved: async () => approved.value,
    compileRenderer: async (_draft, channel) => personalRenderer(written, channel, 'Europe/Paris'),
    listPopulation: async (_breach, { segment, after, limit }) =>
      sorted.filter((p) => (!segment || p.segment === segment) && (!after || p.id > after)).slice(0, limit),
    findContacts: async (_breach, ids) => new Map(ids.map((id) => byId.get(id)).filter((p): p is Person => p !== undefined).map(({ id, ...rest }) => [id, rest])),
    getPeople: async (_breach, ids) => ids.map((id) => byId.get(id)).filter((p): p is Person => p !== undefined),
    recordFollowUps: async (_breach, updates) => {
      followUps.push(...updates);
      for (const u of updates) statuses.set(u.personId, u.outcome);
    },
    addTimelineEvent: async (entry) => {
      timeline.push(entry);
    },
  };
  return { ports, statuses, followUps, timeline, approved };
}

export function deliveryTestContext(db: Db, clock: Clock, ports: DeliveryPorts, settings: Partial<DeliverySettings> = {}): DeliveryContext {
  return { db, clock, logger: silentLogger, ports, settings: { ...defaultDeliverySettings, receiptSecret, ...settings } };
}

export type CarrierBehaviour = 'deliver' | 'fail' | 'silent';

export interface SmsStandIn {
  url: string;
  /** Messages the stand-in "sent to phones", once per reference (it deduplicates like a provider). */
  delivered: Map<string, { to: string; text: string }>;
  /** Every HTTP hand-off, including duplicates it dropped. */
  handoffs: number;
  duplicatesDropped: number;
  /** Sends per phone number, after deduplication. */
  perPhone: Map<string, number>;
  /** Whether receipts name the network (a provider's portability lookup); false: Vigie keeps its numbering-plan guess. */
  reportsNetwork: boolean;
  setBehaviour(carrier: CarrierName, behaviour: CarrierBehaviour): void;
  /** Waits until every queued receipt is posted. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A local SMS provider: accepts `{from, to, text, reference}`, deduplicates on reference, answers `{id}`,
 * then posts signed receipts in batches to `receiptUrl` — delivered, failed (carrier "refused") or none,
 * by carrier, as a provider would after the carrier's report.
 */
export async function startSmsStandIn(receiptUrl: () => string, port: number, now: () => Date = () => new Date()): Promise<SmsStandIn> {
  const behaviours = new Map<CarrierName, CarrierBehaviour>();
  const pending: object[] = [];
  const inFlight = new Set<Promise<void>>();
  const stand: SmsStandIn = {
    url: `http://127.0.0.1:${port}/messages`,
    delivered: new Map(),
    handoffs: 0,
    duplicatesDropped: 0,
    perPhone: new Map(),
    reportsNetwork: true,
    setBehaviour: (carrier, behaviour) => behaviours.set(carrier, behaviour),
    async flush() {
      while (pending.length > 0 || inFlight.size > 0) {
        postBatch();
        await Promise.all([...inFlight]);
      }
    },
    close: () => new Promise((resolve) => { clearInterval(timer); server.close(() => resolve()); }),
  };
  const carrierOf = (to: string) => (Object.entries(carrierPrefixes).find(([, prefix]) => to.startsWith(prefix))?.[0] ?? 'Orange') as CarrierName;
  const postBatch = () => {
    if (pending.length === 0) return;
    const body = JSON.stringify({ receipts: pending.splice(0, 1000) });
    const task = (async () => {
      // Providers retry a receipt post that failed on the server's side.
      for (let attempt = 1; ; attempt++) {
        const res = await fetch(receiptUrl(), { method: 'POST', headers: { 'content-type': 'application/json', 'vigie-signature': await signPayload(receiptSecret, body, now()) }, body });
        if (res.ok) return;
        if (res.status < 500 || attempt === 3) throw new Error(`receipt post refused: ${res.status}`);
      }
    })();
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  };
  const timer = setInterval(postBatch, 20);
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const { to, text, reference } = JSON.parse(raw) as { to: string; text: string; reference: string };
      stand.handoffs++;
      if (stand.delivered.has(reference)) {
        stand.duplicatesDropped++;
      } else {
        stand.delivered.set(reference, { to, text });
        stand.perPhone.set(to, (stand.perPhone.get(to) ?? 0) + 1);
        const carrier = carrierOf(to);
        const behaviour = behaviours.get(carrier) ?? 'deliver';
        if (behaviour !== 'silent') {
          pending.push({ reference, id: `prov-${reference}`, status: behaviour === 'deliver' ? 'delivered' : 'failed', ...(stand.reportsNetwork ? { carrier } : {}), ...(behaviour === 'fail' ? { error: 'carrier refused' } : {}) });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `prov-${reference}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return stand;
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server (smtp-server) that keeps what it receives; `onRcptTo` may refuse or defer recipients. */
export async function startSmtpCatcher(port: number, onRcptTo?: SMTPServerOptions['onRcptTo']): Promise<{ server: SMTPServer; received: ReceivedMail[] }> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    ...(onRcptTo ? { onRcptTo } : {}),
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, received };
}

/** The app on a real port (receipts reach it over HTTP) and an SMS provider stand-in posting receipts to it. */
export async function startSmsHarness(db: Db, clock: Clock, register: FakeRegister) {
  const app = testApp({ db, clock, env: { VIGIE_DELIVERY_RECEIPT_SECRET: receiptSecret }, deps: { delivery: { ports: register.ports } } });
  const appPort = await freePort();
  const server = serve({ fetch: app.app.fetch, port: appPort, hostname: '127.0.0.1' });
  const stand = await startSmsStandIn(() => `http://127.0.0.1:${appPort}/_vigie/delivery/receipts/sms`, await freePort(), () => clock.now());
  return {
    app,
    stand,
    async close() {
      await stand.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Sends in rounds of 500 with the clock moving 5 s per round, the monitor running every 60 s of clock time
 * as a worker's would; stops when `done` says so (or, with `untilIdle`, when nothing is left to hand off).
 * Returns the alerts raised on the way.
 */
export async function sendAndWatch(
  ctx: DeliveryContext,
  stand: SmsStandIn,
  clock: Clock & { advance(ms: number): void },
  done: (alerts: DeliveryAlert[]) => boolean,
  options: { maxRounds?: number; untilIdle?: boolean } = {},
): Promise<DeliveryAlert[]> {
  const transport = createSmsHttpTransport({ provider: 'sms', url: stand.url, sender: 'Vigie', ratePerSecond: 1_000_000 });
  const alerts: DeliveryAlert[] = [];
  let lastMonitor = clock.now().getTime();
  for (let round = 0; round < (options.maxRounds ?? 200) && !done(alerts); round++) {
    const handed = await runRound(ctx, transport, 500);
    await stand.flush();
    if (handed === 0 && options.untilIdle) break;
    clock.advance(5_000);
    if (clock.now().getTime() - lastMonitor >= 60_000) {
      lastMonitor = clock.now().getTime();
      alerts.push(...(await monitorCampaigns(ctx)));
    }
  }
  return alerts;
}
