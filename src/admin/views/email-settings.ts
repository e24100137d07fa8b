/**
 * The email and alerts settings page body: the weekly email's state (last send, next one), one
 * form for the weekly email, the SMTP server and the alerts, and the two test buttons. The SMTP
 * password is never put in the page: the field is empty with an "unchanged" placeholder.
 * Typed text, addresses, URLs and SMTP error messages go through `html` (escaped).
 */
import { emailMessages } from '../messages/email.js';
import { html, type SafeHtml } from '../page/html.js';
import { formatDateTime, translator, type Lang, type Translate } from '../page/i18n.js';
import { SMTP_SECURITY, type PublicEmailSettings } from '../../notify/email-settings.js';

type T = Translate<keyof (typeof emailMessages)['en']>;

/** The form's fields as text (what is stored, or what a parent typed in a refused form). */
export interface EmailFormValues {
  readonly enabled: boolean;
  readonly host: string;
  readonly port: string;
  readonly security: string;
  readonly user: string;
  readonly from: string;
  readonly to: string;
  readonly language: string;
  readonly weekday: string;
  readonly time: string;
  readonly alertsEmail: boolean;
  readonly webhookUrl: string;
}

/** A message above the page: a test result, or a refused form. */
export interface EmailNotice {
  readonly kind: 'ok' | 'error';
  readonly lines: readonly string[];
}

export interface EmailSettingsView {
  readonly lang: Lang;
  readonly timeZone: string;
  readonly settings: PublicEmailSettings;
  readonly values: EmailFormValues;
  /** The next weekly send (ms), null when off. */
  readonly nextSend: number | null;
  readonly csrf: SafeHtml;
  readonly notice: EmailNotice | null;
}

/** The form values of stored settings. */
export function formValuesOf(s: PublicEmailSettings): EmailFormValues {
  return {
    enabled: s.enabled, host: s.host, port: String(s.port), security: s.security, user: s.user, from: s.from, to: s.to.join('\n'),
    language: s.language, weekday: String(s.schedule.weekday), time: s.schedule.time, alertsEmail: s.alerts.email, webhookUrl: s.alerts.webhookUrl ?? '',
  };
}

function checked(on: boolean): SafeHtml | '' {
  return on ? html` checked` : '';
}

function selected(on: boolean): SafeHtml | '' {
  return on ? html` selected` : '';
}

function status(v: EmailSettingsView, t: T): SafeHtml {
  const when = (ms: number): string => formatDateTime(ms, v.lang, v.timeZone);
  const last = v.settings.lastSend;
  const lines: SafeHtml[] = [];
  if (!v.settings.enabled) lines.push(html`<p>${t('status.off')}</p>`);
  if (last === null) lines.push(html`<p class="muted">${t('status.never')}</p>`);
  else if (last.ok) lines.push(html`<p><span class="badge ok">OK</span> ${t('status.ok', { when: when(last.at) })}</p>`);
  else lines.push(html`<p class="field-error" role="alert">${t('status.failed', { when: when(last.at), error: last.error ?? '' })}</p>`);
  if (v.nextSend !== null) lines.push(html`<p>${t('status.next', { when: when(v.nextSend) })}</p>`);
  return html`<section class="panel" aria-labelledby="email-status-title"><h2 id="email-status-title">${t('status.legend')}</h2>${lines}</section>`;
}

function weekly(v: EmailSettingsView, t: T): SafeHtml {
  const f = v.values;
  return html`<fieldset>
    <legend>${t('weekly.legend')}</legend>
    <label class="toggle"><input type="checkbox" name="enabled" value="on"${checked(f.enabled)}> ${t('weekly.enabled')}</label>
    <div class="row">
      <div class="field"><label for="em-weekday">${t('weekly.weekday')}</label>
        <select id="em-weekday" name="weekday">${[0, 1, 2, 3, 4, 5, 6].map((d) => html`<option value="${d}"${selected(f.weekday === String(d))}>${t(`weekday.${d}` as 'weekday.0')}</option>`)}</select></div>
      <div class="field"><label for="em-time">${t('weekly.time')}</label>
        <input id="em-time" name="time" type="time" value="${f.time}" required></div>
    </div>
    <p class="muted">${t('weekly.help', { tz: v.timeZone })}</p>
    <div class="field"><label for="em-language">${t('weekly.language')}</label>
      <select id="em-language" name="language"><option value="fr"${selected(f.language === 'fr')} lang="fr">${t('lang.fr')}</option><option value="en"${selected(f.language === 'en')} lang="en">${t('lang.en')}</option></select></div>
    <div class="field"><label for="em-to">${t('weekly.to')}</label>
      <textarea id="em-to" name="to" rows="2" spellcheck="false" autocapitalize="none" autocomplete="email" aria-describedby="em-to-help">${f.to}</textarea>
      <p class="muted" id="em-to-help">${t('weekly.to.help')}</p></div>
  </fieldset>`;
}

