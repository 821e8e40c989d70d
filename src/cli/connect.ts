import { createApp } from '../app.js';
import { createStaffTokenVerifier } from '../auth/verify-staff-token.js';
import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { migrateToLatest } from '../db/migrate.js';
import { deliveryDeps } from '../entry/delivery-ports.js';
import { withDevelopmentSecret } from '../entry/dev-secret.js';
import { loadTemplateOverrides } from '../entry/load-templates.js';
import { openDatabase } from '../entry/open-database.js';
import { createLogger } from '../logger.js';
import { createMaintenanceHolder, maintenancePolicyFromConfig, type MaintenanceHolder } from '../maintenance/holder.js';
import { createApiClient, type ApiClient } from './api-client.js';
import { loadConfig } from './config.js';
import { UsageError } from './spec.js';

/**
 * How every command that acts on data reaches Vigie: always through its HTTP API, as the holder of a staff
 * token, so that the server checks the roles and records who acted — the same routes, checks and records as
 * the console and any API client (docs/cli.md).
 *
 * - `--url` (VIGIE_URL): a running Vigie, over HTTP.
 * - no `--url`: the same app built in this process on this machine's database (DATABASE_URL, or the embedded
 *   one in VIGIE_DATA_DIR, which one process opens at a time), its requests answered without a socket. The
 *   token is still required and verified with the local key: the command line never acts as a name typed on
 *   it (the former `--by`/`--actor`).
 */
export const connectionOptions = {
  url: { type: 'string', value: 'URL', env: 'VIGIE_URL', description: 'a running Vigie, such as http://localhost:8080 (default: the database of this machine)' },
  token: { type: 'string', value: 'TOKEN', env: 'VIGIE_TOKEN', description: 'your staff token (vigie token --sub you --role …): you act as its holder' },
} as const;

export interface Connection {
  client: ApiClient;
  config: Config;
  /** Where the API answered: the URL, or "this machine's database". */
  where: string;
  close(): Promise<void>;
}

export async function connect(values: { url?: string | undefined; token?: string | undefined }, env: NodeJS.ProcessEnv): Promise<Connection> {
  const config = loadConfig(env);
  if (!values.token) {
    throw new UsageError("--token is required (or VIGIE_TOKEN): you act as the token's holder; mint one with `vigie token --sub you --role dpo`");
  }
  if (values.url) return { client: createApiClient(values.url, values.token), config, where: values.url, close: async () => {} };
  return inProcess(config, values.token);
}

/** Runs `work` with a connection and closes it after, whatever happens. */
export async function withConnection<T>(values: { url?: string | undefined; token?: string | undefined }, env: NodeJS.ProcessEnv, work: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await connect(values, env);
  try {
    return await work(connection);
  } finally {
    await connection.close();
  }
}

async function inProcess(base: Config, token: string): Promise<Connection> {
  const { config } = await withDevelopmentSecret(base);
  // The command's output is stdout; the app's own log lines (warnings and worse) go to stderr.
  const logger = createLogger(config.logLevel === 'silent' || config.logLevel === 'error' ? config.logLevel : 'warn', (line) => console.error(line));
  const { db, notifications } = await openDatabase(config, { logger });
  let maintenance: MaintenanceHolder | undefined;
  const close = async () => {
    await maintenance?.stop();
    await notifications.close();
    await db.destroy();
  };
  try {
    await migrateToLatest(db);
    // The maintenance state as the server holds it (GET /maintenance/state reads the holder, not the table).
    maintenance = createMaintenanceHolder({
      db,
      notifications,
      clock: systemClock,
      logger,
      policy: maintenancePolicyFromConfig(config),
      coldStart: config.maintenance.coldStart,
      refreshIntervalMs: config.maintenance.refreshSeconds * 1000,
    });
    await maintenance.start();
    const noticeTemplates = config.notices.templatesDir ? await loadTemplateOverrides(config.notices.templatesDir) : undefined;
    const app = createApp({
      config,
      db,
      clock: systemClock,
      logger,
      staffTokenVerifier: createStaffTokenVerifier(config.jwt),
      notifications,
      maintenance,
      noticeTemplates,
      delivery: deliveryDeps({ db, clock: systemClock, config, noticeTemplates }),
    });
    // Links the API builds from its own address (a bypass link) name where the server is reached.
    const origin = config.console.publicUrl ?? `http://localhost:${config.port}`;
    const client = createApiClient(origin, token, async (input, init) => app.fetch(new Request(input, init)));
    return { client, config, where: "this machine's database", close };
  } catch (error) {
    await close();
    throw error;
  }
}
