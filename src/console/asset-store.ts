// The console's port for its static files (the entries provide it: files on Node, the ASSETS binding on Workers);
// apart from assets.ts so that deps.ts can name it without importing the console.
export type AssetEncoding = 'br' | 'gzip' | 'identity';

/**
 * Where the built assets are (scripts/bundle-console-assets.mjs): the Node entry reads dist/console-assets and
 * its precompressed copies; the Workers entry reads wrangler's [assets] binding (Cloudflare compresses on the
 * way out). `accepted` lists what the client takes, best first; the store answers with one it has.
 */
export interface ConsoleAssetStore {
  read(name: string, accepted: AssetEncoding[]): Promise<{ body: BodyInit; encoding: AssetEncoding } | undefined>;
}
