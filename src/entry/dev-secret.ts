import type { Config } from '../config.js';
import { developmentKey } from './dev-key.js';

/**
 * With neither VIGIE_JWT_SECRET nor VIGIE_JWKS_URL set, a development key is kept in the data directory
 * (mode 0600) so that `vigie serve` and `vigie token` agree on a fresh machine. Production sets one of the two.
 */
export async function withDevelopmentSecret(config: Config): Promise<{ config: Config; generated: boolean }> {
  if (config.jwt.secret || config.jwt.jwksUrl) return { config, generated: false };
  const { key: secret, generated } = await developmentKey(config.dataDir, 'jwt-secret');
  return { config: { ...config, jwt: { ...config.jwt, secret, algorithms: ['HS256'] } }, generated };
}

/**
 * Without VIGIE_CONSOLE_SESSION_KEY, the console's cookies are signed with a development key kept in the data
 * directory. Several instances behind one address set the variable (the same on each).
 */
export async function withConsoleSessionKey(config: Config): Promise<{ config: Config; generated: boolean }> {
  if (config.console.sessionKey) return { config, generated: false };
  const { key, generated } = await developmentKey(config.dataDir, 'console-session-key');
  return { config: { ...config, console: { ...config.console, sessionKey: key } }, generated };
}
