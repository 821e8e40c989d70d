import { createAccessLog, type AccessLog } from '../audit/access-log.js';
import { createWebAuditCrypto } from '../audit/audit-crypto.js';
import { AccessLogWriter, type AccessLogWriterOptions } from '../audit/writer.js';
import type { AccessRecord } from '../audit/record.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { createRelationDeclarations } from '../exposure/relation-header.js';
import type { Logger } from '../logger.js';

/**
 * The writer of one isolate. Timers in a Worker run in the request that set them and die with it, so the
 * writer has no timer of its own: each strict record arms one in its own request, which enforces the bound
 * (503 past it) and abandons a commit that hangs (the writer moves to a new stream), as the Node writer's
 * sweeper does.
 */
class EdgeWriter extends AccessLogWriter {
  constructor(private readonly edgeOptions: AccessLogWriterOptions) {
    super({ ...edgeOptions, sweepEveryMs: 0 });
  }

  override record(record: AccessRecord): Promise<void> | undefined {
    this.sweep();
    if (this.mode !== 'strict') {
      this.enqueue(record);
      return undefined;
    }
    const committed = this.append(record);
    // Just past the bound, so that the sweep finds the record expired.
    const timer = setTimeout(() => this.sweep(), this.edgeOptions.timeoutMs + 5);
    return committed.finally(() => clearTimeout(timer));
  }
}

export interface EdgeAccessLog {
  accessLog: AccessLog;
  writer: AccessLogWriter;
}

/**
 * The access log of one isolate: one writer, hence one hash-chained stream per isolate (a new one after a
 * batch whose fate is unknown, as on Node); batches of the requests in flight in this isolate share a commit.
 * Hashing with WebCrypto. Each batch is announced (NOTIFY vigie_audit_batch) so that a Node instance's live
 * detection checks it within the second (docs/edge.md).
 */
export function createEdgeAccessLog(
  config: Config,
  key: string,
  db: Db,
  clock: Clock,
  logger: Logger,
  keepAlive: (work: Promise<void>) => void,
): EdgeAccessLog {
  const crypto = createWebAuditCrypto(key);
  const writer = new EdgeWriter({
    db,
    crypto,
    clock,
    logger,
    mode: config.audit.mode,
    timeoutMs: config.audit.timeoutMs,
    maxBatch: config.audit.maxBatch,
    // No linger at the edge: its timer would belong to a request that may be gone before it fires. A batch leaves
    // in a microtask of the request that queued it (and is kept alive by that request's waitUntil).
    asyncFlushMs: 0,
    notifyBatches: true,
    keepAlive,
  });
  const relations = config.exposure.relationsHeader
    ? createRelationDeclarations({ db, clock, logger, zone: config.timeZone, waitMs: config.audit.timeoutMs })
    : undefined;
  return { writer, accessLog: createAccessLog(config, writer, crypto, relations, logger) };
}
