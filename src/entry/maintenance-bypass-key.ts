import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.js';

/**
 * Without VIGIE_MAINTENANCE_BYPASS_KEY, a development key for the maintenance bypass cookie is kept in the
 * data directory (mode 0600), as for the token key (dev-secret.ts). Several instances set the variable.
 */
export async function withMaintenanceBypassKey(config: Config): Promise<{ config: Config; generated: boolean }> {
  if (config.maintenance.bypassKey) return { config, generated: false };
  const file = join(config.dataDir, 'maintenance-bypass-key');
  let key: string;
  let generated = false;
  try {
    key = (await readFile(file, 'utf8')).trim();
  } catch {
    await mkdir(config.dataDir, { recursive: true });
    key = randomBytes(32).toString('base64url');
    try {
      await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
      generated = true;
    } catch {
      key = (await readFile(file, 'utf8')).trim();
    }
  }
  return { config: { ...config, maintenance: { ...config.maintenance, bypassKey: key } }, generated };
}
