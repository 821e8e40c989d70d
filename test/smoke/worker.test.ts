import { describe, expect, it } from 'vitest';
import { freePort, startProcess, waitForOk } from '../helpers/processes.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

// The real Workers runtime (workerd, shipped in the wrangler package), offline.
describe('Workers build under wrangler dev --local', () => {
  it('serves /_vigie/healthz from the Workers entry', async () => {
    const port = await freePort();
    const inspector = await freePort();
    // Hyperdrive pointed at a port that accepts and never answers (wrangler's local proxy exits on a refused or reset connection): no database.
    const nowhere = await startTcpProxy({ host: '127.0.0.1', port: await freePort() });
    nowhere.hang(); // accepted, never answered: no reset reaches wrangler
    const wrangler = startProcess(
      'node',
      ['node_modules/wrangler/bin/wrangler.js', 'dev', '--local', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector)],
      {
        WRANGLER_SEND_METRICS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        CI: 'true',
        NO_COLOR: '1',
        CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: `postgres://vigie:unused@127.0.0.1:${nowhere.port}/vigie`,
      },
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
      expect(ready.status).toBe(503); // no database behind the Hyperdrive binding in the smoke build
      // The console: its sign-in page renders, its assets come from the [assets] binding, immutable.
      const signIn = await fetch(`http://127.0.0.1:${port}/_vigie/console/sign-in`);
      expect(signIn.status).toBe(200);
      const html = await signIn.text();
      expect(html).toContain('<h1>Connexion à Vigie</h1>');
      expect(signIn.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      const css = /href="(\/_vigie\/console\/assets\/dsfr\.[0-9a-f]{12}\.css)"/.exec(html)![1]!;
      const asset = await fetch(`http://127.0.0.1:${port}${css}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toBe('text/css; charset=utf-8');
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect((await asset.text()).length).toBeGreaterThan(100_000);
      // Nothing of the assets is served at the site's own paths.
      expect((await fetch(`http://127.0.0.1:${port}/${css.split('/').pop()}`)).status).toBe(404);
    } finally {
      await wrangler.stop('SIGTERM');
      await nowhere.close();
    }
  }, 120_000);
});