function server(v: EmailSettingsView, t: T): SafeHtml {
  const f = v.values;
  return html`<fieldset>
    <legend>${t('server.legend')}</legend>
    <p class="muted">${t('server.help')}</p>
    <div class="field"><label for="em-host">${t('server.host')}</label>
      <input id="em-host" name="host" value="${f.host}" autocapitalize="none" spellcheck="false" autocomplete="off" inputmode="url"></div>
    <div class="field"><label for="em-port">${t('server.port')}</label>
      <input id="em-port" name="port" type="number" inputmode="numeric" min="1" max="65535" value="${f.port}"></div>
    <div class="field"><label for="em-security">${t('server.security')}</label>
      <select id="em-security" name="security">${SMTP_SECURITY.map((s) => html`<option value="${s}"${selected(f.security === s)}>${t(`server.security.${s}`)}</option>`)}</select></div>
    <div class="field"><label for="em-user">${t('server.user')}</label>
      <input id="em-user" name="user" value="${f.user}" autocapitalize="none" spellcheck="false" autocomplete="username"></div>
    <div class="field"><label for="em-password">${t('server.password')}</label>
      <input id="em-password" name="password" type="password" value="" autocomplete="new-password"${v.settings.passwordSet ? html` placeholder="${t('server.password.unchanged')}"` : ''} aria-describedby="em-password-help">
      <p class="muted" id="em-password-help">${v.settings.passwordSet ? t('server.password.help.set') : t('server.password.help.unset')}</p>
      ${v.settings.passwordSet ? html`<label class="toggle"><input type="checkbox" name="clearPassword" value="on"> ${t('server.password.clear')}</label>` : ''}</div>
    <div class="field"><label for="em-from">${t('server.from')}</label>
      <input id="em-from" name="from" type="email" value="${f.from}" autocapitalize="none" spellcheck="false" autocomplete="email"></div>
  </fieldset>`;
}

function alerts(v: EmailSettingsView, t: T): SafeHtml {
  const f = v.values;
  return html`<fieldset>
    <legend>${t('alerts.legend')}</legend>
    <p class="muted">${t('alerts.help')}</p>
    <label class="toggle"><input type="checkbox" name="alertsEmail" value="on"${checked(f.alertsEmail)}> ${t('alerts.email')}</label>
    <div class="field"><label for="em-webhook">${t('alerts.webhook')}</label>
      <input id="em-webhook" name="webhookUrl" type="url" value="${f.webhookUrl}" autocapitalize="none" spellcheck="false" autocomplete="off" aria-describedby="em-webhook-help">
      <p class="muted" id="em-webhook-help">${t('alerts.webhook.help')}</p></div>
  </fieldset>`;
}

function notice(n: EmailNotice | null): SafeHtml | '' {
  if (n === null) return '';
  return n.kind === 'ok'
    ? html`<div class="flash" role="status">${n.lines.map((l) => html`<p>${l}</p>`)}</div>`
    : html`<div class="field-error" role="alert">${n.lines.map((l) => html`<p>${l}</p>`)}</div>`;
}

/** The page body. */
export function renderEmailSettings(v: EmailSettingsView): SafeHtml {
  const t = translator(emailMessages, v.lang);
  return html`<p><a href="/settings">${t('back')}</a></p>
  ${notice(v.notice)}
  <p>${t('intro')}</p>
  ${status(v, t)}
  <form method="post" action="/settings/email" class="stack" id="email-form">${v.csrf}
    ${weekly(v, t)}${server(v, t)}${alerts(v, t)}
    <button type="submit" class="btn primary">${t('save')}</button>
  </form>
  <section aria-labelledby="email-tests-title">
    <h2 id="email-tests-title">${t('tests.legend')}</h2>
    <p class="muted">${t('tests.help')}</p>
    <div class="row">
      <form method="post" action="/settings/email/test">${v.csrf}<button type="submit" class="btn">${t('test.email')}</button></form>
      <form method="post" action="/settings/email/test-alert">${v.csrf}<button type="submit" class="btn">${t('test.alert')}</button></form>
    </div>
  </section>`;
}
