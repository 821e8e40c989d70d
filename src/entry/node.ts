import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../app.js';
import { createStaffTokenVerifier } from '../auth/verify-staff-token.js';
import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { migrateToLatest } from '../db/migrate.js';
import { createLogger } from '../logger.js';
import { withDevelopmentSecret } from './dev-secret.js';
import { openDatabase } from './open-database.js';
import { startTelemetry } from './telemetry.js';

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/** `vigie serve`: open the database, apply migrations, serve until SIGTERM/SIGINT. */
export async function startServer(baseConfig: Config, env: NodeJS.ProcessEnv): Promise<RunningServer> {
  const started = performance.now();
  const telemetry = await startTelemetry(env);
  const logger = createLogger(baseConfig.logLevel);
  const { config, generated } = await withDevelopmentSecret(baseConfig);
  if (generated) logger.warn('generated a development token key', { file: `${config.dataDir}/jwt-secret` });
  const { db, engine, location } = await openDatabase(config);
  const applied = await migrateToLatest(db);
  const app = createApp({
    config,
    db,
    clock: systemClock,
    logger,
    staffTokenVerifier: createStaffTokenVerifier(config.jwt),
  });
  const server: ServerType = await new Promise((resolve) => {
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
      await db.destroy();
      await telemetry?.shutdown();
    })());
  return { port, close };
}
