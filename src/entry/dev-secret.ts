import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.js';

/**
 * With neither VIGIE_JWT_SECRET nor VIGIE_JWKS_URL set, a development key is kept in the data directory
 * (mode 0600) so that `vigie serve` and `vigie token` agree on a fresh machine. Production sets one of the two.
 */
export async function withDevelopmentSecret(config: Config): Promise<{ config: Config; generated: boolean }> {
  if (config.jwt.secret || config.jwt.jwksUrl) return { config, generated: false };
  const file = join(config.dataDir, 'jwt-secret');
  let secret: string;
  let generated = false;
  try {
    secret = (await readFile(file, 'utf8')).trim();
  } catch {
    await mkdir(config.dataDir, { recursive: true });
    secret = randomBytes(32).toString('base64url');
    try {
      await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
      generated = true;
    } catch {
      // Another process created it first: use theirs.
      secret = (await readFile(file, 'utf8')).trim();
    }
  }
  return { config: { ...config, jwt: { ...config.jwt, secret, algorithms: ['HS256'] } }, generated };
}
