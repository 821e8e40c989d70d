import { getRequestListener } from '@hono/node-server';
import type { Server } from 'node:http';
import { createAccessLog, type AccessLog } from '../audit/access-log.js';
import { startCheckpoints } from '../audit/checkpoint.js';
import { keepPartitionsAhead } from '../audit/partitions.js';
import { AccessLogWriter } from '../audit/writer.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../logger.js';
import { decideMaintenance } from '../maintenance/decide.js';
import type { MaintenanceHolder } from '../maintenance/holder.js';
import { auditKey } from './audit-key.js';
import type { Detector } from '../exposure/detector.js';
import { createLiveDetection, startCatchUp } from '../exposure/live-detection.js';
import { followAnnouncedBatches } from '../exposure/follow-edge.js';
import { createRelationDeclarations } from '../exposure/relation-header.js';
import type { Notifications } from '../db/notifications.js';
import { createNodeAuditCrypto } from './node-audit-crypto.js';
import { createNodeGateway } from './node-gateway.js';
import { releasePerTurn } from './release-per-turn.js';
import { openDatabase } from './open-database.js';

export interface NodeAccessLog {
  accessLog: AccessLog;
  detection: Detector | undefined;
  close(): Promise<void>;
}

/**
 * The access log on Node: synchronous node:crypto hashing, and on PostgreSQL a connection of its own for the
 * writer, so that group commits never wait behind the requests they are recording.
 */
export async function startNodeAccessLog(
  config: Config,
  db: Db,
  engine: 'postgresql' | 'embedded',
  clock: Clock,
  logger: Logger,
  observeCommit?: (seconds: number) => void,
  notifications?: Notifications,
): Promise<NodeAccessLog> {
  const { key, generated } = await auditKey(config);
  if (generated) logger.warn('generated a development access-log key', { file: `${config.dataDir}/audit-key` });
  const crypto = createNodeAuditCrypto(key);
  // Its few statements (a batch insert in a handful of shapes) are prepared once on that connection.
  const own = engine === 'postgresql' ? await openDatabase({ ...config, databasePoolSize: 1 }, { prepareStatements: true }) : undefined;
  // Live exposure detection reads each committed batch; it uses the shared pool, not the writer's connection.
  const detection = config.exposure.live ? createLiveDetection({ config, db, clock, logger }) : undefined;
  const writer = new AccessLogWriter({
    db: own?.db ?? db,
    crypto,
    clock,
    logger,
    mode: config.audit.mode,
    timeoutMs: config.audit.timeoutMs,
    maxBatch: config.audit.maxBatch,
    asyncFlushMs: config.audit.asyncFlushMs,
    asyncRelease: releasePerTurn(),
    ...(detection ? { onBatchCommitted: detection.onBatchCommitted } : {}),
    ...(observeCommit ? { observeCommit } : {}),
  });
  // A week of daily partitions ahead, checked hourly (the writer makes a missing day's itself, but ahead of time
  // the attach never runs during traffic).
  const stopPartitions = keepPartitionsAhead(db, () => clock.now(), () => logger.warn('access log partitions could not be made ahead'));
  const stopCatchUp = detection ? startCatchUp({ config, db, clock, logger }) : () => {};
  // Batches written at the edge (Workers) are announced; this instance's detector checks them too (docs/edge.md).
  const stopFollowing =
    detection && notifications && engine === 'postgresql'
      ? await followAnnouncedBatches({ db, notifications, logger, onBatchCommitted: detection.onBatchCommitted }).catch(() => {
          logger.warn('edge access-log batches cannot be followed (LISTEN failed); the catch-up checks them');
          return undefined;
        })
      : undefined;
  const stopCheckpoints =
    config.audit.checkpointSeconds > 0
      ? startCheckpoints(db, crypto, clock, config.audit.checkpointSeconds * 1000, () => logger.warn('access log checkpoint failed'))
      : () => {};
  return {
    detection,
    accessLog: createAccessLog(
      config,
      writer,
      crypto,
      config.exposure.relationsHeader ? createRelationDeclarations({ db, clock, logger, zone: config.timeZone, waitMs: config.audit.timeoutMs }) : undefined,
      logger,
    ),
    async close() {
      stopCheckpoints();
      stopPartitions();
      stopCatchUp();
      await stopFollowing?.();
      await writer.close();
      await own?.notifications.close();
      await own?.db.destroy();
    },
  };
}

/**
 * Gateway mode on Node: the raw node:http gateway, with Vigie's own routes and every request the
 * maintenance switch stops (or must check for a bypass) handed to the Hono app.
 */
export function createGatewayServer(
  config: Config,
  app: { fetch: (request: Request, env?: unknown) => Response | Promise<Response> },
  accessLog: AccessLog,
  maintenance: MaintenanceHolder | undefined,
  clock: Clock,
  logger: Logger,
): Server {
  const honoListener = getRequestListener(app.fetch);
  return createNodeGateway({
    upstream: config.upstream!,
    adminPrefix: config.adminPrefix,
    accessLog,
    clock,
    logger,
    fallback: (req, res) => void honoListener(req, res),
    beforeProxy: maintenance
      ? (req, path) => {
          const state = maintenance.state;
          if (state.windows.length === 0) return false;
          const forwardedFor = req.headers['x-forwarded-for'];
          return (
            decideMaintenance(state, {
              method: req.method ?? 'GET',
              path,
              now: clock.now().getTime(),
              clientIp: req.socket.remoteAddress,
              forwardedFor: Array.isArray(forwardedFor) ? forwardedFor.join(', ') : forwardedFor,
            }) !== undefined
          );
        }
      : undefined,
  });
}
