import { Hono, type MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Role } from '../auth/staff-principal.js';
import type { App } from '../http/context.js';
import { DomainError, ForbiddenError, UnauthorizedError, ValidationError } from '../http/errors.js';
import { handleError } from '../http/handle-errors.js';
import { collectApiAccess, rolesFor } from './api-access.js';
import { registerAssets } from './assets.js';
import { Notice, PageTitle } from './components.js';
import { CsrfError, readForm, requireCsrf } from './csrf.js';
import { consoleLabels, format, languageCookie, pickLanguage } from './labels.js';
import { rolesText } from './layout.js';
import type { ApiRef, ConsoleContext, ConsoleEnv, ConsolePage, FormState } from './page.js';
import { consolePages } from './pages/index.js';
import { consoleBase, formErrors, herePath, navFor, pageContext, shellResponse, type ConsoleAccessCheck } from './render.js';
import { consoleSecurityHeaders } from './security-headers.js';
import { readSession } from './session/session-cookie.js';
import { registerSignIn } from './sign-in.js';
import { registerPostLoginLink } from './routes/post-login-link.js';

/** French or English for this request: the switch's cookie, else the browser's languages. */
const language: MiddlewareHandler<ConsoleEnv> = async function consoleLanguage(c, next) {
  const lang = pickLanguage(getCookie(c, languageCookie), c.req.header('accept-language'));
  c.set('lang', lang);
  c.set('labels', consoleLabels(lang));
  await next();
};

/** An error page in the shell: the console never answers a person with JSON. */
function errorPage(c: ConsoleContext, status: number, title: string, text: string) {
  const l = c.var.labels;
  return shellResponse(c, {
    title,
    status,
    nav: navFor(c, c.var.session, accessOf(c)),
    body: (
      <>
        <PageTitle title={title} />
        <Notice kind="error" id="error-message">
          <p>{text}</p>
        </Notice>
        <a class="fr-link" href={consoleBase(c)}>
          {l.errors.back}
        </a>
      </>
    ),
  });
}

const accessKey = Symbol('console access');
const accessOf = (c: ConsoleContext): ConsoleAccessCheck => (c as unknown as Record<symbol, ConsoleAccessCheck>)[accessKey]!;

/**
 * Deny by default: a page (or action) opens only to a session whose roles the API allows for every operation
 * it names. No session: to the sign-in page, coming back here afterwards.
 */
function requireSession(access: ConsoleAccessCheck, apis: readonly ApiRef[], json = false): MiddlewareHandler<ConsoleEnv> {
  return async function consoleSession(c, next) {
    (c as unknown as Record<symbol, ConsoleAccessCheck>)[accessKey] = access;
    const found = await readSession(c, c.var.deps);
    c.set('session', found?.session);
    // A page's script asked for data: it reads a status, not a sign-in page (it reloads the page to sign in).
    if (json && !found) return answerProblem(new UnauthorizedError('No console session: sign in again'), c);
    if (json && !access.allows(found!.session.roles, apis)) return answerProblem(new ForbiddenError(`Roles allowed: ${access.rolesOf(apis).join(', ')}`), c);
    if (!found) {
      const back = c.req.method === 'GET' ? herePath(c) : consoleBase(c);
      return c.redirect(`${consoleBase(c)}/sign-in?return=${encodeURIComponent(back)}`, 303);
    }
    if (!access.allows(found.session.roles, apis)) {
      const l = c.var.labels;
      return errorPage(c, 403, l.errors.forbiddenTitle, format(l.errors.forbidden, { roles: rolesText(l, access.rolesOf(apis)) }));
    }
    await next();
  };
}

/** An error as the API answers it (problem+json), for the console's JSON routes. */
const apiErrors = handleError();
const answerProblem = (error: unknown, c: ConsoleContext) => apiErrors(error as Error, c as never) as Response;

