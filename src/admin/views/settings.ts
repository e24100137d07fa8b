/**
 * The settings page body: block mode, upstreams, retention (stored in config.db, applied without
 * a restart), the boot-only values shown read-only, the password form and the API tokens. Token
 * names and typed text go through `html` (escaped); a token's secret is shown once, on its own page.
 */
import type { TokenInfo } from '../auth/token-store.js';
import { MIN_PASSWORD_LENGTH } from '../auth/password.js';
import { settingsMessages } from '../messages/settings.js';
import { html, type SafeHtml } from '../page/html.js';
import { formatDateTime, translator, type Lang, type Translate } from '../page/i18n.js';
import { BLOCK_MODES } from '../../settings/runtime-settings.js';

type T = Translate<keyof (typeof settingsMessages)['en']>;
/** The form sections that can show an error. */
export type SettingsSection = 'blockMode' | 'upstreams' | 'retentionDays' | 'password' | 'tokens';

/** What the settings API returns and the page shows. */
export interface SettingsData {
  readonly blockMode: (typeof BLOCK_MODES)[number];
  readonly upstreams: readonly string[];
  readonly retentionDays: number;
  /** What a parent set on this page (null: the boot value / default applies). */
  readonly stored: { readonly blockMode: string | null; readonly upstreams: readonly string[] | null; readonly retentionDays: number | null };
  readonly boot: { readonly timeZone: string; readonly dnsListen: readonly string[]; readonly adminListen: string };
}

export interface SettingsView {
  readonly lang: Lang;
  readonly timeZone: string;
  readonly data: SettingsData;
  readonly tokens: readonly TokenInfo[];
  readonly csrf: SafeHtml;
  /** Text typed in a refused form, by section. */
  readonly typed?: { readonly upstreams?: string; readonly retentionDays?: string; readonly tokenName?: string };
  readonly error?: { readonly section: SettingsSection; readonly message: string } | null;
}

function errorFor(v: SettingsView, section: SettingsSection): SafeHtml | '' {
  return v.error?.section === section ? html`<p class="field-error" role="alert">${v.error.message}</p>` : '';
}

/** Links to the settings that have a page of their own. */
function more(t: T): SafeHtml {
  return html`<nav class="row" aria-label="${t('more.label')}"><a class="btn" href="/settings/email">${t('more.email')}</a><a class="btn" href="/settings/backup">${t('more.backup')}</a></nav>`;
}

function origin(isStored: boolean, t: T): SafeHtml {
  return html`<p class="muted">${isStored ? t('fromPage') : t('fromBoot')}</p>`;
}

function buttons(t: T): SafeHtml {
  return html`<div class="row"><button type="submit" name="action" value="save" class="btn primary">${t('save')}</button><button type="submit" name="action" value="reset" class="btn">${t('reset')}</button></div>`;
}

function blockMode(v: SettingsView, t: T): SafeHtml {
  return html`
    <form method="post" action="/settings/block-mode" class="stack">${v.csrf}
      <fieldset>
        <legend>${t('blockMode.legend')}</legend>
        ${errorFor(v, 'blockMode')}
        ${BLOCK_MODES.map((mode) => html`
        <div><input type="radio" id="bm-${mode}" name="blockMode" value="${mode}" aria-describedby="bm-${mode}-help"${v.data.blockMode === mode ? html` checked` : ''}>
        <label for="bm-${mode}">${t(`blockMode.${mode}`)}</label>
        <p class="muted" id="bm-${mode}-help">${t(`blockMode.${mode}.help`)}</p></div>`)}
        ${origin(v.data.stored.blockMode !== null, t)}
        ${buttons(t)}
      </fieldset>
    </form>`;
}

function upstreams(v: SettingsView, t: T): SafeHtml {
  const text = v.typed?.upstreams ?? v.data.upstreams.join('\n');
  return html`
    <form method="post" action="/settings/upstreams" class="stack">${v.csrf}
      <fieldset>
        <legend>${t('upstreams.legend')}</legend>
        ${errorFor(v, 'upstreams')}
        <label for="upstreams">${t('upstreams.label')}</label>
        <textarea id="upstreams" name="upstreams" rows="4" spellcheck="false" autocapitalize="none" aria-describedby="upstreams-help">${text}</textarea>
        <p class="muted" id="upstreams-help">${t('upstreams.help')}</p>
        ${origin(v.data.stored.upstreams !== null, t)}
        ${buttons(t)}
      </fieldset>
    </form>`;
}

function retention(v: SettingsView, t: T): SafeHtml {
  return html`
    <form method="post" action="/settings/retention" class="stack">${v.csrf}
      <fieldset>
        <legend>${t('retention.legend')}</legend>
        ${errorFor(v, 'retentionDays')}
        <label for="retention">${t('retention.label')}</label>
        <input id="retention" name="retentionDays" type="number" inputmode="numeric" min="14" max="730" step="1" value="${v.typed?.retentionDays ?? v.data.retentionDays}" aria-describedby="retention-help">
        <p class="muted" id="retention-help">${t('retention.help')}</p>
        ${origin(v.data.stored.retentionDays !== null, t)}
        ${buttons(t)}
      </fieldset>
    </form>`;
}

