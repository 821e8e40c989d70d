import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import { startServer } from './node.js';

/** `--workers N` or `auto` (one per core the process may use); 1 runs the server in this process. */
export function workerCount(value: string | undefined): number {
  if (value === undefined || value === '') return 1;
  if (value === 'auto') return availableParallelism();
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new RangeError('--workers must be a whole number from 1 to 256, or auto');
  return n;
}

/**
 * `vigie serve --workers N`: N Node processes (node:cluster) on one port, over one PostgreSQL. The primary only
 * forks, restarts a worker that dies, and passes SIGTERM/SIGINT on; each worker is a whole Vigie server
 * (startServer): its own access-log writer and so its own log stream, its own live detection of that stream,
 * its own maintenance state kept in step by LISTEN/NOTIFY, its own delivery worker (messages are claimed with
 * row locks and leases, as between instances). The embedded database is one process's: workers need
 * DATABASE_URL. Resolves when the server(s) stop.
 */
export async function serveWithWorkers(config: Config, env: NodeJS.ProcessEnv, workers: number): Promise<void> {
  if (workers > 1 && !config.databaseUrl) throw new RangeError('--workers needs DATABASE_URL: the embedded database is opened by one process only');
  if (workers <= 1 || cluster.isWorker) {
    const server = await startServer(config, env);
    await untilSignalled(() => server.close());
    return;
  }
  const logger = createLogger(config.logLevel);
  // Migrations, partitions and checkpoints are safe to run from every worker (advisory locks); the primary holds
  // no database connection at all.
  let stopping = false;
  const restarts: number[] = [];
  const fork = () => cluster.fork({ ...env, VIGIE_WORKER: '1' });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    // A worker that dies is replaced, unless they keep dying (10 within a minute): then the whole service stops.
    const now = Date.now();
    restarts.push(now);
    while (restarts.length > 0 && restarts[0]! < now - 60_000) restarts.shift();
    logger.error('a worker stopped; starting another', { pid: worker.process.pid, code, signal });
    if (restarts.length > 10) {
      logger.error('workers keep stopping; giving up');
      process.exitCode = 1;
      void stopAll();
      return;
    }
    fork();
  });
  const stopAll = async () => {
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w) => w && !w.isDead());
    await Promise.all(
      alive.map(
        (worker) =>
          new Promise<void>((resolve) => {
            worker!.once('exit', () => resolve());
            worker!.process.kill('SIGTERM');
          }),
      ),
    );
  };
  for (let i = 0; i < workers; i++) fork();
  logger.info('started workers', { workers });
  await untilSignalled(stopAll);
}

function untilSignalled(stop: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const onSignal = () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      void stop().then(resolve);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