function mountPage(ui: Hono<ConsoleEnv>, page: ConsolePage, access: ConsoleAccessCheck) {
  const render = async (c: ConsoleContext, form?: FormState, status = 200) => {
    const ctx = pageContext(c, c.var.session!, access);
    const body = await page.render(ctx, form);
    return shellResponse(c, { title: page.title(c.var.labels), body, status, nav: navFor(c, c.var.session, access, page), scripts: page.scripts, styles: page.styles });
  };
  // Downloads first: "<path>/people.csv" must not be read as a page parameter.
  for (const [name, download] of Object.entries(page.downloads ?? {})) {
    const apis = [...page.api, ...download.api];
    ui.get(`${page.path === '/' ? '' : page.path}/${name}`, requireSession(access, apis, download.json), async (c) => {
      if (!download.json) return download.run(pageContext(c, c.var.session!, access));
      try {
        return await download.run(pageContext(c, c.var.session!, access));
      } catch (error) {
        return answerProblem(error, c);
      }
    });
  }
  ui.get(page.path, requireSession(access, page.api), (c) => render(c));
  for (const [name, action] of Object.entries(page.actions ?? {})) {
    const path = `${page.path === '/' ? '' : page.path}/${name}`;
    // The page's roles and the action's: a forged form from a role that cannot see the page is refused too.
    ui.post(path, requireSession(access, [...page.api, ...action.api]), async (c) => {
      const session = c.var.session!;
      const form = await requireCsrf(c, session, await readForm(c));
      try {
        const result = await action.run(pageContext(c, session, access), form);
        if ('redirect' in result) return c.redirect(result.redirect, 303);
        return render(c, { action: name, values: {}, errors: [], notice: result.notice });
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        const { _csrf, ...values } = form;
        return render(c, { action: name, values, errors: formErrors(error.errors, c.var.labels.messages) }, 400);
      }
    });
  }
}

/**
 * The console under <prefix>/console (issue 18): server-rendered pages over the same service functions as the
 * API, signed in by OpenID Connect or a development login link. Called after every feature has registered its
 * API routes, whose access rules the pages reuse.
 */
export function registerConsole(admin: App, pages: readonly ConsolePage[] = consolePages): void {
  registerPostLoginLink(admin);
  const apiAccess = collectApiAccess(admin);
  const rolesOf = (apis: readonly ApiRef[]): Role[] => {
    const roles = rolesFor(apiAccess, apis);
    return roles === 'public' ? [] : [...roles];
  };
  // Resolved once: a page naming an operation the API lacks fails here, at start-up.
  for (const page of pages) {
    rolesOf(page.api);
    for (const action of Object.values(page.actions ?? {})) rolesOf([...page.api, ...action.api]);
    for (const download of Object.values(page.downloads ?? {})) rolesOf([...page.api, ...download.api]);
  }
  const access = {
    pages,
    rolesOf,
    allows: (roles: readonly Role[], apis: readonly ApiRef[]) => {
      const allowed = rolesFor(apiAccess, apis);
      return allowed === 'public' || roles.some((role) => allowed.has(role));
    },
  };

  const ui = new Hono<ConsoleEnv>();
  ui.use('*', consoleSecurityHeaders());
  ui.use('*', language);
  registerAssets(ui);
  ui.use('*', async (c, next) => {
    (c as unknown as Record<symbol, ConsoleAccessCheck>)[accessKey] = access;
    await next();
  });
  registerSignIn(ui);
  for (const page of pages) mountPage(ui, page, access);
  ui.notFound((c) => errorPage(c, 404, c.var.labels.errors.title, c.var.labels.errors.notFound));
  ui.onError((error, c) => {
    const l = c.var.labels ?? consoleLabels('fr');
    if (!c.var.labels) {
      c.set('lang', 'fr');
      c.set('labels', l);
    }
    if (error instanceof CsrfError) return errorPage(c, 403, l.errors.forbiddenTitle, l.errors.csrf);
    if (error instanceof DomainError) {
      const text = error.status === 503 ? format(l.errors.unavailable, { detail: error.message }) : error.message;
      return errorPage(c, error.status, error.status === 404 ? l.errors.title : error.title, text);
    }
    c.var.deps?.logger.error('console error', { requestId: c.var.requestId, errorName: (error as Error)?.name });
    return errorPage(c, 500, l.errors.title, `${error instanceof Error ? 'Unexpected error' : 'Error'} (${c.var.requestId})`);
  });
  admin.route('/console', ui as never);
  // The console's home is <prefix>/console; with a trailing slash, the same place.
  admin.get('/console/', (c) => c.redirect(`${c.var.deps.config.adminPrefix}/console`, 308));
}
