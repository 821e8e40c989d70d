import type { Hono } from 'hono';
import { requireAccess } from '../auth/require-access.js';
import type { AppEnv } from '../http/context.js';
import { parseNetwork, networkContains } from '../maintenance/cidr.js';
import type { MetricsScraper } from './metrics-scraper.js';


const clientIpOf = (env: unknown) => (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;

/**
 * `GET /_vigie/metrics`: Prometheus text format. A scraper on a listed network (VIGIE_METRICS_NETWORKS, the
 * address of the connection itself, never a forwarded header) reads it without a token; anyone else needs a
 * staff token with the `sre` or `admin` role. Not in the OpenAPI document: it is for scrapers, not the API.
 */
export function registerGetMetrics(admin: Hono<AppEnv>, scraper: MetricsScraper | undefined, networks: readonly string[]): void {
  const allowed = networks.map((text) => parseNetwork(text)!);
  const byRole = requireAccess({ roles: ['sre', 'admin'] });
  admin.get('/metrics', async (c, next) => {
    const ip = clientIpOf(c.env);
    const fromNetwork = ip !== undefined && allowed.some((network) => networkContains(network, ip));
    const answer = async () => {
      if (!scraper) return c.text('# metrics are not collected by this runtime\n', 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      return c.body(await scraper.scrape(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' });
    };
    if (fromNetwork) return answer();
    let response: Response | undefined;
    await byRole(c, async () => {
      response = await answer();
    });
    return response ?? next();
  });
}
