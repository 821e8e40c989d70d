import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A development key kept in the data directory (mode 0600), created on first use: what `vigie serve` uses on a
 * fresh machine when the setting is not given. Two processes starting at once agree on the first one written.
 */
export async function developmentKey(dataDir: string, name: string): Promise<{ key: string; generated: boolean }> {
  const file = join(dataDir, name);
  try {
    return { key: (await readFile(file, 'utf8')).trim(), generated: false };
  } catch {
    await mkdir(dataDir, { recursive: true });
    const key = randomBytes(32).toString('base64url');
    try {
      await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
      return { key, generated: true };
    } catch {
      return { key: (await readFile(file, 'utf8')).trim(), generated: false };
    }
  }
}
