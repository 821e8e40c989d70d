import { serveWithWorkers, workerCount } from '../entry/cluster.js';
import { loadConfig } from './config.js';
import { defineCommand, UsageError } from './spec.js';

export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'serve the API, the console and (with VIGIE_UPSTREAM) the gateway until SIGTERM/SIGINT',
  options: {
    workers: { type: 'string', value: 'N|auto', description: 'Node processes on one port (auto: one per core); more than 1 needs DATABASE_URL', default: '1' },
  },
  notes: ['Settings come from the environment (PORT, DATABASE_URL or VIGIE_DATA_DIR, …: README.md, Configuration).'],
  async run({ values, env }) {
    const config = loadConfig(env);
    let workers: number;
    try {
      workers = workerCount(values.workers);
      if (workers > 1 && !config.databaseUrl) throw new RangeError('--workers needs DATABASE_URL: the embedded database is opened by one process only');
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(error.message);
      throw error;
    }
    await serveWithWorkers(config, env, workers);
  },
});
