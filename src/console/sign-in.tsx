import type { Hono } from 'hono';
import { deleteCookie, getSignedCookie, setCookie, setSignedCookie } from 'hono/cookie';
import { Notice, PageTitle } from './components.js';
import { format, languageCookie } from './labels.js';
import { rolesText } from './layout.js';
import { OidcError, finishSignIn, startSignIn, type PendingSignIn } from './oidc/oidc-client.js';
import type { ConsoleContext, ConsoleEnv } from './page.js';
import { consoleBase, shellResponse } from './render.js';
import { peekLoginLink, redeemLoginLink } from './session/login-links.js';
import { clearSessionCookie, cookieOptions, readSession, sessionKeyOf, setSessionCookie } from './session/session-cookie.js';
import { openSession, revokeSession } from './session/sessions.js';
import { safeReturnPath } from './session/return-url.js';
import { formatForPeople } from '../maintenance/format-time.js';
import { rolesFromClaim } from '../auth/staff-principal.js';
import { requireCsrf } from './csrf.js';

const pendingCookie = 'vigie_console_oidc';

/** The sign-in page: the identity provider's button, or how to get a login link in development. */
function signInPage(c: ConsoleContext, message?: { kind: 'info' | 'error'; text: string }, status = 200) {
  const l = c.var.labels;
  const base = consoleBase(c);
  const returnTo = safeReturnPath(c.req.query('return'), base);
  const oidc = c.var.deps.config.console.oidc;
  return shellResponse(c, {
    title: l.signIn.title,
    status,
    body: (
      <>
        <PageTitle title={l.signIn.title} intro={l.signIn.intro} />
        {message ? (
          <Notice kind={message.kind} id="sign-in-message">
            <p>{message.text}</p>
          </Notice>
        ) : null}
        {oidc ? (
          <a class="fr-btn fr-btn--lg" id="sign-in-oidc" href={`${base}/oidc/start?return=${encodeURIComponent(returnTo)}`}>
            {l.signIn.withProvider}
          </a>
        ) : (
          <div>
            <p>{l.signIn.noProvider}</p>
            <pre>
              <code>{l.signIn.loginLinkCommand}</code>
            </pre>
          </div>
        )}
      </>
    ),
  });
}

function redirectUri(c: ConsoleContext): string {
  const origin = c.var.deps.config.console.publicUrl?.replace(/\/$/, '') ?? new URL(c.req.url).origin;
  return `${origin}${consoleBase(c)}/oidc/callback`;
}

async function signedIn(c: ConsoleContext, person: { subject: string; name?: string | undefined; roles: readonly string[]; method: 'oidc' | 'login-link' }, returnTo: string) {
  const deps = c.var.deps;
  const { id, session } = await openSession(deps, person);
  await setSessionCookie(c, id, session, deps.clock.now());
  return c.redirect(safeReturnPath(returnTo, consoleBase(c)), 303);
}

/** Sign-in, sign-out, login links, OpenID Connect and the language switch: the console's public routes. */
export function registerSignIn(ui: Hono<ConsoleEnv>): void {
  ui.get('/sign-in', (c) => {
    const l = c.var.labels;
    const why = c.req.query('why');
    const message = why === 'signed-out' ? { kind: 'info' as const, text: l.signIn.signedOut } : why === 'expired' ? { kind: 'info' as const, text: l.signIn.expired } : undefined;
    return signInPage(c, message);
  });

  ui.get('/lang', (c) => {
    const to = c.req.query('to') === 'en' ? 'en' : 'fr';
    setCookie(c, languageCookie, to, { ...cookieOptions(c, 365 * 86_400), httpOnly: false });
    return c.redirect(safeReturnPath(c.req.query('return'), consoleBase(c)), 303);
  });

  // A link opens a confirmation page; only its button uses the link. Mail scanners and link previews that
  // fetch URLs would otherwise use it up before the person does.
  ui.get('/login/:token', async (c) => {
    const l = c.var.labels;
    const deps = c.var.deps;
    const token = c.req.param('token');
    const link = await peekLoginLink(deps, token);
    if (!link) return signInPage(c, { kind: 'error', text: l.signIn.linkInvalid }, 410);
    return shellResponse(c, {
      title: l.signIn.linkTitle,
      body: (
        <>
          <PageTitle title={l.signIn.linkTitle} />
          <p id="login-link-intro">
            {format(l.signIn.linkIntro, {
              subject: link.subject,
              roles: rolesText(l, link.roles),
              time: formatForPeople(new Date(link.expires_at).getTime(), deps.config.timeZone, c.var.lang),
            })}
          </p>
          <form method="post" action={`${consoleBase(c)}/login/${token}`}>
            <button type="submit" class="fr-btn" id="open-session">
              {l.signIn.linkOpen}
            </button>
          </form>
        </>
      ),
    });
  });

  ui.post('/login/:token', async (c) => {
    const deps = c.var.deps;
    sessionKeyOf(c);
    const person = await redeemLoginLink(deps, c.req.param('token'));
    if (!person || rolesFromClaim(person.roles).length === 0) return signInPage(c, { kind: 'error', text: c.var.labels.signIn.linkInvalid }, 410);
    return signedIn(c, { ...person, method: 'login-link' }, consoleBase(c));
  });

  ui.get('/oidc/start', async (c) => {
    const settings = c.var.deps.config.console.oidc;
    if (!settings) return signInPage(c, undefined, 404);
    const returnTo = safeReturnPath(c.req.query('return'), consoleBase(c));
    try {
      const { url, pending } = await startSignIn(settings, redirectUri(c), returnTo);
      await setSignedCookie(c, pendingCookie, JSON.stringify(pending), sessionKeyOf(c), { ...cookieOptions(c, 600), path: `${consoleBase(c)}/oidc` });
      return c.redirect(url, 302);
    } catch (error) {
      if (!(error instanceof OidcError)) throw error;
      return signInPage(c, { kind: 'error', text: format(c.var.labels.signIn.failed, { reason: error.message }) }, 502);
    }
  });

  ui.get('/oidc/callback', async (c) => {
    const deps = c.var.deps;
    const settings = deps.config.console.oidc;
    const l = c.var.labels;
    if (!settings) return signInPage(c, undefined, 404);
    const kept = await getSignedCookie(c, sessionKeyOf(c), pendingCookie);
    deleteCookie(c, pendingCookie, { path: `${consoleBase(c)}/oidc`, secure: cookieOptions(c, 0).secure });
    const fail = (reason: string) => signInPage(c, { kind: 'error', text: format(l.signIn.failed, { reason }) }, 400);
    if (!kept) return fail('this browser did not start this sign-in (or took more than 10 minutes)');
    const pending = JSON.parse(kept) as PendingSignIn;
    try {
      const person = await finishSignIn(settings, c.req.query(), pending, redirectUri(c), deps.config.jwt.rolesClaim);
      const roles = rolesFromClaim(person.roles);
      if (roles.length === 0) return signInPage(c, { kind: 'error', text: l.signIn.noRole }, 403);
      return signedIn(c, { subject: person.subject, name: person.name, roles, method: 'oidc' }, pending.returnTo);
    } catch (error) {
      if (!(error instanceof OidcError)) throw error;
      return fail(error.message);
    }
  });

  ui.post('/sign-out', async (c) => {
    const found = await readSession(c, c.var.deps);
    if (found) {
      await requireCsrf(c, found.session);
      await revokeSession(c.var.deps, found.id, found.session);
    }
    clearSessionCookie(c);
    return c.redirect(`${consoleBase(c)}/sign-in?why=signed-out`, 303);
  });
}
