import type { Context, MiddlewareHandler } from 'hono';
import type { StaffTokenVerifier } from '../auth/verify-staff-token.js';
import type { Clock } from '../clock.js';
import { pathOf } from '../audit/declarations.js';
import { normalizePath } from '../http/normalize-path.js';
import { readBypassCookie, verifyBypassCookie } from './bypass-cookie.js';
import { decideMaintenance, type MaintenanceState } from './decide.js';
import { renderMaintenanceResponse } from './respond.js';

export interface MaintenanceGateOptions {
  /** Where the state comes from: a MaintenanceHolder, or anything with a current `state`. */
  holder: { readonly state: MaintenanceState };
  clock: Clock;
  /** Zone in which the expected end is shown (with its offset). */
  timeZone: string;
  /** Verifies staff tokens for the role bypass; without it only the cookie and networks bypass. */
  staffTokenVerifier?: StaffTokenVerifier | undefined;
  /** HMAC key of the bypass cookie; without it the cookie never bypasses. */
  bypassKey?: string | undefined;
  bypassTtlSeconds?: number;
  /**
   * The connection's peer address, for the network allowlist. Default: the socket's peer address under
   * @hono/node-server. Behind proxies, list them in VIGIE_TRUSTED_PROXIES (the policy's trustedProxies):
   * their X-Forwarded-For is then read, and nobody else's.
   */
  clientIp?: (c: Context) => string | undefined;
}

const bearer = /^Bearer[ ]+([A-Za-z0-9\-_.~+/]+=*)$/i;

/** The peer address from @hono/node-server's bindings (`c.env.incoming`), read structurally. */
export function socketAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

/** What the switch needs of a request, whatever carries it (a Hono context, a bare Request). */
export interface GateRequest {
  method: string;
  /** The raw path as received (not yet decoded): the check normalises it once. */
  path: string;
  header(name: string): string | undefined;
  clientIp: string | undefined;
  requestId: string | undefined;
}

/**
 * The switch's decision for a request that a window may stop: the 503 response, or undefined to let it
 * through. Bypass evidence (a staff token, the bypass cookie) is verified only for requests that
 * maintenance would stop.
 */
export function createMaintenanceCheck(options: Omit<MaintenanceGateOptions, 'clientIp'>) {
  const { holder, clock, timeZone, staffTokenVerifier, bypassKey } = options;
  if (!holder || !clock || !timeZone) throw new Error('maintenance: holder, clock and timeZone are required');
  const bypassTtlSeconds = options.bypassTtlSeconds ?? 3600;
  return async function maintenanceResponse(req: GateRequest, state: MaintenanceState): Promise<Response | undefined> {
    const request = {
      method: req.method,
      path: normalizePath(req.path, state.policy.caseInsensitivePaths),
      now: clock.now().getTime(),
      clientIp: req.clientIp,
      forwardedFor: req.header('x-forwarded-for'),
    };
    let decision = decideMaintenance(state, request);
    if (!decision) return undefined;
    const staffRoles = await rolesFromToken(req.header('authorization'), staffTokenVerifier);
    const cookie = bypassKey ? readBypassCookie(req.header('cookie')) : undefined;
    const bypassWindows = cookie ? await verifyBypassCookie(bypassKey!, cookie, request.now, bypassTtlSeconds) : undefined;
    if (staffRoles || bypassWindows) decision = decideMaintenance(state, { ...request, staffRoles, bypassWindows });
    if (!decision) return undefined;
    return renderMaintenanceResponse(decision, {
      accept: req.header('accept'),
      acceptLanguage: req.header('accept-language'),
      timeZone,
      requestId: req.requestId,
    });
  };
}

/**
 * The maintenance switch as Hono middleware, for an app that has a middleware chain anyway (createApp:
 * request ids and telemetry run first, so maintenance answers are traced like any other). With no window
 * (the normal case) it costs one property read and one length check. For a bare app, `withMaintenance`
 * (fetch-gate.ts) costs nothing more.
 */
export function maintenanceGate(options: MaintenanceGateOptions): MiddlewareHandler {
  const check = createMaintenanceCheck(options);
  const clientIp = options.clientIp ?? socketAddress;
  const { holder } = options;

  // Not async: with no window the request goes on without an extra promise of ours.
  return function maintenanceGate(c, next) {
    const state = holder.state;
    if (state.windows.length === 0) return next();
    return gate(c, next, state);
  };

  async function gate(c: Context, next: () => Promise<void>, state: MaintenanceState) {
    const requestId = (c.get as (key: string) => unknown)('requestId');
    const stopped = await check(
      { method: c.req.method, path: pathOf(c.req.url), header: (name) => c.req.header(name), clientIp: clientIp(c), requestId: typeof requestId === 'string' ? requestId : undefined },
      state,
    );
    return stopped ?? next();
  }
}

async function rolesFromToken(header: string | undefined, verifier: StaffTokenVerifier | undefined) {
  if (!header || !verifier) return undefined;
  const token = bearer.exec(header)?.[1];
  if (!token) return undefined;
  try {
    return (await verifier.verify(token)).roles;
  } catch {
    // The protected service's own users carry their own tokens: not ours, so simply no bypass.
    return undefined;
  }
}
