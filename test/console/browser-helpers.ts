import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { Role } from '../../src/auth/staff-principal.js';
import { mintLoginLink } from '../../src/console/session/login-links.js';
import type { AppDeps } from '../../src/deps.js';

const axeSource = readFileSync(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * axe-core run in the page as it is (its CSP untouched: evaluation by the test driver is not page script).
 * Returns the serious and critical violations, described enough to fix them.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)`)) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** A browser context that records CSP violations and page errors, to assert there were none. */
export async function openPage(browser: Browser, options: { locale?: string } = {}) {
  const context = await browser.newContext({ locale: options.locale ?? 'fr-FR', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return { context, page, problems };
}

/** Signs in as a person with a one-time login link, through its confirmation page, with the keyboard. */
export async function signInWithLink(page: Page, deps: AppDeps, base: string, subject: string, roles: Role[]): Promise<void> {
  const link = await mintLoginLink(deps, { subject, roles }, { subject: 'test', roles: ['admin'] });
  await page.goto(`${base}${link.path}`);
  await page.focus('#open-session');
  await Promise.all([page.waitForURL(`${base}/_vigie/console`), page.keyboard.press('Enter')]);
}

/** Presses Tab until the element is focused (keyboard-only use), failing after `limit` presses. */
export async function tabTo(page: Page, selector: string, limit = 60): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement === document.querySelector(s), selector)) return;
  }
  throw new Error(`${selector} was not reached with Tab`);
}
