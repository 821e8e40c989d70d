import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * The embedded database (PGlite) is one process's: two processes writing the same files corrupt them. The
 * first opener of VIGIE_DATA_DIR writes its pid into `vigie.lock` (created exclusively); a second opener reads
 * it and refuses in one line while that process lives. A lock left by a process that died (kill -9, a crash)
 * names a pid that no longer runs on this host: it is taken over. PostgreSQL needs none of this.
 */
export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function holderOf(path: string): { pid: number; host: string } | undefined {
  try {
    const [pid, host] = readFileSync(path, 'utf8').split('\n');
    const n = Number(pid);
    return Number.isInteger(n) && n > 0 ? { pid: n, host: host ?? '' } : undefined;
  } catch {
    return undefined;
  }
}

export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, 'vigie.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = holderOf(path);
      // A lock being written (empty for an instant) or held by a live process on this host: refuse.
      if (!holder || (holder.pid !== process.pid && holder.host === hostname() && alive(holder.pid)) || holder.host !== hostname() || holder.pid === process.pid) {
        throw new DataDirLockedError(
          `the embedded database in ${dataDir} is open in another process${holder ? ` (pid ${holder.pid}${holder.host !== hostname() ? ` on ${holder.host}` : ''})` : ''}, ` +
            'a running `vigie serve`? Reach it with --url http://localhost:8080 (and --token), or stop it first',
        );
      }
      // Its process is gone: the lock is stale.
      try {
        unlinkSync(path);
      } catch {
        // another opener took it over first; try again
      }
      continue;
    }
    writeSync(fd, `${process.pid}\n${hostname()}\n`);
    closeSync(fd);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      process.off('exit', release);
      if (holderOf(path)?.pid === process.pid) {
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      }
    };
    process.on('exit', release);
    return { path, release };
  }
  throw new DataDirLockedError(`could not take the lock ${path}: another process keeps taking it`);
}