function boot(v: SettingsView, t: T): SafeHtml {
  const b = v.data.boot;
  return html`
    <section aria-labelledby="boot-title">
      <h2 id="boot-title">${t('boot.legend')}</h2>
      <p class="muted">${t('boot.help')}</p>
      <dl>
        <dt>${t('boot.tz')}</dt><dd>${b.timeZone}</dd>
        <dt>${t('boot.dns')}</dt><dd>${b.dnsListen.join(', ')}</dd>
        <dt>${t('boot.admin')}</dt><dd>${b.adminListen}</dd>
      </dl>
    </section>`;
}

function password(v: SettingsView, t: T): SafeHtml {
  return html`
    <form method="post" action="/settings/password" class="stack">${v.csrf}
      <fieldset>
        <legend>${t('password.legend')}</legend>
        ${errorFor(v, 'password')}
        <label for="pw-current">${t('password.current')}</label>
        <input id="pw-current" name="current" type="password" autocomplete="current-password" required>
        <label for="pw-next">${t('password.next')}</label>
        <input id="pw-next" name="next" type="password" autocomplete="new-password" minlength="${MIN_PASSWORD_LENGTH}" required aria-describedby="pw-help">
        <label for="pw-confirm">${t('password.confirm')}</label>
        <input id="pw-confirm" name="confirm" type="password" autocomplete="new-password" minlength="${MIN_PASSWORD_LENGTH}" required>
        <p class="muted" id="pw-help">${t('password.help', { min: MIN_PASSWORD_LENGTH })}</p>
        <label class="toggle" for="pw-revoke-tokens"><input id="pw-revoke-tokens" name="revokeTokens" type="checkbox" value="on" checked aria-describedby="pw-revoke-help"> ${t('password.revokeTokens')}</label>
        <p class="muted" id="pw-revoke-help">${t('password.revokeTokens.help')}</p>
        <button type="submit" class="btn primary">${t('password.submit')}</button>
      </fieldset>
    </form>`;
}

function tokens(v: SettingsView, t: T): SafeHtml {
  const when = (ms: number | null): string => (ms === null ? '—' : formatDateTime(ms, v.lang, v.timeZone));
  return html`
    <section aria-labelledby="tokens-title">
      <h2 id="tokens-title">${t('tokens.legend')}</h2>
      <p class="muted">${t('tokens.help')}</p>
      ${errorFor(v, 'tokens')}
      ${v.tokens.length === 0 ? html`<p class="muted">${t('tokens.empty')}</p>` : html`
      <table class="cards">
        <thead><tr><th scope="col">${t('tokens.name')}</th><th scope="col">${t('tokens.created')}</th><th scope="col">${t('tokens.lastUsed')}</th><th scope="col"><span class="visually-hidden">${t('tokens.revoke')}</span></th></tr></thead>
        <tbody>${v.tokens.map((tok) => html`
          <tr><td data-label="${t('tokens.name')}">${tok.name}</td><td data-label="${t('tokens.created')}">${when(tok.createdAt)}</td><td data-label="${t('tokens.lastUsed')}">${when(tok.lastUsed)}</td>
          <td><form method="post" action="/settings/tokens/${tok.id}/revoke" class="row" data-confirm="${t('tokens.revoke.confirm')}">${v.csrf}<button type="submit" class="btn danger" aria-label="${t('tokens.revokeNamed', { name: tok.name })}">${t('tokens.revoke')}</button></form></td></tr>`)}
        </tbody>
      </table>`}
      <form method="post" action="/settings/tokens" class="stack">${v.csrf}
        <label for="token-name">${t('tokens.add.label')}</label>
        <input id="token-name" name="name" maxlength="40" required value="${v.typed?.tokenName ?? ''}" autocomplete="off">
        <button type="submit" class="btn">${t('tokens.add.submit')}</button>
      </form>
    </section>`;
}

/** The page body. */
export function renderSettings(v: SettingsView): SafeHtml {
  const t = translator(settingsMessages, v.lang);
  return html`${more(t)}${blockMode(v, t)}${upstreams(v, t)}${retention(v, t)}${password(v, t)}${tokens(v, t)}${boot(v, t)}`;
}

/** The page shown once after creating a token: its secret, to copy now. */
export function renderTokenCreated(lang: Lang, token: { name: string; secret: string }): SafeHtml {
  const t = translator(settingsMessages, lang);
  return html`
    <p role="status">${t('tokens.created.intro')}</p>
    <label for="token-secret">${t('tokens.created.label', { name: token.name })}</label>
    <div class="row"><input id="token-secret" class="secret" readonly value="${token.secret}" autocomplete="off" spellcheck="false"><button type="button" class="btn" hidden data-copy="#token-secret">${t('tokens.created.copy')}</button></div>
    <p><a class="btn primary" href="/settings#tokens-title">${t('tokens.created.back')}</a></p>`;
}
