import { freePort, startProcess, waitForOk, type Started } from './processes.js';

export interface EdgeWorker {
  base: string;
  process: Started;
  stop(): Promise<void>;
}

/**
 * The Workers build under `wrangler dev --local` (workerd, offline), with the Hyperdrive binding pointed at
 * `databaseUrl` (the variable wrangler reads for local development) and `vars` as the Worker's vars.
 */
export async function startEdgeWorker(options: { databaseUrl: string; vars: Record<string, string> }): Promise<EdgeWorker> {
  const port = await freePort();
  const inspector = await freePort();
  const vars = Object.entries(options.vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]);
  const started = startProcess(
    'node',
    ['node_modules/wrangler/bin/wrangler.js', 'dev', '--local', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector), ...vars],
    {
      WRANGLER_SEND_METRICS: 'false',
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      CI: 'true',
      NO_COLOR: '1',
      CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: options.databaseUrl,
    },
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForOk(`${base}/_vigie/healthz`, 90_000, started);
  } catch (error) {
    await started.stop('SIGTERM');
    throw error;
  }
  return {
    base,
    process: started,
    async stop() {
      await started.stop('SIGTERM');
    },
  };
}
