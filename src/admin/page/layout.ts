/**
 * The page frame every admin page shares: document head (no inline script or style: the CSP
 * forbids them), skip link, navigation, language switch, logout form, main content. Mobile first:
 * the navigation wraps into a scrollable bar on a phone.
 */
import { layoutMessages } from '../messages/layout.js';
import { html, type SafeHtml } from './html.js';
import { translator, type Lang } from './i18n.js';

/** Navigation entries, in order; `id` is also the path segment. */
export const NAV = ['overview', 'devices', 'profiles', 'schedules', 'lists', 'activity', 'report', 'settings'] as const;
export type NavId = (typeof NAV)[number];

const PATHS: Record<NavId, string> = {
  overview: '/', devices: '/devices', profiles: '/profiles', schedules: '/schedules', lists: '/lists', activity: '/activity', report: '/report', settings: '/settings',
};

/** What a page gives the frame. */
export interface PageFrame {
  readonly lang: Lang;
  readonly title: string;
  /** The highlighted navigation entry; null on pages outside the menu (login, setup, errors). */
  readonly active: NavId | null;
  readonly body: SafeHtml;
  /** The session's CSRF token (for the logout form); null when not logged in (no navigation shown). */
  readonly csrfToken: string | null;
  /** Path of this page, so the language switch comes back here. */
  readonly path: string;
  /** A one-line notice shown above the content (e.g. "Saved."), already translated. */
  readonly flash?: string | null;
}

/** Renders a whole HTML document. */
export function renderPage(frame: PageFrame): string {
  const t = translator(layoutMessages, frame.lang);
  const other: Lang = frame.lang === 'fr' ? 'en' : 'fr';
  const nav = frame.csrfToken === null ? '' : html`
    <nav class="nav" aria-label="${t('nav.label')}">
      <ul>${NAV.map((id) => html`<li><a href="${PATHS[id]}"${frame.active === id ? html` aria-current="page"` : ''}>${t(`nav.${id}`)}</a></li>`)}</ul>
      <form method="post" action="/logout" class="nav-logout">
        <input type="hidden" name="_csrf" value="${frame.csrfToken}">
        <button type="submit" class="link">${t('nav.logout')}</button>
      </form>
    </nav>`;
  return `<!doctype html>${html`
<html lang="${frame.lang}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="color-scheme" content="light dark">
  <title>${frame.title} · ${t('app.name')}</title>
  <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/assets/app.css">
  <script src="/assets/app.js" defer></script>
</head>
<body>
  <a class="skip" href="#main">${t('skip')}</a>
  <header class="top">
    <a class="brand" href="/">${t('app.name')}</a>
    <a class="lang" href="/lang?to=${other}&amp;back=${encodeURIComponent(frame.path)}" lang="${other}" hreflang="${other}" title="${t('lang.switch.label')}">${t('lang.switch')}</a>
  </header>
  ${nav}
  <main id="main" tabindex="-1">
    <h1>${frame.title}</h1>
    ${frame.flash ? html`<p class="flash" role="status">${frame.flash}</p>` : ''}
    ${frame.body}
  </main>
</body>
</html>`.value}`;
}
