import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { Role } from '../auth/staff-principal.js';
import type { FieldError } from '../http/errors.js';
import { Shell, type NavItem } from './layout.js';
import type { ApiRef, ConsoleContext, ConsolePage, PageContext } from './page.js';
import type { ConsoleSession } from './session/sessions.js';

/** <prefix>/console */
export const consoleBase = (c: ConsoleContext) => `${c.var.deps.config.adminPrefix}/console`;

/** This request's path and query: where the language switch and sign-in come back to. */
export const herePath = (c: ConsoleContext) => {
  const url = new URL(c.req.url);
  return `${url.pathname}${url.search}`;
};

export function hrefFor(base: string, path = '/', query: Record<string, string | number | undefined> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return `${base}${path === '/' ? '' : path}${text ? `?${text}` : ''}`;
}

export interface ConsoleAccessCheck {
  /** May these roles use all of these operations? */
  allows(roles: readonly Role[], apis: readonly ApiRef[]): boolean;
  /** The roles that may use all of these operations (for a refusal's message). */
  rolesOf(apis: readonly ApiRef[]): Role[];
  pages: readonly ConsolePage[];
}

export function pageContext(c: ConsoleContext, session: ConsoleSession, access: ConsoleAccessCheck): PageContext {
  const deps = c.var.deps;
  const base = consoleBase(c);
  return {
    c,
    deps,
    lang: c.var.lang,
    l: c.var.labels,
    session,
    actor: { subject: session.subject, roles: session.roles, requestId: c.var.requestId },
    can: (...apis) => access.allows(session.roles, apis),
    href: (path, query) => hrefFor(base, path, query),
    now: deps.clock.now(),
    zone: deps.config.timeZone,
  };
}

/** The navigation: the pages this person may open, in their order. */
export function navFor(c: ConsoleContext, session: ConsoleSession | undefined, access: ConsoleAccessCheck, current?: ConsolePage): NavItem[] {
  if (!session) return [];
  const base = consoleBase(c);
  return access.pages
    .filter((page) => page.nav && access.allows(session.roles, page.api))
    .sort((a, b) => a.nav!.order - b.nav!.order)
    .map((page) => ({ href: hrefFor(base, page.path), label: page.nav!.label(c.var.labels), current: page === current }));
}

/** A whole HTML page in the shell. */
export function shellResponse(
  c: ConsoleContext,
  options: { title: string; body: Child; status?: number; nav?: NavItem[]; scripts?: string[]; styles?: string[] },
): Response | Promise<Response> {
  const deps = c.var.deps;
  return c.html(
    <>
      {raw('<!doctype html>')}
      <Shell
        lang={c.var.lang}
        l={c.var.labels}
        nonce={c.var.nonce}
        base={consoleBase(c)}
        adminPrefix={deps.config.adminPrefix}
        title={options.title}
        stateBrand={deps.config.console.stateBrand}
        session={c.var.session}
        nav={options.nav ?? []}
        here={herePath(c)}
        scripts={options.scripts}
        styles={options.styles}
      >
        {options.body}
      </Shell>
    </>,
    (options.status ?? 200) as 200,
  );
}

/**
 * Service functions name fields as the API does ("body.reason", "query.from"); a form names them "reason".
 * Their messages are the API's (English); the console says the common ones in its language (labels' messages).
 */
export function formErrors(errors: FieldError[], messages: Record<string, string>): FieldError[] {
  return errors.map((error) => ({ path: error.path.replace(/^(body|query|params)\./, ''), message: messages[error.message] ?? error.message }));
}
