import type { Config } from '../config.js';
import { developmentKey } from './dev-key.js';

/**
 * Without VIGIE_MAINTENANCE_BYPASS_KEY, a development key for the maintenance bypass cookie is kept in the
 * data directory (mode 0600), as for the token key (dev-secret.ts). Several instances set the variable.
 */
export async function withMaintenanceBypassKey(config: Config): Promise<{ config: Config; generated: boolean }> {
  if (config.maintenance.bypassKey) return { config, generated: false };
  const { key, generated } = await developmentKey(config.dataDir, 'maintenance-bypass-key');
  return { config: { ...config, maintenance: { ...config.maintenance, bypassKey: key } }, generated };
}
