import { normalizePath } from '../http/normalize-path.js';

/**
 * What a maintenance window is, as the in-memory state holds it. Times are epoch milliseconds so that the
 * per-request check compares numbers and allocates nothing.
 */
export type MaintenanceScope =
  | { kind: 'site' }
  | {
      kind: 'prefix';
      /** As written: stored and shown. */
      prefix: string;
      /**
       * The same, read as request paths are (normalizePath: escapes decoded once, dot-segments resolved): what
       * requests are matched against, so that `/d%C3%A9clarations` stops `/déclarations` however it is spelt.
       */
      path: string;
    };

export interface ActiveWindow {
  id: string;
  scope: MaintenanceScope;
  readOnly: boolean;
  /** Why, for staff and the register: never shown to visitors. */
  reason: string;
  /** What visitors read; null: the page's neutral text. */
  publicMessage: string | null;
  startsAt: number;
  /** Planned end; null = open-ended (until someone ends it). */
  plannedEnd: number | null;
  /** Explicit Retry-After (seconds) chosen by the SRE; otherwise derived from the planned end. */
  retryAfterSeconds: number | null;
  /** SHA-256 (hex) of the window's secret bypass link, if it has one. */
  bypassSecretSha256: string | null;
}

/** "site", "/declarations" or "/declarations/*" → a scope; undefined for any other form. */
export function parseScope(text: string): MaintenanceScope | undefined {
  const value = text.trim();
  if (value === 'site' || value === '/' || value === '/*') return { kind: 'site' };
  const prefix = value.endsWith('/*') ? value.slice(0, -2) : value.endsWith('/') ? value.slice(0, -1) : value;
  // A plain path: segments of URL-safe characters, no dot-segments, no query or wildcard elsewhere.
  if (!/^(\/[A-Za-z0-9._~!$&'()+,;=:@%-]+)+$/.test(prefix)) return undefined;
  if (prefix.split('/').some((segment) => segment === '.' || segment === '..')) return undefined;
  const normalised = normalizePath(prefix);
  const path = normalised.length > 1 && normalised.endsWith('/') ? normalised.slice(0, -1) : normalised;
  // An escaped dot-segment (`/a/%2e%2e`) can resolve to the root: a scope names a path; the whole site is "site".
  if (path === '/') return undefined;
  return { kind: 'prefix', prefix, path };
}

export const scopeText = (scope: MaintenanceScope): string => (scope.kind === 'site' ? 'site' : scope.prefix);

export function scopeCovers(scope: MaintenanceScope, path: string): boolean {
  if (scope.kind === 'site') return true;
  const prefix = scope.path;
  return path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === 47 /* / */);
}

/** Whether the window is in force at `now` (started, not past its planned end). */
export const windowInForce = (window: ActiveWindow, now: number): boolean =>
  window.startsAt <= now && (window.plannedEnd === null || now < window.plannedEnd);
