/**
 * The replay of 31 March 2020 (docs/exposure.md): the misconfigured origin (pajemploi-origin.ts), Vigie's
 * Node gateway in front of it with the access log and live detection, parents and childminders under load
 * on an injected clock from 11:00 to 16:00 (Europe/Paris). Returns what the origin knows (ground truth)
 * and what Vigie saw; the test and `npm run demo:pajemploi` compare them.
 */
import { SignJWT } from 'jose';
import { createWebAuditCrypto } from '../src/audit/audit-crypto.js';
import { createAccessLog } from '../src/audit/access-log.js';
import { random } from '../src/audit/generate.js';
import { AccessLogWriter } from '../src/audit/writer.js';
import { manualClock } from '../src/clock.js';
import { parseConfig } from '../src/config.js';
import type { Db } from '../src/db/database.js';
import { createNodeGateway } from '../src/entry/node-gateway.js';
import { createLiveDetection } from '../src/exposure/live-detection.js';
import { readEntitlements, upsertEntitlements, type RelationInput } from '../src/exposure/relations.js';
import { silentLogger } from '../src/logger.js';
import { startOrigin, type Served } from './pajemploi-origin.js';

export const principalSecret = 'pajemploi-demo-principal-secret-0123456789';
export const zone = 'Europe/Paris';
const parents = 60;
const childminders = 30;
const employerOf = (p: number) => ((p - 1) % childminders) + 1; // parent P{p} employs C{employerOf(p)}

/** Who may see whom: each parent and their childminder, both ways, since 2019; P1 also employed C2 until 1 March 2020. */
export function scenarioRelations(): RelationInput[] {
  const list: RelationInput[] = [];
  for (let p = 1; p <= parents; p++) {
    list.push({ principal: `P${p}`, subject: `C${employerOf(p)}`, validFrom: '2019-01-01T00:00:00Z', kind: 'employment' });
    list.push({ principal: `C${employerOf(p)}`, subject: `P${p}`, validFrom: '2019-01-01T00:00:00Z', kind: 'employment' });
  }
  list.push({ principal: 'P1', subject: 'C2', validFrom: '2019-01-01T00:00:00Z', validTo: '2020-03-01T00:00:00+01:00', kind: 'employment' });
  list.push({ principal: 'C2', subject: 'P1', validFrom: '2019-01-01T00:00:00Z', validTo: '2020-03-01T00:00:00+01:00', kind: 'employment' });
  return list;
}

export interface ScenarioOptions {
  db: Db;
  /** Concurrent requests per wave, and injected minutes between waves. */
  concurrency?: number;
  waveSeconds?: number;
  breaker?: { threshold: number; windowSeconds: number };
  onProgress?: (at: Date, requests: number) => void;
}

export interface ScenarioResult {
  served: Served[];
  requests: number;
  /** Real milliseconds from the first leaked response leaving the origin to its alert being stored. */
  detectionMs: number | undefined;
  /** Real milliseconds from the leaked response that made N illegitimate accesses to maintenance being on. */
  breakerMs: number | undefined;
  breakerScope: string | undefined;
  refusedDuringMaintenance: number;
}

