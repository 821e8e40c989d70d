import type { StaffTokenVerifier } from './auth/verify-staff-token.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from './db/database.js';
import type { Logger } from './logger.js';

/**
 * What the app is built from (design.md, convention 3). Entries build the real ones; tests build theirs.
 * `db` may be absent where a runtime has no database bound (the Workers smoke build without Hyperdrive):
 * routes that need it answer 503.
 */
export interface AppDeps {
  config: Config;
  db: Db | undefined;
  clock: Clock;
  logger: Logger;
  staffTokenVerifier: StaffTokenVerifier | undefined;
}
