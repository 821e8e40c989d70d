import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { assetUrl } from './assets.js';
import { format, type ConsoleLabels, type ConsoleLanguage } from './labels.js';
import type { ConsoleSession } from './session/sessions.js';

export interface NavItem {
  href: string;
  label: string;
  current: boolean;
}

export interface ShellProps {
  lang: ConsoleLanguage;
  l: ConsoleLabels;
  nonce: string;
  /** <prefix>/console */
  base: string;
  adminPrefix: string;
  title: string;
  /** The State's brand block (Marianne, « République française »): only for the State's own services. */
  stateBrand: boolean;
  session?: ConsoleSession | undefined;
  nav?: NavItem[];
  /** Where the language switch comes back to (this page). */
  here: string;
  scripts?: string[];
  styles?: string[];
  children?: Child;
}

/** Roles as the header shows them: "DPO, audit". */
export const rolesText = (l: ConsoleLabels, roles: readonly string[]) =>
  roles.map((role) => (l.layout.roles as Record<string, string>)[role] ?? role).join(', ');

function Header(props: ShellProps) {
  const { l, base, session } = props;
  const other = props.lang === 'fr' ? 'en' : 'fr';
  const switchHref = `${base}/lang?to=${other}&return=${encodeURIComponent(props.here)}`;
  return (
    <header role="banner" class="fr-header">
      <div class="fr-header__body">
        <div class="fr-container">
          <div class="fr-header__body-row">
            <div class="fr-header__brand fr-enlarge-link">
              <div class="fr-header__brand-top">
                {props.stateBrand ? (
                  <div class="fr-header__logo">
                    <p class="fr-logo">{raw(l.layout.stateBrand)}</p>
                  </div>
                ) : null}
                <div class="fr-header__navbar">
                  <button class="fr-btn--menu fr-btn" data-fr-opened="false" aria-controls="menu-modal" aria-haspopup="menu" id="menu-button" title={l.layout.menu}>
                    {l.layout.menu}
                  </button>
                </div>
              </div>
              <div class="fr-header__service">
                <a href={base} title={l.layout.homeTitle}>
                  <p class="fr-header__service-title">{l.layout.serviceTitle}</p>
                </a>
                <p class="fr-header__service-tagline">{l.layout.serviceTagline}</p>
              </div>
            </div>
            <div class="fr-header__tools">
              <div class="fr-header__tools-links">
                <ul class="fr-btns-group">
                  {session ? (
                    <li>
                      <p class="fr-btn fr-icon-account-circle-line" id="signed-in-as">
                        {format(l.layout.signedInAs, { name: session.name, roles: rolesText(l, session.roles) })}
                      </p>
                    </li>
                  ) : null}
                  <li>
                    <a class="fr-btn fr-icon-translate-2" href={switchHref} hreflang={other} lang={other} title={l.layout.switchLanguageHint} id="switch-language">
                      {l.layout.switchLanguage}
                    </a>
                  </li>
                  {session ? (
                    <li>
                      <form method="post" action={`${base}/sign-out`}>
                        <input type="hidden" name="_csrf" value={session.csrfToken} />
                        <button type="submit" class="fr-btn fr-icon-logout-box-r-line" id="sign-out">
                          {l.layout.signOut}
                        </button>
                      </form>
                    </li>
                  ) : null}
                </ul>
              </div>
            </div>
          </div>
        </div>
      </div>
      <div class="fr-header__menu fr-modal" id="menu-modal" aria-labelledby="menu-button">
        <div class="fr-container">
          <button class="fr-btn--close fr-btn" aria-controls="menu-modal" title={l.layout.close}>
            {l.layout.close}
          </button>
          {/* DSFR's script copies the header's tools here for small screens. */}
          <div class="fr-header__menu-links"></div>
          {props.nav && props.nav.length > 0 ? (
            <nav class="fr-nav" id="navigation" role="navigation" aria-label={l.layout.mainMenu}>
              <ul class="fr-nav__list">
                {props.nav.map((item) => (
                  <li class="fr-nav__item">
                    <a class="fr-nav__link" href={item.href} aria-current={item.current ? 'page' : undefined}>
                      {item.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
        </div>
      </div>
    </header>
  );
}

function Footer(props: ShellProps) {
  const { l } = props;
  return (
    <footer class="fr-footer" role="contentinfo" id="footer">
      <div class="fr-container">
        <div class="fr-footer__body">
          {props.stateBrand ? (
            <div class="fr-footer__brand fr-enlarge-link">
              <a href={props.base} title={l.layout.homeTitle}>
                <p class="fr-logo">{raw(l.layout.stateBrand)}</p>
              </a>
            </div>
          ) : null}
          <div class="fr-footer__content">
            <p class="fr-footer__content-desc">{l.layout.footerText}</p>
            <ul class="fr-footer__content-list">
              <li class="fr-footer__content-item">
                <a class="fr-footer__content-link" href={`${props.adminPrefix}/docs`}>
                  {l.layout.footerApi}
                </a>
              </li>
            </ul>
          </div>
        </div>
      </div>
    </footer>
  );
}

/** The page shell of the State design system: skip links, header, navigation by role, main, footer. */
export function Shell(props: ShellProps) {
  const { l, base, nonce } = props;
  return (
    <html lang={props.lang} data-fr-scheme="light">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no" />
        <meta name="format-detection" content="telephone=no" />
        <title>{`${props.title} — ${l.layout.serviceTitle}`}</title>
        {/* No icon of its own (the State's Marianne icon is not every organisation's to use); none is fetched. */}
        <link rel="icon" href="data:," />
        {/* The three weights every page uses, fetched beside the stylesheet rather than after it is parsed (as the
            design system's own page template does): a first load on an empty cache was 0.3-0.5 s shorter. */}
        {['fonts/Marianne-Regular.woff2', 'fonts/Marianne-Medium.woff2', 'fonts/Marianne-Bold.woff2'].map((font) => (
          <link rel="preload" href={assetUrl(base, font)} as="font" type="font/woff2" crossorigin="anonymous" />
        ))}
        <link rel="stylesheet" href={assetUrl(base, 'dsfr.css')} />
        <link rel="stylesheet" href={assetUrl(base, 'icons.css')} />
        {(props.styles ?? []).map((name) => (
          <link rel="stylesheet" href={assetUrl(base, name)} />
        ))}
        <link rel="stylesheet" href={assetUrl(base, 'console.css')} />
        <script type="module" src={assetUrl(base, 'dsfr.js')} nonce={nonce}></script>
        {(props.scripts ?? []).map((name) => (
          <script src={assetUrl(base, name)} nonce={nonce} defer></script>
        ))}
      </head>
      <body>
        <div class="fr-skiplinks">
          <nav class="fr-container" role="navigation" aria-label={l.layout.skipLinks}>
            <ul class="fr-skiplinks__list">
              <li>
                <a class="fr-link" href="#content">
                  {l.layout.skipContent}
                </a>
              </li>
              {props.nav && props.nav.length > 0 ? (
                <li>
                  <a class="fr-link" href="#navigation">
                    {l.layout.skipMenu}
                  </a>
                </li>
              ) : null}
              <li>
                <a class="fr-link" href="#footer">
                  {l.layout.skipFooter}
                </a>
              </li>
            </ul>
          </nav>
        </div>
        <Header {...props} />
        <main id="content" role="main" class="fr-container fr-my-4w" tabindex={-1}>
          {props.children}
        </main>
        <Footer {...props} />
      </body>
    </html>
  );
}
