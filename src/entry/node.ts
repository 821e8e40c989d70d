import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../app.js';
import { createStaffTokenVerifier } from '../auth/verify-staff-token.js';
import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { migrateToLatest } from '../db/migrate.js';
import { createLogger } from '../logger.js';
import { withConsoleSessionKey, withDevelopmentSecret } from './dev-secret.js';
import { nodeConsoleAssets } from './console-assets.js';
import { createMaintenanceHolder, maintenancePolicyFromConfig } from '../maintenance/holder.js';
import { withMaintenanceBypassKey } from './maintenance-bypass-key.js';
import { openDatabase } from './open-database.js';
import { createGatewayServer, startNodeAccessLog } from './node-audit.js';
import { deliveryDeps } from './delivery-ports.js';
import { startDeliveryWorker } from './delivery-worker.js';
import { startTelemetry } from './telemetry.js';
import { startMetrics } from './metrics.js';
import { registerMetrics } from '../telemetry/metrics.js';
import { loadTemplateOverrides } from './load-templates.js';
import { withNumberingPlan } from './numbering-plan.js';
import { loadPlaybookOverrides } from './load-playbooks.js';
import { startPlaybookCheck } from './playbook-check.js';
import { lookup } from 'node:dns/promises';
import { setOutboundResolver } from '../http/outbound.js';

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/** `vigie serve`: open the database, apply migrations, serve until SIGTERM/SIGINT. */
export async function startServer(baseConfig: Config, env: NodeJS.ProcessEnv): Promise<RunningServer> {
  const started = performance.now();
  withNumberingPlan(baseConfig);
  // Outbound destinations given by name are checked on the addresses they resolve to (src/http/outbound.ts).
  setOutboundResolver(async (host) => (await lookup(host, { all: true })).map((entry) => entry.address));
  const telemetry = await startTelemetry(env);
  const nodeMetrics = startMetrics();
  const logger = createLogger(baseConfig.logLevel);
  const { config: withSecret, generated } = await withDevelopmentSecret(baseConfig);
  if (generated) logger.warn('generated a development token key', { file: `${withSecret.dataDir}/jwt-secret` });
  const { config: withBypassKey, generated: bypassKeyGenerated } = await withMaintenanceBypassKey(withSecret);
  if (bypassKeyGenerated) logger.warn('generated a development maintenance bypass key', { file: `${withBypassKey.dataDir}/maintenance-bypass-key` });
  const { config, generated: sessionKeyGenerated } = await withConsoleSessionKey(withBypassKey);
  if (sessionKeyGenerated) logger.warn('generated a development console session key', { file: `${config.dataDir}/console-session-key` });
  const { db, engine, location, notifications } = await openDatabase(config, { logger });
  const applied = await migrateToLatest(db);
  const maintenance = createMaintenanceHolder({
    db,
    notifications,
    clock: systemClock,
    logger,
    policy: maintenancePolicyFromConfig(config),
    coldStart: config.maintenance.coldStart,
    refreshIntervalMs: config.maintenance.refreshSeconds * 1000,
  });
  await maintenance.start();
  let recordCommit: ((seconds: number) => void) | undefined;
  const audit = await startNodeAccessLog(config, db, engine, systemClock, logger, (seconds) => recordCommit?.(seconds));
  const noticeTemplates = config.notices.templatesDir ? await loadTemplateOverrides(config.notices.templatesDir) : undefined;
  const playbooks = config.playbooks.dir ? await loadPlaybookOverrides(config.playbooks.dir) : undefined;
  const detection = audit.detection;
  recordCommit = registerMetrics(nodeMetrics.meter, {
    audit: () => audit.accessLog.writer.stats(),
    ...(detection ? { detection: () => detection.stats() } : {}),
    maintenance: () => maintenance.state.windows,
    db,
  }).recordCommit;
  const app = createApp({
    config,
    db,
    clock: systemClock,
    logger,
    staffTokenVerifier: createStaffTokenVerifier(config.jwt),
    notifications,
    maintenance,
    accessLog: audit.accessLog,
    metrics: nodeMetrics.scraper,
    noticeTemplates,
    delivery: deliveryDeps({ db, clock: systemClock, config, noticeTemplates }),
    consoleAssets: nodeConsoleAssets(),
    ...(playbooks ? { playbooks } : {}),
  });
  const delivery = startDeliveryWorker(config, db, systemClock, logger);
  const playbookCheck = startPlaybookCheck(config, db, systemClock, logger, playbooks);
  // Gateway mode (VIGIE_UPSTREAM): the raw node:http gateway in front, the Hono app behind it for /_vigie.
  const server: ServerType = await new Promise((resolve) => {
    if (config.upstream) {
      const s = createGatewayServer(config, app, audit.accessLog, maintenance, systemClock, logger);
      s.listen(config.port, config.host, () => resolve(s));
      return;
    }
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info('listening', {
    port,
    engine,
    database: location,
    migrationsApplied: applied.length,
    startupMs: Math.round(performance.now() - started),
  });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await maintenance.stop();
      await delivery?.stop();
      await playbookCheck.stop();
      await audit.close();
      await notifications.close();
      await db.destroy();
      await telemetry?.shutdown();
      await nodeMetrics.shutdown();
    })());
  return { port, close };
}
