/** The setup and login pages (server-rendered forms; no script needed). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authMessages } from '../messages/auth.js';
import { html } from '../page/html.js';
import { translator } from '../page/i18n.js';
import { sendPage } from '../page/send-page.js';
import type { GateRefusal } from './password-gate.js';
import { connectionNote } from '../tls/connection-note.js';
import { MIN_PASSWORD_LENGTH } from './password.js';

/** Shell commands shown to parents (constant text, escaped like any other). */
// The commands that print the setup code (Debian package or clone; Docker), then the log's.
const SETUP_CODE_COMMANDS = ['sudo vigie setup-code', 'docker compose exec vigie vigie setup-code'];
const PASSWD_COMMANDS = ['sudo vigie passwd', 'docker compose exec vigie node dist/cli.js passwd'];

// There is one admin and no user name; this hidden field lets password managers file the
// password under "vigie" (browsers expect a username next to a password field).
const USERNAME_FIELD = html`<input type="text" name="username" value="vigie" autocomplete="username" hidden>`;

function commands(list: readonly string[]) {
  return html`<ul class="commands">${list.map((c) => html`<li><code>${c}</code></li>`)}</ul>`;
}

/** Why an attempt was refused, in the page's language ("try again in N minutes", rounded up). */
export function refusalMessage(request: FastifyRequest, refusal: GateRefusal): string {
  const t = translator(authMessages, request.lang);
  if (refusal.outcome === 'busy') return t('limit.busy', { seconds: Math.max(1, Math.ceil(refusal.retryAfterMs / 1000)) });
  const minutes = Math.max(1, Math.ceil(refusal.retryAfterMs / 60_000));
  return minutes === 1 ? t('limit.locked.one') : t('limit.locked.many', { minutes });
}

/** Sets Retry-After (whole seconds) for a refusal. */
export function retryAfter(reply: FastifyReply, refusal: GateRefusal): FastifyReply {
  return reply.header('retry-after', String(Math.max(1, Math.ceil(refusal.retryAfterMs / 1000))));
}

/** The setup page: code, new password twice. `error` is already translated; `code` is kept as typed. */
export function sendSetupPage(request: FastifyRequest, reply: FastifyReply, opts: { hasCode: boolean; status?: number; error?: string | null; code?: string }): FastifyReply {
  const t = translator(authMessages, request.lang);
  const error = opts.error ? html`<p class="field-error" role="alert" id="form-error">${opts.error}</p>` : '';
  const described = opts.error ? html` aria-describedby="form-error"` : '';
  const body = !opts.hasCode
    ? html`<p>${t('setup.noCode')}</p>${commands(PASSWD_COMMANDS)}`
    : html`
    <p>${t('setup.intro')}</p>
    ${connectionNote(request, { full: true })}
    <form method="post" action="/setup" class="stack"${described}>
      ${error}
      ${USERNAME_FIELD}
      <div class="field">
        <label for="code">${t('setup.code.label')}</label>
        <input id="code" name="code" type="text" required maxlength="20" autocomplete="off" autocapitalize="characters" spellcheck="false" value="${opts.code ?? ''}" aria-describedby="code-help">
        <div id="code-help" class="muted">${t('setup.code.help')} ${commands(SETUP_CODE_COMMANDS)} ${t('setup.code.restart')}</div>
      </div>
      <div class="field">
        <label for="password">${t('setup.password.label')}</label>
        <input id="password" name="password" type="password" required minlength="${MIN_PASSWORD_LENGTH}" maxlength="200" autocomplete="new-password" aria-describedby="password-help">
        <p id="password-help" class="muted">${t('setup.password.help', { min: MIN_PASSWORD_LENGTH })}</p>
      </div>
      <div class="field">
        <label for="confirm">${t('setup.confirm.label')}</label>
        <input id="confirm" name="confirm" type="password" required minlength="${MIN_PASSWORD_LENGTH}" maxlength="200" autocomplete="new-password">
      </div>
      <button type="submit" class="btn primary">${t('setup.submit')}</button>
    </form>`;
  return sendPage(request, reply, { title: t('setup.title'), active: null, body, status: opts.status ?? 200 });
}

/** The login page: one password (there is one admin). `next` is an already checked relative path. */
export function sendLoginPage(request: FastifyRequest, reply: FastifyReply, opts: { next: string | null; status?: number; error?: string | null; flash?: string | null }): FastifyReply {
  const t = translator(authMessages, request.lang);
  const error = opts.error ? html`<p class="field-error" role="alert" id="form-error">${opts.error}</p>` : '';
  const body = html`
    ${connectionNote(request, { full: false })}
    <form method="post" action="/login" class="stack">
      ${error}
      ${opts.next !== null ? html`<input type="hidden" name="next" value="${opts.next}">` : ''}
      ${USERNAME_FIELD}
      <div class="field">
        <label for="password">${t('login.password.label')}</label>
        <input id="password" name="password" type="password" required maxlength="200" autocomplete="current-password" autofocus${opts.error ? html` aria-describedby="form-error"` : ''}>
      </div>
      <button type="submit" class="btn primary">${t('login.submit')}</button>
    </form>
    <p class="muted">${t('login.forgot')}</p>
    ${commands(PASSWD_COMMANDS)}`;
  return sendPage(request, reply, { title: t('login.title'), active: null, body, status: opts.status ?? 200, flash: opts.flash ?? null });
}
