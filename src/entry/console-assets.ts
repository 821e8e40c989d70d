import { readFile } from 'node:fs/promises';
import type { AssetEncoding, ConsoleAssetStore } from '../console/asset-store.js';

// src/entry/ (tsx) and dist/entry/ (built) both sit two levels under the package root.
const directory = new URL('../../dist/console-assets/', import.meta.url);

/**
 * The console's assets on Node: the files scripts/bundle-console-assets.mjs wrote, with their brotli and gzip
 * copies, read once each and kept in memory (a few megabytes). Names come from the manifest, never from paths.
 */
export function nodeConsoleAssets(): ConsoleAssetStore {
  const cache = new Map<string, Promise<Uint8Array | undefined>>();
  const load = (file: string) => {
    let found = cache.get(file);
    if (!found) {
      found = readFile(new URL(file, directory)).then(
        (data) => new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
        () => undefined,
      );
      cache.set(file, found);
    }
    return found;
  };
  const suffix: Record<AssetEncoding, string> = { br: '.br', gzip: '.gz', identity: '' };
  return {
    async read(name, accepted) {
      for (const encoding of accepted) {
        const body = await load(`${name}${suffix[encoding]}`);
        if (body) return { body: body as unknown as BodyInit, encoding };
      }
      return undefined;
    },
  };
}
