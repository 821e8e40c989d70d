import { networkContains, type Network } from './cidr.js';
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
  path: string;
  /** Epoch milliseconds. */
  now: number;
  staffRoles?: readonly string[];
  /** The windows a valid bypass cookie lets through (each window the request falls under must be one). */
  bypassWindows?: readonly string[];
  clientIp?: string;
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
 * 503 to answer. With no windows (the normal case) it returns at once.
 */
export function decideMaintenance(state: MaintenanceState, request: MaintenanceRequest): MaintenanceDecision | undefined {
  const { windows, policy } = state;
  if (windows.length === 0) return undefined;
  const { now } = request;
  const path = canonicalPath(request.path);
  // Some services behind decode %2F before routing, others do not: a window stops both readings (fail closed).
  const slashPath = /%2f/i.test(request.path) ? canonicalPath(request.path.replace(/%2f/gi, '/')) : undefined;
  const admin = policy.adminPrefix;
  if (path.startsWith(admin) && (path.length === admin.length || path.charCodeAt(admin.length) === 47)) return undefined;
  if (policy.exemptPaths.includes(path)) return undefined;
  const isRead = readMethods.has(request.method.toUpperCase());
  let matched: ActiveWindow[] | undefined;
  for (const window of windows) {
    if (!windowInForce(window, now) || !(scopeCovers(window.scope, path) || (slashPath !== undefined && scopeCovers(window.scope, slashPath)))) continue;
    if (window.readOnly && isRead) continue;
    (matched ??= []).push(window);
  }
  if (!matched) return undefined;
  if (request.staffRoles?.some((role) => policy.bypassRoles.includes(role))) return undefined;
  const bypass = request.bypassWindows;
  if (bypass && matched.every((window) => bypass.includes(window.id))) return undefined;
  const ip = request.clientIp;
  if (ip && policy.bypassNetworks.some((network) => networkContains(network, ip))) return undefined;
  return describe(matched, now, policy);
}

/**
 * The path as the service behind will most likely resolve it: percent-decoded (but not %2F, which
 * decideMaintenance also tries decoded), repeated slashes collapsed, dot-segments resolved. Otherwise `/d%65clarations` or `//declarations` would slip past a
 * `/declarations` window. Plain paths (nearly all) are returned as they are.
 */
export function canonicalPath(path: string): string {
  if (!/%|\/\/|\/\.|\\/.test(path)) return path;
  let decoded = path.replace(/\\/g, '/');
  try {
    decoded = decoded.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => {
      const text = decodeURIComponent(run);
      return text.includes('/') ? run : text;
    });
  } catch {
    // Malformed escapes: match on the raw path.
  }
  const out: string[] = [];
  for (const segment of decoded.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}${decoded.endsWith('/') && out.length > 0 ? '/' : ''}`;
}

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
