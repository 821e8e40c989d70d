import { createApp } from '../../src/app.js';
import { mintStaffToken } from '../../src/auth/mint-staff-token.js';
import type { Role } from '../../src/auth/staff-principal.js';
import { createStaffTokenVerifier } from '../../src/auth/verify-staff-token.js';
import { systemClock, type Clock } from '../../src/clock.js';
import { parseConfig, type Config } from '../../src/config.js';
import type { Db } from '../../src/db/database.js';
import type { AppDeps } from '../../src/deps.js';
import { deliveryDeps } from '../../src/entry/delivery-ports.js';
import { silentLogger, type Logger } from '../../src/logger.js';

export const testSecret = 'test-secret-that-is-at-least-32-characters-long';

export function testConfig(env: Record<string, string> = {}): Config {
  // Test webhooks and directories listen on loopback: allowed here, refused by default (src/http/outbound.ts).
  return parseConfig({ VIGIE_JWT_SECRET: testSecret, VIGIE_LOG_LEVEL: 'silent', VIGIE_OUTBOUND_PRIVATE_NETWORKS: '127.0.0.0/8,::1', ...env });
}

export interface TestAppOptions {
  db?: Db;
  clock?: Clock;
  logger?: Logger;
  env?: Record<string, string>;
  deps?: Partial<AppDeps>;
}

export function testApp(options: TestAppOptions = {}) {
  const config = testConfig(options.env);
  const deps: AppDeps = {
    config,
    db: options.db,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? silentLogger,
    staffTokenVerifier: createStaffTokenVerifier(config.jwt),
    ...options.deps,
  };
  // As the entries do: delivery's ports composed over the real drafts, register and directory, unless given.
  deps.delivery ??= deliveryDeps({ db: deps.db, clock: deps.clock, config, noticeTemplates: deps.noticeTemplates });
  const app = createApp(deps);
  const token = (roles: Role[], subject = 'alice', ttlSeconds = 600) =>
    mintStaffToken({
      secret: testSecret,
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      rolesClaim: config.jwt.rolesClaim,
      subject,
      roles,
      ttlSeconds,
      now: new Date(),
    });
  const auth = async (roles: Role[], subject?: string) => ({ Authorization: `Bearer ${await token(roles, subject)}` });
  return { app, deps, config, token, auth };
}
