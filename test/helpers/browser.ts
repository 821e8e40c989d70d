import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * A real browser for page tests: Chromium from VIGIE_CHROMIUM or the system's package (Debian's `chromium`;
 * downloading a browser at test time is not possible on our machines). CI installs it and sets
 * VIGIE_REQUIRE_BROWSER=1, so that there a missing browser fails instead of skipping.
 */
const candidates = [process.env.VIGIE_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
export const chromiumPath = candidates.find((path): path is string => Boolean(path) && existsSync(path!));

if (!chromiumPath) {
  if (process.env.VIGIE_REQUIRE_BROWSER === '1') throw new Error('VIGIE_REQUIRE_BROWSER=1 but no Chromium found (install the chromium package or set VIGIE_CHROMIUM)');
  console.warn('No Chromium found (install the chromium package or set VIGIE_CHROMIUM): browser tests are skipped.');
}

export function launchBrowser(): Promise<Browser> {
  // Without the background-networking flags Chromium keeps dialling out, and the closed network refuses it.
  return chromium.launch({
    executablePath: chromiumPath!,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
