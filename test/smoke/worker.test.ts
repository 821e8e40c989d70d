import { describe, expect, it } from 'vitest';
import { freePort, startProcess, waitForOk } from '../helpers/processes.js';

// The real Workers runtime (workerd, shipped in the wrangler package), offline.
describe('Workers build under wrangler dev --local', () => {
  it('serves /_vigie/healthz from the Workers entry', async () => {
    const port = await freePort();
    const inspector = await freePort();
    const wrangler = startProcess(
      'node',
      ['node_modules/wrangler/bin/wrangler.js', 'dev', '--local', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector)],
      { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: 'true', NO_COLOR: '1' },
    );
    try {
      await waitForOk(`http://127.0.0.1:${port}/_vigie/healthz`, 90_000, wrangler);
      const res = await fetch(`http://127.0.0.1:${port}/_vigie/healthz`);
      expect(await res.json()).toEqual({ status: 'ok' });
      expect(res.headers.get('x-request-id')).toBeTruthy();
      const missing = await fetch(`http://127.0.0.1:${port}/_vigie/nothing`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toBe('application/problem+json');
      const ready = await fetch(`http://127.0.0.1:${port}/_vigie/readyz`);
      expect(ready.status).toBe(503); // no Hyperdrive binding in the smoke build
    } finally {
      await wrangler.stop('SIGTERM');
    }
  }, 120_000);
});
