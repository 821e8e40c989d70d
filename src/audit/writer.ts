import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { AuditCrypto } from './audit-crypto.js';
import { insertBatch } from './insert-batch.js';
import { batchHashInput, canonicalRow, genesisHashInput, rowDigestHexLength, type AccessRecord, type CommittedRecord } from './record.js';

export type AuditMode = 'strict' | 'async';

export interface AccessLogWriterOptions {
  /** Ideally a connection of its own (the Node entry opens one), so that batches never queue behind requests. */
  db: Db;
  crypto: AuditCrypto;
  clock: Clock;
  logger: Logger;
  mode: AuditMode;
  /** Strict mode: longest wait for a commit before the request is refused (503). */
  timeoutMs: number;
  maxBatch: number;
  /** Async mode: records held in memory at most; beyond, new ones are dropped and counted as lost. */
  maxQueue?: number;
  /**
   * Async mode: how long a record may wait for others before its batch leaves (0: as soon as the previous
   * commit returns, as in strict mode). Nobody waits for an async record, so this costs no response time;
   * it makes batches larger, and each batch costs the database a statement and a commit whatever its size.
   */
  asyncFlushMs?: number;
  /**
   * Async mode: what a response waits for before it leaves (default: nothing). The Node entry passes the end of
   * the event loop's turn (setImmediate), shared by every response of that turn: they leave together, as strict
   * responses do when their commit returns. Measured on the route bench, writing each async response on its own
   * turn cost more service CPU per request than strict's bursts (the kernel's work and the client's wake-ups
   * per write); released together, async costs less than strict (docs/benchmarks.md, issue 17).
   */
  asyncRelease?: () => Promise<void>;
  /** Called after each commit with the batch's records (live detection hooks in here). */
  onBatchCommitted?: (records: CommittedRecord[]) => void | Promise<void>;
  /** Told each commit's duration in seconds, from the batch leaving to the commit returning (metrics). */
  observeCommit?: (seconds: number) => void;
  newStreamId?: () => string;
  /**
   * Runtimes that cannot keep a connection from one request to the next (Workers: a socket belongs to the
   * request that opened it) open one per batch here, in the request that sends the batch; `db` is then unused.
   */
  withDb?: <T>(work: (db: Db) => Promise<T>) => Promise<T>;
  /**
   * How often the bound is enforced (default: timeoutMs / 5). 0: no timer of the writer's own; the caller calls
   * `sweep()` (Workers: a timer per request, in that request, since a timer outlives nothing there).
   */
  sweepEveryMs?: number;
  /**
   * Told of each batch's work as it leaves, in the request that runs it (Workers: `ctx.waitUntil`, so that the
   * request whose connection commits other requests' records is not torn down before the commit returns).
   */
  keepAlive?: (work: Promise<void>) => void;
  /** Tell listeners of each batch (NOTIFY vigie_audit_batch, in the batch's statement): live detection elsewhere. */
  notifyBatches?: boolean;
}

export class AuditUnavailableError extends Error {
  override name = 'AuditUnavailableError';
}

interface Pending {
  record: AccessRecord;
  enqueuedAt: number;
  settled: boolean;
  resolve?: () => void;
  reject?: (error: Error) => void;
}

export interface AccessLogWriterStats {
  mode: AuditMode;
  committedRecords: number;
  committedBatches: number;
  failedBatches: number;
  /** Strict: requests refused because their record could not be committed in time. */
  refused: number;
  /** Async: records that were never written (queue full or batch failed). */
  lost: number;
  queued: number;
  stream: string;
}

/**
 * Group commit: a batch leaves as soon as the previous commit returns, carrying everything that arrived
 * meanwhile (no timer wait when idle). One writer is one stream of chained batches; after a failed batch
 * (whose fate is unknown) it starts a new stream, so that no batch ever has an ambiguous predecessor.
 */
export class AccessLogWriter {
  private queue: Pending[] = [];
  private inFlight: Pending[] = [];
  private inFlightSince = 0;
  private flushing = false;
  private scheduled = false;
  private generation = 0;
  private stream = '';
  private seq = 0;
  private head = '';
  private streamStartedAt: Date | undefined;
  private lastAt: Date | undefined;
  private readonly sweeper: ReturnType<typeof setInterval> | undefined;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  private closing = false;
  private lingerTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly counters = { committedRecords: 0, committedBatches: 0, failedBatches: 0, refused: 0, lost: 0 };

  constructor(private readonly options: AccessLogWriterOptions) {
    this.startStream();
    const every = options.sweepEveryMs ?? Math.max(5, Math.floor(options.timeoutMs / 5));
    if (every > 0) {
      this.sweeper = setInterval(() => this.sweep(), every);
      (this.sweeper as { unref?: () => void }).unref?.();
    }
  }