export async function runPajemploiScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const { db } = options;
  const concurrency = options.concurrency ?? 24;
  const waveMs = (options.waveSeconds ?? 120) * 1000;
  const config = parseConfig({
    VIGIE_PRINCIPAL_SECRET: principalSecret,
    VIGIE_LOG_LEVEL: 'silent',
    VIGIE_EXPOSURE_BREAKER_THRESHOLD: String(options.breaker?.threshold ?? 0),
    VIGIE_EXPOSURE_BREAKER_WINDOW_SECONDS: String(options.breaker?.windowSeconds ?? 10),
  });
  const clock = manualClock('2020-03-31T09:00:00Z'); // 11:00 in Paris
  const relations = readEntitlements({ relations: scenarioRelations() }, zone);
  await upsertEntitlements({ db, clock }, { ...relations, roles: [], source: 'pajemploi' }, { subject: 'pajemploi-sync', roles: ['admin'], reason: 'nightly relations sync' });

  const origin = startOrigin(clock);
  const originPort = await origin.listen();
  let firstLeakMs: number | undefined;
  let alertMs: number | undefined;
  let breakerMs: number | undefined;
  let breakerScope: string | undefined;
  let maintenanceOn = false;
  // The wiring an entry uses (src/exposure/live-detection.ts): the breaker goes through the maintenance service.
  const detector = createLiveDetection(
    { config, db, clock, logger: silentLogger },
    {
      // Latency of the cache incident's alert: the first stored alert that holds a mix-up (the 11:30 visit of
      // P1 to C2's page raises an alert of its own earlier, unrelated to the cache).
      onAlert: (_alert, accesses) => {
        if (accesses.some((a) => a.reason === 'mix-up')) alertMs ??= performance.now();
      },
      onBreaker: (scope) => {
        breakerMs ??= performance.now();
        breakerScope = scope;
        maintenanceOn = true;
      },
    },
  );
  const writer = new AccessLogWriter({
    db,
    crypto: createWebAuditCrypto('pajemploi-demo-audit-key-0123456789abcdef'),
    clock,
    logger: silentLogger,
    mode: 'strict',
    timeoutMs: 5_000,
    maxBatch: 1_000,
    onBatchCommitted: detector.onBatchCommitted,
  });
  let refusedDuringMaintenance = 0;
  const gateway = createNodeGateway({
    upstream: { url: `http://127.0.0.1:${originPort}`, timeoutMs: 10_000 },
    adminPrefix: '/_vigie',
    accessLog: createAccessLog(config, writer, createWebAuditCrypto('pajemploi-demo-audit-key-0123456789abcdef')),
    clock,
    logger: silentLogger,
    // The maintenance gate stands in for the maintenance feature's: once the breaker trips, nothing reaches the origin.
    beforeProxy: () => maintenanceOn,
    fallback: (_req, res) => {
      refusedDuringMaintenance++;
      res.writeHead(503, { 'retry-after': '600' }).end();
    },
  });
  const gatewayPort = await new Promise<number>((resolve) => gateway.listen(0, '127.0.0.1', () => resolve((gateway.address() as { port: number }).port)));

  const key = new TextEncoder().encode(principalSecret);
  const tokens = new Map<string, string>();
  const tokenOf = async (user: string) => {
    let token = tokens.get(user);
    if (!token) {
      token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(user).setIssuedAt().setExpirationTime('2h').sign(key);
      tokens.set(user, token);
    }
    return token;
  };

  const rand = random(20200331);
  const pick = (n: number) => 1 + Math.floor(rand() * n);
  const end = Date.parse('2020-03-31T14:00:00Z'); // 16:00 in Paris
  let requests = 0;
  try {
    while (clock.now().getTime() < end) {
      const wave: { user: string; path: string }[] = [];
      for (let i = 0; i < concurrency; i++) {
        if (rand() < 0.67) {
          const p = pick(parents);
          const r = rand();
          wave.push({ user: `P${p}`, path: r < 0.5 ? '/espace/tableau' : `/espace/salarie/C${employerOf(p)}` });
        } else {
          const c = pick(childminders);
          const employers = Array.from({ length: parents }, (_, i) => i + 1).filter((p) => employerOf(p) === c);
          wave.push({ user: `C${c}`, path: rand() < 0.5 ? '/espace/tableau' : `/espace/employeur/P${employers[Math.floor(rand() * employers.length)]}` });
        }
      }
      // P1 still opens the page of C2, whom they no longer employ (the service forgot the end date): at 11:30 and 12:30.
      const local = clock.now().getTime();
      if (local === Date.parse('2020-03-31T09:30:00Z') || local === Date.parse('2020-03-31T10:30:00Z')) wave.push({ user: 'P1', path: '/espace/salarie/C2' });
      const before = origin.served.length;
      await Promise.all(
        wave.map(async ({ user, path }) => {
          const response = await fetch(`http://127.0.0.1:${gatewayPort}${path}`, { headers: { authorization: `Bearer ${await tokenOf(user)}` } });
          await response.text();
          if (response.headers.has('vigie-data-subjects')) throw new Error('the gateway let a declaration header through');
        }),
      );
      requests += wave.length;
      for (const s of origin.served.slice(before)) if (firstLeakMs === undefined && s.producedFor !== s.receiver) firstLeakMs = s.sentMs;
      options.onProgress?.(clock.now(), requests);
      clock.advance(waveMs);
    }
  } finally {
    await writer.close();
    await detector.idle();
    await new Promise<void>((resolve) => gateway.close(() => resolve()));
    gateway.closeAllConnections?.();
    await origin.close();
  }
  return {
    served: origin.served,
    requests,
    detectionMs: firstLeakMs !== undefined && alertMs !== undefined ? alertMs - firstLeakMs : undefined,
    breakerMs: breakerMs !== undefined && options.breaker ? breakerMs - thresholdLeakMs(origin.served, options.breaker.threshold) : undefined,
    breakerScope,
    refusedDuringMaintenance,
  };
}

/** When the origin sent the response that brought the exposed persons to `threshold` (the breaker cannot trip before). */
function thresholdLeakMs(served: Served[], threshold: number): number {
  let count = 0;
  for (const s of [...served].filter((x) => x.producedFor !== x.receiver).sort((a, b) => a.sentMs - b.sentMs)) {
    count += s.subjects.filter((subject) => subject !== s.receiver).length;
    if (count >= threshold) return s.sentMs;
  }
  return Number.NaN;
}

/**
 * What the origin knows happened, by the same rule the DPO asks about: each person in a response served
 * to someone else, when the page was produced for another user or no relation was valid at that moment.
 */
export function groundTruth(served: Served[], from: Date, to: Date) {
  const relations = scenarioRelations().map((r) => ({ ...r, from: Date.parse(r.validFrom), to: r.validTo ? Date.parse(r.validTo) : Infinity }));
  const entitled = (who: string, whose: string, at: number) => relations.some((r) => r.principal === who && r.subject === whose && r.from <= at && at < r.to);
  const byPerson = new Map<string, Map<string, { times: number; first: number; last: number }>>();
  let responses = 0;
  for (const s of served) {
    const at = s.at.getTime();
    if (at < from.getTime() || at >= to.getTime()) continue;
    let leaked = false;
    for (const subject of s.subjects) {
      if (subject === s.receiver) continue;
      if (s.producedFor === s.receiver && entitled(s.receiver, subject, at)) continue;
      leaked = true;
      const receivers = byPerson.get(subject) ?? byPerson.set(subject, new Map()).get(subject)!;
      const seen = receivers.get(s.receiver) ?? { times: 0, first: at, last: at };
      seen.times++;
      seen.first = Math.min(seen.first, at);
      seen.last = Math.max(seen.last, at);
      receivers.set(s.receiver, seen);
    }
    if (leaked) responses++;
  }
  return { byPerson, responses };
}
