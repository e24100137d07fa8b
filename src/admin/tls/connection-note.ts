/**
 * What the setup and login pages say about the connection: over HTTPS, why the browser warned
 * (Vigie's own certificate) and how to check the fingerprint; over plain HTTP, that the password
 * would cross the network in clear. The page cannot prove its own certificate (an impostor would
 * show its own fingerprint), so it points to the log and `vigie doctor` instead of printing one.
 */
import type { FastifyRequest } from 'fastify';
import { authMessages } from '../messages/auth.js';
import { html, type SafeHtml } from '../page/html.js';
import { translator } from '../page/i18n.js';

/** The note for this request's connection; `full` adds the certificate explanation (setup page). */
export function connectionNote(request: FastifyRequest, opts: { full: boolean }): SafeHtml | '' {
  const t = translator(authMessages, request.lang);
  if (request.protocol !== 'https') return html`<p class="field-error" role="note">${t('https.plain')}</p>`;
  if (!opts.full) return '';
  return html`<p class="muted">${t('https.warning')}</p><p class="muted">${t('https.check')}</p>`;
}
