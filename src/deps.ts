import type { AccessLog } from './audit/access-log.js';
import type { StaffTokenVerifier } from './auth/verify-staff-token.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from './db/database.js';
import type { DeliveryDeps } from './delivery/ports.js';
import type { Logger } from './logger.js';
import type { Notifications } from './db/notifications.js';
import type { MaintenanceHolder } from './maintenance/holder.js';
import type { TemplateFiles } from './notices/template-set.js';
import type { ConsoleAssetStore } from './console/asset-store.js';
import type { MetricsScraper } from './telemetry/metrics-scraper.js';
import type { PlaybookFiles } from './playbooks/playbook-files.js';

/**
 * What the app is built from (docs/architecture.md, convention 3). Entries build the real ones; tests build theirs.
 * `db` may be absent where a runtime has no database bound (the Workers smoke build without Hyperdrive):
 * routes that need it answer 503.
 */
export interface AppDeps {
  config: Config;
  db: Db | undefined;
  clock: Clock;
  logger: Logger;
  staffTokenVerifier: StaffTokenVerifier | undefined;
  /** The access log (writer, principal resolver); with VIGIE_UPSTREAM the app proxies to the origin through it. */
  accessLog?: AccessLog;
  /** LISTEN on the database (entries provide it per driver); absent where a runtime cannot hold a connection. */
  notifications?: Notifications;
  /** The maintenance state kept in step with the database; when present, the maintenance gate runs first. */
  maintenance?: MaintenanceHolder;
  /** An organisation's own draft templates (VIGIE_TEMPLATES_DIR, read by the Node entry), over the bundled ones. */
  noticeTemplates?: TemplateFiles;
  /** Sending and delivery tracking: the ports over drafts, register and directory the entry composed (src/entry/delivery-ports.ts). */
  delivery?: DeliveryDeps;
  /** The console's built assets (DSFR, uPlot, its scripts): files on Node, the [assets] binding on Workers. */
  consoleAssets?: ConsoleAssetStore;
  /** The Prometheus text of the metrics (the Node entry's SDK); `/_vigie/metrics` says so when absent. */
  metrics?: MetricsScraper;
  /** An organisation's own playbooks (VIGIE_PLAYBOOKS_DIR, read by the Node entry and the CLI), over the bundled ones. */
  playbooks?: PlaybookFiles;
}
