import { normalizePath } from '../http/normalize-path.js';
import { networkContains, type Network } from './cidr.js';
import { resolveClientAddress } from './client-address.js';
import { scopeCovers, windowInForce, type ActiveWindow } from './window.js';

/** Settings of the switch that do not change while an instance runs (from config). */
export interface MaintenancePolicy {
  /** Vigie's own prefix (`/_vigie`): never blocked. */
  adminPrefix: string;
  /** Exact paths of the protected service never blocked (its health checks). */
  exemptPaths: readonly string[];
  /** Roles whose bearer token passes (sre, admin). */
  bypassRoles: readonly string[];
  /** Client networks that pass. */
  bypassNetworks: readonly Network[];
  /** Retry-After when a window has neither an explicit value nor a planned end. */
  defaultRetryAfterSeconds: number;
  /** The origin's routes ignore case (VIGIE_PATHS_CASE_INSENSITIVE): paths arrive lower-cased, scopes compare so. */
  caseInsensitivePaths?: boolean;
  /** Proxies whose X-Forwarded-For is believed for the network bypass (VIGIE_TRUSTED_PROXIES). */
  trustedProxies?: readonly Network[];
}

/** What an instance knows: the windows that are or will be in force, and where that knowledge came from. */
export interface MaintenanceState {
  windows: readonly ActiveWindow[];
  policy: MaintenancePolicy;
  /** 'database': read from PostgreSQL; 'default': cold start without a database (configured open/closed). */
  source: 'database' | 'default';
  /** When the windows were last read successfully (epoch ms), or null if never. */
  loadedAt: number | null;
}

export interface MaintenanceRequest {
  method: string;
  /** The normalised path (normalizePath, with the policy's case setting): the same one the access log records. */
  path: string;
  /** Epoch milliseconds. */
  now: number;
  staffRoles?: readonly string[];
  /** The windows a valid bypass cookie lets through (each window the request falls under must be one). */
  bypassWindows?: readonly string[];
  /** The connection's peer address. */
  clientIp?: string;
  /** The request's X-Forwarded-For, believed only when the peer is a trusted proxy. */
  forwardedFor?: string;
}

/** A request that maintenance stops: answer 503 with these details (see respond.ts). */
export interface MaintenanceDecision {
  status: 503;
  windows: ActiveWindow[];
  /** What visitors read (the latest window's public message); null: the page's neutral text. Never the reason. */
  publicMessage: string | null;
  /** Latest planned end among the windows (epoch ms), or null when one of them is open-ended. */
  plannedEnd: number | null;
  retryAfterSeconds: number;
  readOnly: boolean;
}

const readMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The per-request check: pure, synchronous, no I/O. Returns undefined to let the request pass, or the
 * 503 to answer. With no windows (the normal case) it returns at once. The path must already be
 * normalised (normalizePath): it is decoded once per request, by the caller, so that the access log
 * records the very path that was checked.
 */
export function decideMaintenance(state: MaintenanceState, request: MaintenanceRequest): MaintenanceDecision | undefined {
  const { windows, policy } = state;
  if (windows.length === 0) return undefined;
  const { now, path } = request;
  const lower = policy.caseInsensitivePaths === true;
  const admin = lower ? policy.adminPrefix.toLowerCase() : policy.adminPrefix;
  if (path.startsWith(admin) && (path.length === admin.length || path.charCodeAt(admin.length) === 47)) return undefined;
  if (lower ? policy.exemptPaths.some((exempt) => exempt.toLowerCase() === path) : policy.exemptPaths.includes(path)) return undefined;
  const isRead = readMethods.has(request.method.toUpperCase());
  let matched: ActiveWindow[] | undefined;
  for (const window of windows) {
    if (!windowInForce(window, now)) continue;
    const scope = lower && window.scope.kind === 'prefix' ? { ...window.scope, path: window.scope.path.toLowerCase() } : window.scope;
    if (!scopeCovers(scope, path)) continue;
    if (window.readOnly && isRead) continue;
    (matched ??= []).push(window);
  }
  if (!matched) return undefined;
  if (request.staffRoles?.some((role) => policy.bypassRoles.includes(role))) return undefined;
  const bypass = request.bypassWindows;
  if (bypass && matched.every((window) => bypass.includes(window.id))) return undefined;
  if (policy.bypassNetworks.length > 0) {
    const ip = resolveClientAddress(request.clientIp, request.forwardedFor, policy.trustedProxies ?? []);
    if (ip && policy.bypassNetworks.some((network) => networkContains(network, ip))) return undefined;
  }
  return describe(matched, now, policy);
}

/** @deprecated normalizePath (src/http/normalize-path.ts), kept for middleware users of 0.1. */
export const canonicalPath = (path: string): string => normalizePath(path);

function describe(matched: ActiveWindow[], now: number, policy: MaintenancePolicy): MaintenanceDecision {
  // The request passes again only when every window that stops it has ended: the latest end wins.
  const openEnded = matched.some((window) => window.plannedEnd === null);
  const plannedEnd = openEnded ? null : Math.max(...matched.map((window) => window.plannedEnd as number));
  const explicit = matched.map((window) => window.retryAfterSeconds).filter((value): value is number => value !== null);
  const retryAfterSeconds =
    explicit.length > 0
      ? Math.max(...explicit)
      : plannedEnd !== null
        ? Math.max(1, Math.ceil((plannedEnd - now) / 1000))
        : policy.defaultRetryAfterSeconds;
  // The message shown is the most recently started window's: the most specific news for the visitor.
  const latest = matched.reduce((a, b) => (b.startsAt > a.startsAt ? b : a));
  return {
    status: 503,
    windows: matched,
    publicMessage: latest.publicMessage,
    plannedEnd,
    retryAfterSeconds,
    readOnly: matched.every((window) => window.readOnly),
  };
}
