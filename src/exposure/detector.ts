import type { CommittedRecord } from '../audit/record.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../logger.js';
import { recordBreaker, storeAccesses, type StoredAlert } from './alerts.js';
import { checkBatch, type IllegitimateAccess } from './entitlement-check.js';
import { advanceMark, type MarkAdvance } from './verdicts.js';
import type { WebhookSender } from '../http/signed-webhooks.js';

/**
 * What the circuit breaker calls to switch maintenance on: the maintenance feature's
 * `startMaintenance(deps, { reason, scope }, systemActor)`, adapted by whoever wires the detector.
 */
export type StartMaintenance = (input: { reason: string; scope: string }) => Promise<void>;

export interface DetectorOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  settings: Config['exposure'];
  webhooks?: WebhookSender;
  startMaintenance?: StartMaintenance;
  /** Called once an alert is stored (tests measure detection latency with it). */
  onAlert?: (alert: StoredAlert, accesses: IllegitimateAccess[]) => void;
  onBreaker?: (scope: string) => void;
  /** Records held while the database answers a round (default 500,000); older batches beyond are left to the catch-up. */
  maxPendingRecords?: number;
  /**
   * A stream's mark is written at most this often (default 1,000 ms) when its rounds find nothing; the rounds in
   * between are remembered and written together. 0: every round writes it.
   */
  markEveryMs?: number;
}

/** The older of two snapshot xmins (xid8 as text); null is no constraint (verdicts.ts). */
function olderXmin(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return BigInt(a) <= BigInt(b) ? a : b;
}

/**
 * The webhook event of a newly opened alert: counts, times and the alert's id, never who (webhooks.ts).
 * `detectedBy` says whether live detection saw it as it happened or a later check found it.
 */
export function alertOpenedEvent(alert: StoredAlert, detectedBy: 'live' | 'catch-up'): Record<string, unknown> {
  return { type: 'exposure.alert.opened', detectedBy, alert: { id: alert.id, firstAt: alert.firstAt.toISOString(), accesses: alert.accesses } };
}

/**
 * The affected scope: the first path segment all leaked routes share ("/espace", that is /espace and below), else
 * the whole site. Routes are recorded decoded ("/déclarations"); the scope is written with escapes where a scope
 * needs them ("/d%C3%A9clarations"), which the maintenance switch reads back as the same path.
 */
export function affectedScope(routes: string[]): string {
  const firsts = new Set(routes.map((route) => route.split('/')[1] ?? ''));
  const [only] = [...firsts];
  return firsts.size === 1 && only ? `/${escapeSegment(only)}` : 'site';
}

