import type { Db } from '../db/database.js';
import { createLogger } from '../logger.js';
import type { AuditCrypto } from './audit-crypto.js';
import type { AccessRecord } from './record.js';
import { AccessLogWriter } from './writer.js';

export interface GenerateOptions {
  rows: number;
  from: Date;
  /** Spread of the traffic after `from`. */
  days: number;
  users?: number;
  seed?: number;
  /**
   * An incident: inside [from, to) a share `rate` of records are responses a cache replayed to someone else,
   * besides the usual 0.05 %. Without it the log is the same as before, record for record.
   */
  incident?: { from: Date; to: Date; rate: number } | undefined;
}

// Deterministic (mulberry32): the same seed gives the same log, so benchmarks and exposure tests can rely on it.
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const routes = [
  { path: '/accounts/', categories: ['identity', 'contact'] },
  { path: '/payslips/', categories: ['identity', 'financial'] },
  { path: '/declarations/', categories: ['identity', 'financial', 'employment'] },
  { path: '/documents/', categories: ['identity', 'documents'] },
];

/**
 * Realistic synthetic traffic, in time order: mostly people reading their own data; case workers
 * reading several people's; some anonymous pages; and a few responses replayed by a cache to the wrong
 * person (produced for one user, received by another), which the exposure analysis must find.
 */
export function* generateRecords(options: GenerateOptions): Generator<AccessRecord> {
  const next = random(options.seed ?? 42);
  const users = options.users ?? 50_000;
  const start = options.from.getTime();
  const step = (options.days * 86_400_000) / Math.max(1, options.rows);
  const user = () => `u${Math.floor(next() * users)}`;
  const incidentFrom = options.incident?.from.getTime() ?? 0;
  const incidentTo = options.incident?.to.getTime() ?? 0;
  const incidentRate = options.incident?.rate ?? 0;
  for (let i = 0; i < options.rows; i++) {
    const at = new Date(Math.floor(start + i * step));
    const replayed = at.getTime() >= incidentFrom && at.getTime() < incidentTo ? 0.0805 + incidentRate : 0.0805;
    const route = routes[Math.floor(next() * routes.length)]!;
    const roll = next();
    let principal: string | null = user();
    let subjects = [principal];
    let producedFor: string | null = principal;
    let cacheStatus: string | null = null;
    if (roll < 0.05) {
      // a case worker handling a file: several people
      principal = `agent${Math.floor(next() * 200)}`;
      subjects = [user(), user(), user()];
      producedFor = principal;
    } else if (roll < 0.08) {
      principal = null;
      subjects = [];
      producedFor = null;
    } else if (roll < replayed) {
      // a cached response replayed to someone else
      producedFor = user();
      subjects = [producedFor];
      cacheStatus = `x-cache=HIT; age=${Math.floor(next() * 600)}`;
    }
    yield {
      at,
      requestId: `gen-${options.seed ?? 42}-${i}`,
      traceId: null,
      principal,
      principalKind: principal ? 'user' : 'anonymous',
      sessionHmac: principal ? null : Math.floor(next() * 1e9).toString(16).padStart(8, '0'),
      producedFor,
      subjects,
      categories: route.categories,
      method: 'GET',
      route: `${route.path}${subjects[0] ?? 'index'}`,
      status: next() < 0.98 ? 200 : 404,
      cacheStatus,
      clientHmac: Math.floor(next() * 2 ** 32).toString(16).padStart(8, '0'),
    };
  }
}

/** Writes generated records through the real writer (the same batches, chain and digests), chunk by chunk. */
export async function generateAccessLog(
  db: Db,
  crypto: AuditCrypto,
  options: { rows: number; days: number; from: Date; seed: number; users?: number; batch?: number; incident?: GenerateOptions['incident'] },
  onProgress: (text: string) => void = () => {},
): Promise<{ rows: number; seconds: number; rowsPerSecond: number }> {
  // Records per batch: 5,000 by default (fast); live batches are smaller (tens of records under full load), and
  // a person's records are read batch by batch, so the scale bench writes batches of live size.
  const chunk = options.batch ?? 5_000;
  // Batches carry the generated traffic's time (not the wall clock), so that windows and prune dates apply to it.
  let latest = options.from;
  const writer = new AccessLogWriter({ db, crypto, clock: { now: () => latest }, logger: createLogger('warn'), mode: 'strict', timeoutMs: 120_000, maxBatch: chunk });
  // Records are handed over in groups of at least 5,000, so that batches leave one after another without a pause.
  const group = Math.max(chunk, 5_000);
  const started = performance.now();
  let pending: Promise<void>[] = [];
  let written = 0;
  for (const record of generateRecords(options)) {
    latest = record.at;
    pending.push(writer.append(record));
    if (pending.length === group) {
      await Promise.all(pending);
      written += pending.length;
      pending = [];
      const seconds = (performance.now() - started) / 1000;
      onProgress(`generated ${written}/${options.rows} rows (${Math.round(written / seconds)} rows/s)`);
    }
  }
  await Promise.all(pending);
  written += pending.length;
  await writer.close();
  const seconds = (performance.now() - started) / 1000;
  return { rows: written, seconds: Math.round(seconds * 10) / 10, rowsPerSecond: Math.round(written / seconds) };
}
