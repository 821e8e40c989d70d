import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { Role } from '../auth/staff-principal.js';
import type { AppDeps } from '../deps.js';
import type { AppEnv } from '../http/context.js';
import type { FieldError } from '../http/errors.js';
import type { ConsoleLabels, ConsoleLanguage } from './labels.js';
import type { ConsoleSession } from './session/sessions.js';

/**
 * An API operation, as the OpenAPI document names it: "POST /maintenance/windows". A page or an action says
 * which operations it performs; the roles that may use it are those the API itself allows for them (all of
 * them), read from the routes' own access rules. There is no second list of roles to keep in step.
 */
export type ApiRef = `${'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} /${string}`;

export interface ConsoleEnv {
  Variables: AppEnv['Variables'] & {
    lang: ConsoleLanguage;
    labels: ConsoleLabels;
    /** The nonce of this response's Content-Security-Policy. */
    nonce: string;
    session: ConsoleSession | undefined;
  };
}

export type ConsoleContext = Context<ConsoleEnv>;

/** Everything a page or an action is given. */
export interface PageContext {
  c: ConsoleContext;
  deps: AppDeps;
  lang: ConsoleLanguage;
  l: ConsoleLabels;
  session: ConsoleSession;
  /** Who acts, as service functions record it. */
  actor: { subject: string; roles: Role[]; requestId: string };
  /** May this person use these API operations? Decides what the page shows; the server checks again on POST. */
  can(...apis: ApiRef[]): boolean;
  /** A console URL: href('/exposure', { alert: '3' }) → /_vigie/console/exposure?alert=3 (empty values left out). */
  href(path?: string, query?: Record<string, string | number | undefined>): string;
  now: Date;
  zone: string;
}

/** A form's outcome shown again on its page: what was typed, and each field's error (no JavaScript needed). */
export interface FormState {
  action: string;
  values: Record<string, string>;
  errors: FieldError[];
  /** Something shown once, that must not travel in a URL (a bypass link). */
  notice?: Child;
}

export type ActionResult = { redirect: string } | { notice: Child };

export interface ConsoleAction {
  /** The API operations this action performs: who may use it. */
  api: ApiRef[];
  /** Runs the service functions. A ValidationError shows the page again with the fields' errors (400). */
  run(ctx: PageContext, form: Record<string, string>): Promise<ActionResult>;
}

/**
 * One console page: one file under src/console/pages/, listed in pages/index.ts. GET `path` renders it;
 * POST `path/<action>` runs one of its actions (CSRF-checked, role-checked, then back to the page).
 */
export interface ConsolePage {
  /** Under <prefix>/console: "/" , "/maintenance". */
  path: string;
  /** Who may open it: the roles the API allows for every one of these operations. */
  api: ApiRef[];
  title(l: ConsoleLabels): string;
  /** Listed in the navigation (to those who may open it), in this order. */
  nav?: { order: number; label(l: ConsoleLabels): string };
  /** Scripts of src/console/browser/ (by logical name) the page loads, besides DSFR's. */
  scripts?: string[];
  /** Stylesheets (by logical name) the page needs besides DSFR's and the console's (uPlot's). */
  styles?: string[];
  /** The page's content (inside <main>). */
  render(ctx: PageContext, form?: FormState): Promise<Child> | Child;
  actions?: Record<string, ConsoleAction>;
  /** GET <path>/<name>: a file (CSV, a document) under the same session and role checks as the page. */
  downloads?: Record<string, ConsoleDownload>;
}

export interface ConsoleDownload {
  /** The API operations whose data it gives: who may use it. */
  api: ApiRef[];
  /**
   * Data read by the page's own script (fetch), not opened by a person: no session or a role refused answers
   * 401/403, and any error, as problem+json like the API, instead of a redirect to sign-in or an HTML page.
   */
  json?: boolean;
  run(ctx: PageContext): Promise<Response>;
}

export function definePage(page: ConsolePage): ConsolePage {
  return page;
}
