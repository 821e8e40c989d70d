import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.js';

/**
 * The access log's HMAC key (client addresses, session cookies, checkpoint signatures). Without
 * VIGIE_AUDIT_KEY a development key is kept in the data directory (mode 0600); production sets one.
 */
export async function auditKey(config: Config): Promise<{ key: string; generated: boolean }> {
  if (config.audit.key) return { key: config.audit.key, generated: false };
  const file = join(config.dataDir, 'audit-key');
  try {
    return { key: (await readFile(file, 'utf8')).trim(), generated: false };
  } catch {
    await mkdir(config.dataDir, { recursive: true });
    const key = randomBytes(32).toString('base64url');
    try {
      await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
      return { key, generated: true };
    } catch {
      // Another process created it first: use theirs.
      return { key: (await readFile(file, 'utf8')).trim(), generated: false };
    }
  }
}