  get mode(): AuditMode {
    return this.options.mode;
  }

  /** Strict: resolves once the record is committed; rejects with AuditUnavailableError past the bound. */
  append(record: AccessRecord): Promise<void> {
    if (this.closed) return Promise.reject(new AuditUnavailableError('the access log is closed'));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ record, enqueuedAt: performance.now(), settled: false, resolve, reject });
      this.schedule();
    });
  }

  /** Async: returns at once; a record that cannot be written is counted in `lost`. */
  enqueue(record: AccessRecord): void {
    if (this.closed || this.queue.length >= (this.options.maxQueue ?? 100_000)) {
      this.counters.lost++;
      return;
    }
    this.queue.push({ record, enqueuedAt: performance.now(), settled: false });
    if (!this.scheduled || this.queue.length >= this.options.maxBatch) this.schedule();
  }

  /** By mode: strict waits for the commit, async does not (at most for `asyncRelease`, which never rejects). */
  record(record: AccessRecord): Promise<void> | undefined {
    if (this.options.mode === 'strict') return this.append(record);
    this.enqueue(record);
    return this.options.asyncRelease?.();
  }

  stats(): AccessLogWriterStats {
    return { mode: this.options.mode, ...this.counters, queued: this.queue.length + this.inFlight.length, stream: this.stream };
  }

  /** Resolves once nothing is queued or being committed (Workers keep the request alive until then: waitUntil). */
  idle(): Promise<void> {
    if (this.queue.length === 0 && !this.flushing && !this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private wakeIdle(): void {
    if (this.queue.length > 0 || this.flushing || this.scheduled || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Writes what is queued (async mode), then stops. */
  async close(): Promise<void> {
    this.closing = true;
    const deadline = performance.now() + this.options.timeoutMs * 2;
    while ((this.queue.length > 0 || this.flushing) && performance.now() < deadline) {
      this.schedule();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    this.closed = true;
    if (this.sweeper) clearInterval(this.sweeper);
    for (const pending of this.queue) this.fail(pending, new AuditUnavailableError('the access log is closed'));
    this.queue = [];
    this.wakeIdle();
  }

  private startStream(): void {
    this.stream = this.options.newStreamId?.() ?? crypto.randomUUID();
    this.seq = 0;
    this.head = '';
    this.streamStartedAt = undefined;
  }

  private schedule(): void {
    if (this.flushing) return;
    const linger = this.options.mode === 'async' && !this.closing ? (this.options.asyncFlushMs ?? 0) : 0;
    if (linger > 0 && this.queue.length < this.options.maxBatch) {
      if (!this.scheduled) {
        this.scheduled = true;
        this.lingerTimer = setTimeout(() => this.run(), linger);
      }
      return;
    }
    if (this.lingerTimer) {
      // A full batch (or closing) does not wait for the timer.
      clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
      this.scheduled = false;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.run());
  }

  private run(): void {
    this.scheduled = false;
    this.lingerTimer = undefined;
    const work = this.flush();
    this.options.keepAlive?.(work);
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    const strict = this.options.mode === 'strict';
    // In strict mode a record whose request was already refused is not written: its response never left.
    const batch: Pending[] = [];
    while (batch.length < this.options.maxBatch && this.queue.length > 0) {
      const pending = this.queue.shift()!;
      if (!strict || !pending.settled) batch.push(pending);
    }
    if (batch.length === 0) {
      this.wakeIdle();
      return;
    }
    this.flushing = true;
    this.inFlight = batch;
    this.inFlightSince = performance.now();
    const generation = this.generation;
    const stream = this.stream;
    const seq = this.seq + 1;
    let committed = false;
    try {
      const { crypto: hashing, clock } = this.options;
      let streamStart: { startedAt: Date; genesisHash: string } | undefined;
      if (this.seq === 0) {
        const startedAt = (this.streamStartedAt ??= clock.now());
        const genesisHash = await hashing.sha256Hex(genesisHashInput(stream, startedAt));
        streamStart = { startedAt, genesisHash };
        this.head = genesisHash;
      }
      const prevHash = this.head;
      // Each record is serialised once: the canonical row is hashed, then stored as it is (insert-batch.ts).
      const rows = batch.map((p) => canonicalRow(p.record));
      // Synchronous hashing (Node) avoids a promise per record; WebCrypto's promises are awaited together.
      const computed = rows.map((row) => hashing.sha256Hex(row));
      const digests = computed.every((d): d is string => typeof d === 'string') ? computed : await Promise.all(computed);
      const rowDigests = digests.map((d) => d.slice(0, rowDigestHexLength)).join('');
      // A batch's time is at or after each of its records' and never before the previous batch's: window reads
      // find a record's batch from the record's time on, and retention removes a prefix of each stream.
      let at = clock.now();
      for (const pending of batch) if (pending.record.at > at) at = pending.record.at;
      if (this.lastAt && this.lastAt > at) at = this.lastAt;
      const hash = await hashing.sha256Hex(batchHashInput({ stream, seq, at, prevHash, rowDigests }));
      const leaving = performance.now();
      const toInsert = { stream, seq, at, prevHash, hash, rowDigests, rows, records: batch.map((p) => p.record), notify: this.options.notifyBatches === true, ...(streamStart ? { streamStart } : {}) };
      await (this.options.withDb ? this.options.withDb((db) => insertBatch(db, toInsert)) : insertBatch(this.options.db, toInsert));
      if (generation !== this.generation) return; // abandoned as stuck; a new stream took over
      this.options.observeCommit?.((performance.now() - leaving) / 1000);
      committed = true;
      this.lastAt = at;
      this.seq = seq;
      this.head = hash;
      this.counters.committedBatches++;
      this.counters.committedRecords += batch.length;
      this.notify(batch, stream, seq);
      for (const pending of batch) this.succeed(pending);
    } catch (error) {
      if (generation !== this.generation) return;
      this.counters.failedBatches++;
      const err = error as { code?: unknown; name?: unknown };
      // Never the message: a database error may quote values.
      this.options.logger.error('access log batch failed', { records: batch.length, errorName: String(err?.name ?? 'Error'), errorCode: typeof err?.code === 'string' ? err.code : undefined });
      for (const pending of batch) this.fail(pending, new AuditUnavailableError('the access log could not be written'));
      this.startStream();
    } finally {
      if (generation === this.generation) {
        this.inFlight = [];
        this.flushing = false;
        if (committed || this.queue.length > 0) this.schedule();
        this.wakeIdle();
      }
    }
  }

  private notify(batch: Pending[], stream: string, seq: number): void {
    const hook = this.options.onBatchCommitted;
    if (!hook) return; // no copies of the records when nobody reads them
    try {
      // Field by field: a spread copy cost more per record than hashing it did (profiled under load).
      const result = hook(batch.map(({ record: r }, pos): CommittedRecord => ({
        at: r.at, requestId: r.requestId, traceId: r.traceId, principal: r.principal, principalKind: r.principalKind,
        sessionHmac: r.sessionHmac, producedFor: r.producedFor, subjects: r.subjects, categories: r.categories, method: r.method,
        route: r.route, status: r.status, cacheStatus: r.cacheStatus, clientHmac: r.clientHmac, stream, seq, pos,
      })));
      if (result && typeof (result as Promise<void>).catch === 'function') {
        (result as Promise<void>).catch(() => this.options.logger.error('onBatchCommitted hook failed'));
      }
    } catch {
      this.options.logger.error('onBatchCommitted hook failed');
    }
  }

  private succeed(pending: Pending): void {
    if (pending.settled) return;
    pending.settled = true;
    pending.resolve?.();
  }

  private fail(pending: Pending, error: Error): void {
    if (!pending.resolve) {
      this.counters.lost++;
      return;
    }
    if (pending.settled) return;
    pending.settled = true;
    this.counters.refused++;
    pending.reject?.(error);
  }

  /** Enforces the bound: no request waits longer than timeoutMs, and a commit that never returns is abandoned. */
  sweep(): void {
    const now = performance.now();
    const limit = this.options.timeoutMs;
    const expired = (p: Pending) => p.resolve && !p.settled && now - p.enqueuedAt > limit;
    for (const pending of this.inFlight) if (expired(pending)) this.fail(pending, new AuditUnavailableError('the access log did not commit in time'));
    for (const pending of this.queue) if (expired(pending)) this.fail(pending, new AuditUnavailableError('the access log did not commit in time'));
    if (this.options.mode === 'strict') this.queue = this.queue.filter((p) => !p.settled);
    if (this.flushing && now - this.inFlightSince > limit * 3) {
      // The store hangs (a lost connection, a lock): stop waiting for it, on a new stream.
      this.generation++;
      this.counters.failedBatches++;
      for (const pending of this.inFlight) this.fail(pending, new AuditUnavailableError('the access log did not commit in time'));
      this.inFlight = [];
      this.flushing = false;
      this.startStream();
      this.schedule();
      this.wakeIdle();
    }
  }
}
