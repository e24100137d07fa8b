/**
 * Parts of a device card added for issue 11: the device's own rules ("Allowed for this device:
 * Discord") with a small form to add or remove one, and "Turn everything off" (override 'off'),
 * kept apart from the pause and confirmed twice: a required checkbox (works without script) and
 * data-confirm (app.js).
 */
import { deviceLabel } from '../../policy/build-snapshot.js';
import type { Device } from '../../policy/model.js';
import type { devicesMessages } from '../messages/devices.js';
import { html, type SafeHtml } from '../page/html.js';
import type { Translate } from '../page/i18n.js';
import { PAUSE_CHOICES } from '../schemas/pause.js';

type T = Translate<keyof (typeof devicesMessages)['en']>;

/** One rule as the card shows it (`label`: the service's name, or the name itself). */
export interface DeviceRuleView {
  readonly kind: 'allow' | 'block';
  readonly targetType: 'service' | 'name';
  readonly target: string;
  readonly label: string;
}

const path = (id: string, action: string): string => `/devices/${encodeURIComponent(id)}/${action}`;

/** The device's rules and the add form. */
export function deviceRulesSection(device: Device, rules: readonly DeviceRuleView[], n: number, csrf: SafeHtml, t: T): SafeHtml {
  const list = rules.length === 0 ? html`<p class="muted">${t('devices.rules.none')}</p>` : html`<ul class="device-rules">${rules.map((r) => html`<li>
      ${t(r.kind === 'allow' ? 'devices.rules.allowed' : 'devices.rules.blocked', { what: r.label })}
      <form method="post" action="${path(device.id, 'rules/remove')}" class="inline">${csrf}
        <input type="hidden" name="targetType" value="${r.targetType}"><input type="hidden" name="target" value="${r.target}">
        <button type="submit" class="btn link" aria-label="${t('devices.rules.removeLabel', { what: r.label })}">${t('devices.rules.remove')}</button></form></li>`)}</ul>`;
  return html`<h3>${t('devices.rules.title')}</h3>
    ${list}
    <form method="post" action="${path(device.id, 'rules')}" class="stack">
      ${csrf}
      <label for="rule-target-${n}">${t('devices.rules.target')}</label>
      <input id="rule-target-${n}" name="target" type="text" required maxlength="300" autocomplete="off" autocapitalize="none" spellcheck="false">
      <fieldset class="row"><legend>${t('devices.rules.kind')}</legend>
        <input type="radio" id="rule-allow-${n}" name="kind" value="allow" checked> <label for="rule-allow-${n}">${t('devices.rules.allow')}</label>
        <input type="radio" id="rule-block-${n}" name="kind" value="block"> <label for="rule-block-${n}">${t('devices.rules.block')}</label>
      </fieldset>
      <button type="submit" class="btn">${t('devices.rules.add')}</button>
    </form>`;
}

/** "Turn everything off", inside a closed <details> so it is never the obvious button. */
export function turnOffForm(device: Device, n: number, csrf: SafeHtml, duration: (m: number) => string, t: T): SafeHtml {
  return html`<details class="turn-off">
      <summary>${t('devices.off.title')}</summary>
      <form method="post" action="${path(device.id, 'off')}" class="stack" data-confirm="${t('devices.off.confirm', { name: deviceLabel(device) })}">
        ${csrf}
        <p id="off-help-${n}" class="muted">${t('devices.off.help')}</p>
        <label for="off-${n}">${t('devices.off.label')}</label>
        <select id="off-${n}" name="minutes">${PAUSE_CHOICES.map((m) => html`<option value="${m}"${m === 30 ? html` selected` : ''}>${duration(m)}</option>`)}</select>
        <label class="toggle"><input type="checkbox" name="confirm" value="yes" required> ${t('devices.off.understand')}</label>
        <button type="submit" class="btn danger" aria-describedby="off-help-${n}">${t('devices.off.button')}</button>
      </form>
    </details>`;
}
