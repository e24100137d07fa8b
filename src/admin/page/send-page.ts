/** Sends a whole page in the request's language, with the frame (see layout.ts). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { html, type SafeHtml } from './html.js';
import { renderPage, type NavId } from './layout.js';

/** Sends `body` framed as a page (HTML, no caching: pages show private data). */
export function sendPage(request: FastifyRequest, reply: FastifyReply, page: { title: string; active: NavId | null; body: SafeHtml; flash?: string | null; status?: number }): FastifyReply {
  const csrfToken = request.auth?.kind === 'session' ? request.auth.csrfToken : null;
  const path = request.url.split('?')[0] ?? '/';
  return reply
    .code(page.status ?? 200)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(renderPage({ lang: request.lang, title: page.title, active: page.active, body: page.body, csrfToken, path, flash: page.flash ?? null }));
}

/** The hidden CSRF field every state-changing form carries. */
export function csrfField(request: FastifyRequest): SafeHtml {
  const token = request.auth?.kind === 'session' ? request.auth.csrfToken : '';
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}
