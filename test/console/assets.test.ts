import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assetNames } from '../../src/console/assets.generated.js';
import { consoleApp } from './console-app.js';

const built = consoleApp({ db: undefined });
const url = (logical: string) => `/_vigie/console/assets/${assetNames[logical]}`;

describe('console assets', () => {
  it('serves DSFR, its fonts and icons, uPlot and the console scripts under content-hashed names', () => {
    for (const logical of ['dsfr.css', 'dsfr.js', 'icons.css', 'uplot.js', 'uplot.css', 'live.js', 'exposure-chart.js', 'fonts/Marianne-Regular.woff2']) {
      expect(assetNames[logical], logical).toMatch(/\.[0-9a-f]{12}\.[a-z0-9]+$/);
    }
    // The stylesheet names the hashed fonts and icons it needs, and nothing outside the bundle.
    const css = readFileSync(new URL(`../../dist/console-assets/${assetNames['dsfr.css']}`, import.meta.url), 'utf8');
    expect(css).toContain(`url(${assetNames['fonts/Marianne-Regular.woff2']})`);
    expect(css).not.toMatch(/url\((?!data:|["']?data:)[^)]*\//);
  });

  it('answers brotli, gzip or identity by Accept-Encoding, cached for a year as immutable', async () => {
    const identity = await built.app.request(url('dsfr.css'));
    expect(identity.status).toBe(200);
    expect(identity.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(identity.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(identity.headers.get('vary')).toBe('Accept-Encoding');
    expect(identity.headers.get('content-encoding')).toBeNull();
    const text = await identity.text();

    const br = await built.app.request(url('dsfr.css'), { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    const brBytes = Buffer.from(await br.arrayBuffer());
    expect(brotliDecompressSync(brBytes).toString('utf8')).toBe(text);
    expect(brBytes.length).toBeLessThan(text.length / 5);

    const gz = await built.app.request(url('dsfr.css'), { headers: { 'Accept-Encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString('utf8')).toBe(text);

    const refusedBr = await built.app.request(url('dsfr.css'), { headers: { 'Accept-Encoding': 'br;q=0, gzip' } });
    expect(refusedBr.headers.get('content-encoding')).toBe('gzip');

    // Fonts are compressed already: served as they are.
    const font = await built.app.request(url('fonts/Marianne-Regular.woff2'), { headers: { 'Accept-Encoding': 'br' } });
    expect(font.headers.get('content-type')).toBe('font/woff2');
    expect(font.headers.get('content-encoding')).toBeNull();
  });

  it('serves only the manifest’s names', async () => {
    for (const name of ['..%2F..%2Fpackage.json', 'dsfr.css', `${assetNames['dsfr.css']}.br`, 'nothing.js']) {
      expect((await built.app.request(`/_vigie/console/assets/${name}`)).status, name).toBe(404);
    }
  });
});
