import { startServer } from '../entry/node.js';
import { loadConfig, type Command } from './main.js';

export const serveCommand: Command = {
  summary: 'serve the API (and, later, the gateway) until SIGTERM/SIGINT',
  async run(_args, env) {
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
};
