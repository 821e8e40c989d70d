import type { Hono } from 'hono';
import { assetNames, assetTypes } from './assets.generated.js';
import type { ConsoleEnv } from './page.js';
import type { AssetEncoding } from './asset-store.js';

export type { AssetEncoding, ConsoleAssetStore } from './asset-store.js';

/** The URL of an asset by its logical name ("dsfr.css"), content-hashed. */
export function assetUrl(consoleBase: string, logical: string): string {
  const name = assetNames[logical];
  if (!name) throw new Error(`console: no asset "${logical}" (run node scripts/bundle-console-assets.mjs)`);
  return `${consoleBase}/assets/${name}`;
}

function acceptedEncodings(header: string | undefined): AssetEncoding[] {
  const offered = (header ?? '')
    .split(',')
    .map((part) => part.trim().split(';'))
    .filter(([, q]) => !q || !/^\s*q=0(\.0*)?\s*$/.test(q))
    .map(([name]) => name!.toLowerCase());
  const accepted: AssetEncoding[] = [];
  if (offered.includes('br')) accepted.push('br');
  if (offered.includes('gzip')) accepted.push('gzip');
  accepted.push('identity');
  return accepted;
}

/** GET assets/<hashed name>: only names of the manifest (no path ever reaches the store), cached for a year. */
export function registerAssets(ui: Hono<ConsoleEnv>): void {
  ui.get('/assets/:name', async (c) => {
    const name = c.req.param('name');
    const type = Object.hasOwn(assetTypes, name) ? assetTypes[name] : undefined;
    const found = type ? await c.var.deps.consoleAssets?.read(name, acceptedEncodings(c.req.header('accept-encoding'))) : undefined;
    if (!type || !found) return c.text('Not found', 404, { 'Cache-Control': 'no-store' });
    const headers: Record<string, string> = {
      'Content-Type': type,
      'Cache-Control': 'public, max-age=31536000, immutable',
      Vary: 'Accept-Encoding',
      'X-Content-Type-Options': 'nosniff',
    };
    if (found.encoding !== 'identity') headers['Content-Encoding'] = found.encoding;
    return new Response(found.body, { status: 200, headers });
  });
}