const bytes = new TextEncoder();
const escapeSegment = (segment: string): string =>
  segment.replace(/[^A-Za-z0-9._~!$&'()+,;=:@-]/gu, (char) => Array.from(bytes.encode(char), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));

/** Records of one stream's consecutive batches, checked together. */
interface Run {
  stream: string;
  first: number;
  last: number;
  records: CommittedRecord[];
}

/** Committed batches in arrival order → runs of consecutive batches of one stream (a gap starts a new run). */
function runsOf(batches: CommittedRecord[][]): Run[] {
  const runs: Run[] = [];
  const open = new Map<string, Run>();
  for (const records of batches) {
    const head = records[0];
    if (!head) continue;
    const run = open.get(head.stream);
    if (run && run.last + 1 === head.seq) {
      run.last = head.seq;
      for (const record of records) run.records.push(record);
    } else {
      const started: Run = { stream: head.stream, first: head.seq, last: head.seq, records: [...records] };
      runs.push(started);
      open.set(head.stream, started);
    }
  }
  return runs;
}

/**
 * Live detection, hooked on the access-log writer's `onBatchCommitted`: committed batches are checked (off
 * the response path: strict mode has already released the responses), illegitimate accesses are stored as one
 * alert per burst, webhooks are told, and above N accesses in T seconds the breaker switches maintenance on
 * for the affected scope, as done by Vigie, with the reason.
 *
 * Its cost follows records, not batches: while a round is at the database, the batches committed meanwhile
 * wait, and the next round checks all of them in one statement and moves the stream's mark over all of them in
 * one more (docs/exposure.md, "Live detection"), at most once a second when nothing was found. A round costs at
 * most two statements whatever the number of batches, so the detector cannot fall behind the writer for longer
 * than one round: it managed about 175 batches/s one
 * at a time while the strict writer commits 200–280/s under full load.
 */
export function createDetector(options: DetectorOptions) {
  const { settings } = options;
  const recent: { ms: number; route: string }[] = [];
  let breakerTrippedFor: string | undefined;
  const stats = { batches: 0, records: 0, rounds: 0, illegitimate: 0, alerts: 0, failures: 0, breakerTrips: 0, dropped: 0, pendingRecords: 0, lagMs: 0 };
  let pending: CommittedRecord[][] = [];
  let draining: Promise<void> | undefined;
  // Records held while a round is at the database; past this, the oldest batches are left to the catch-up
  // (their stream's mark holds at them), so that a database that stops answering cannot exhaust memory.
  const maxPendingRecords = options.maxPendingRecords ?? 500_000;

  // Checked rounds whose mark is not written yet, by stream. Writing it every round cost PostgreSQL a statement
  // and a commit per batch under strict load (as much CPU as the batch's own insert); a report checks the
  // batches past a mark anyway, so a mark up to a second behind only moves that work to the report.
  const markEveryMs = options.markEveryMs ?? 1_000;
  const heldMarks = new Map<string, MarkAdvance>();
  const markWrittenAt = new Map<string, number>();
  let flushDue = false;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;

  async function writeMark(mark: MarkAdvance, now: Date): Promise<void> {
    await advanceMark(options.db, mark, now);
    markWrittenAt.set(mark.stream, performance.now());
  }

  async function writeHeldMarks(): Promise<void> {
    flushDue = false;
    const held = [...heldMarks.values()];
    heldMarks.clear();
    for (const mark of held) await writeMark(mark, options.clock.now());
  }

  function holdMark(mark: MarkAdvance): void {
    heldMarks.set(mark.stream, mark);
    if (flushTimer) return;
    flushTimer = setTimeout(() => {
      flushTimer = undefined;
      flushDue = true;
      void kick();
    }, markEveryMs);
    (flushTimer as { unref?: () => void }).unref?.();
  }

  async function check(run: Run): Promise<void> {
    const { found, xmin } = await checkBatch(options.db, run.records, settings.broadRoles);
    let mark: MarkAdvance = { stream: run.stream, first: run.first, last: run.last, broadRoles: settings.broadRoles, xmin };
    const now = options.clock.now();
    const held = heldMarks.get(run.stream);
    if (held) {
      heldMarks.delete(run.stream);
      // Consecutive rounds make one mark; after a gap (a failed round) the held one is written first.
      if (held.last + 1 === run.first) mark = { ...mark, first: held.first, xmin: olderXmin(held.xmin, xmin) };
      else await writeMark(held, now);
    }
    if (found.length === 0) {
      // The mark is what lets a report trust these batches' silence (verdicts.ts).
      // Real elapsed time, not the clock's: the point is the database's work per second.
      if (markEveryMs > 0 && performance.now() - (markWrittenAt.get(run.stream) ?? -Infinity) < markEveryMs) holdMark(mark);
      else await writeMark(mark, now);
      return;
    }
    markWrittenAt.set(run.stream, performance.now());
    stats.illegitimate += found.length;
    const alerts = await storeAccesses(options.db, found, settings.burstGapSeconds, now, mark);
    for (const alert of alerts) {
      options.onAlert?.(alert, found);
      if (!alert.opened) continue;
      stats.alerts++;
      options.logger.warn('exposure alert opened', { alert: alert.id, accesses: alert.accesses });
      await options.webhooks?.send(alertOpenedEvent(alert, 'live'));
    }
    // The latest burst is the one still going on.
    if (settings.breakerThreshold > 0 && options.startMaintenance) await breaker(alerts.at(-1)!, found, now);
  }

  async function breaker(alert: StoredAlert, found: IllegitimateAccess[], now: Date): Promise<void> {
    // Counted on the accesses' own times: the burst as users saw it, whatever the commit delays.
    let latest = -Infinity;
    for (const access of found) {
      recent.push({ ms: access.at.getTime(), route: access.route });
      latest = Math.max(latest, access.at.getTime());
    }
    const horizon = latest - settings.breakerWindowSeconds * 1000;
    while (recent.length > 0 && recent[0]!.ms < horizon) recent.shift();
    recent.sort((a, b) => a.ms - b.ms);
    if (recent.length < settings.breakerThreshold || breakerTrippedFor === alert.id) return;
    breakerTrippedFor = alert.id;
    const scope = settings.breakerScope === 'site' ? 'site' : affectedScope(recent.map((r) => r.route));
    const reason = `Vigie circuit breaker: ${recent.length} illegitimate accesses to personal data within ${settings.breakerWindowSeconds} s (exposure alert ${alert.id})`;
    await options.startMaintenance!({ reason, scope });
    await recordBreaker(options.db, alert.id, now, scope);
    stats.breakerTrips++;
    options.onBreaker?.(scope);
    options.logger.warn('exposure circuit breaker switched maintenance on', { alert: alert.id, scope });
    await options.webhooks?.send({ type: 'exposure.breaker.tripped', alert: { id: alert.id, accesses: alert.accesses }, maintenance: { scope, reason } });
  }

  function kick(): Promise<void> {
    // A batch handed over between the loop's end and this callback starts the next drain.
    draining ??= drain().finally(() => {
      draining = undefined;
      if (pending.length > 0 || flushDue) void kick();
    });
    return draining;
  }

  async function drain(): Promise<void> {
    while (pending.length > 0 || flushDue) {
      if (pending.length === 0) {
        await writeHeldMarks().catch(() => {
          stats.failures++;
          options.logger.error('exposure detection could not write its marks');
        });
        continue;
      }
      const batches = pending;
      pending = [];
      stats.pendingRecords = 0;
      stats.rounds++;
      for (const run of runsOf(batches)) {
        try {
          await check(run);
          stats.batches += run.last - run.first + 1;
          stats.records += run.records.length;
          // How far behind the traffic detection is: the oldest record of the round, once checked.
          let oldest = Infinity;
          for (const record of run.records) oldest = Math.min(oldest, record.at.getTime());
          stats.lagMs = Math.max(0, options.clock.now().getTime() - oldest);
        } catch {
          stats.failures++;
          // Never the error's message: a database error may quote values. The stream's mark holds at these
          // batches until the catch-up checks them.
          options.logger.error('exposure detection failed on a batch', { batches: run.last - run.first + 1, records: run.records.length });
        }
      }
    }
  }

  return {
    onBatchCommitted(records: CommittedRecord[]): Promise<void> {
      pending.push(records);
      stats.pendingRecords += records.length;
      while (stats.pendingRecords > maxPendingRecords && pending.length > 1) {
        stats.pendingRecords -= pending.shift()!.length;
        stats.dropped++;
      }
      return kick();
    },
    /** Resolves once every batch handed over so far has been checked and its stream's mark written. */
    async idle(): Promise<void> {
      while (draining || heldMarks.size > 0) {
        if (heldMarks.size > 0) flushDue = true;
        await kick();
      }
    },
    stats: () => ({ ...stats }),
  };
}

export type Detector = ReturnType<typeof createDetector>;
