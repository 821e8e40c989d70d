import { startServer } from '../entry/node.js';
import { loadConfig } from './config.js';
import { defineCommand } from './spec.js';

export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'serve the API, the console and (with VIGIE_UPSTREAM) the gateway until SIGTERM/SIGINT',
  options: {},
  notes: ['Settings come from the environment (PORT, DATABASE_URL or VIGIE_DATA_DIR, …: README.md, Configuration).'],
  async run({ env }) {
    const server = await startServer(loadConfig(env), env);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        void server.close().then(resolve);
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
  },
});
