import { serve, type ServerType } from '@hono/node-server';
import type { Role } from '../../src/auth/staff-principal.js';
import type { Clock } from '../../src/clock.js';
import { mintLoginLink } from '../../src/console/session/login-links.js';
import type { Db } from '../../src/db/database.js';
import type { AppDeps } from '../../src/deps.js';
import { nodeConsoleAssets } from '../../src/entry/console-assets.js';
import { testApp } from '../helpers/test-app.js';

export const consoleSessionKey = 'console-session-key-for-tests-0123456789abcdef';

/** A Vigie app with the console as the Node entry wires it (assets from dist/console-assets, a session key). */
export function consoleApp(options: { db: Db | undefined; clock?: Clock; env?: Record<string, string>; deps?: Partial<AppDeps> }) {
  return testApp({
    db: options.db,
    clock: options.clock,
    env: { VIGIE_CONSOLE_SESSION_KEY: consoleSessionKey, ...options.env },
    deps: { consoleAssets: nodeConsoleAssets(), ...options.deps },
  });
}

type Built = ReturnType<typeof consoleApp>;

/** Signs in through a one-time login link, in process: returns the Cookie header of the new session. */
export async function signIn(built: Built, subject: string, roles: Role[]): Promise<{ cookie: string; csrf: string }> {
  const link = await mintLoginLink(built.deps, { subject, roles }, { subject: 'test', roles: ['admin'] });
  const res = await built.app.request(link.path, { method: 'POST' });
  if (res.status !== 303) throw new Error(`login link answered ${res.status}`);
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const page = await (await built.app.request('/_vigie/console', { headers: { Cookie: cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error('no CSRF token on the situation page');
  return { cookie, csrf };
}

/** A form POST as a browser sends it. */
export const formPost = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams(fields).toString(),
});

/** Serves an app on a free loopback port (the browser tests' server). */
export async function serveApp(fetch: (request: Request) => Response | Promise<Response>): Promise<{ base: string; server: ServerType; close(): Promise<void> }> {
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    base: `http://127.0.0.1:${port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
