/**
 * HTML of the devices page: one card (<article class="panel">) per device, new ones first: last
 * seen, addresses, MAC with the private-address flag, the name and profile form, the override in
 * force with "end now", the "pause filtering" / "block everything now" forms, and "forget"
 * (folded). Cards rather than a table: six forms per device do not fit table cells on a phone.
 * Every device-supplied value (name, hostname, addresses) goes through `html` (escaped).
 */
import { deviceLabel } from '../../policy/build-snapshot.js';
import type { Device, Override, Profile } from '../../policy/model.js';
import { devicesMessages } from '../messages/devices.js';
import { html, type SafeHtml } from '../page/html.js';
import { formatDateTime, translator, type Lang, type Translate } from '../page/i18n.js';
import { BLOCK_CHOICES, PAUSE_CHOICES } from '../schemas/pause.js';
import { formatAgo, formatClock, formatLeft } from './devices-time.js';
import { deviceRulesSection, turnOffForm, type DeviceRuleView } from './devices-rules.js';

type T = Translate<keyof (typeof devicesMessages)['en']>;

/** A form that failed, to show its message and keep what the parent typed. */
export interface DeviceFormError {
  readonly deviceId: string;
  readonly message: string;
  readonly draft?: { readonly name: string; readonly profileId: string };
}

/** What the devices page shows. */
export interface DevicesView {
  readonly lang: Lang;
  readonly now: number;
  readonly timeZone: string;
  readonly csrf: SafeHtml;
  readonly devices: readonly Device[];
  readonly profiles: readonly Profile[];
  readonly defaultProfile: Profile;
  readonly overrides: ReadonlyMap<string, Override>;
  /** Each device's own rules (issue 11); a device without any may be missing. */
  readonly rules?: ReadonlyMap<string, readonly DeviceRuleView[]>;
  readonly error?: DeviceFormError | null;
  /** Which page of the devices this is (absent: all devices are given). */
  readonly paging?: { readonly page: number; readonly pages: number; readonly total: number; readonly newCount: number };
}

/** Path of a device's page actions (ids contain ':' and may contain '%': always encoded). */
export function devicePath(id: string, action = ''): string {
  return `/devices/${encodeURIComponent(id)}${action === '' ? '' : `/${action}`}`;
}

function duration(minutes: number, t: T): string {
  return minutes < 60 ? t('devices.duration.minutes', { n: minutes }) : t('devices.duration.hours', { n: minutes / 60 });
}

function settingsForm(view: DevicesView, device: Device, n: number, t: T): SafeHtml {
  const draft = view.error?.deviceId === device.id ? view.error.draft : undefined;
  const name = draft?.name ?? device.name ?? '';
  const profileId = draft?.profileId ?? device.profileId ?? '';
  const option = (value: string, label: string): SafeHtml => html`<option value="${value}"${value === profileId ? html` selected` : ''}>${label}</option>`;
  return html`<form method="post" action="${devicePath(device.id)}" class="stack">
      ${view.csrf}
      <div class="field">
        <label for="name-${n}">${t('devices.name')}</label>
        <input id="name-${n}" name="name" type="text" maxlength="60" value="${name}" autocomplete="off">
      </div>
      <div class="field">
        <label for="profile-${n}">${t('devices.profile')}</label>
        <select id="profile-${n}" name="profileId">
          ${option('', t('devices.profile.default', { name: view.defaultProfile.name }))}
          ${view.profiles.map((p) => option(p.id, p.name))}
        </select>
      </div>
      <button type="submit" class="btn primary">${t('devices.save')}</button>
    </form>`;
}

function details(view: DevicesView, device: Device, n: number, t: T): SafeHtml {
  const flag = device.randomizedMac ? html` <span class="badge warn">${t('devices.private')}</span>` : '';
  const mac = device.mac === null
    ? html`<p class="muted">${t('devices.mac.unknown')}</p>`
    : html`<p>${t('devices.mac', { mac: device.mac })}${flag}</p>`;
  return html`<p><strong>${t('devices.col.seen')}${t('devices.colon')}</strong><time datetime="${new Date(device.lastSeen).toISOString()}">${formatAgo(device.lastSeen, view.now, view.lang)}</time>
      <span class="muted">(${t('devices.firstSeen', { when: formatDateTime(device.firstSeen, view.lang, view.timeZone) })})</span></p>
    ${device.addresses.length > 0 ? html`<p>${t('devices.addresses', { list: device.addresses.join(', ') })}</p>` : ''}
    ${mac}
    ${device.randomizedMac ? html`<p id="private-${n}" class="muted">${t('devices.private.help')}</p>` : ''}`;
}

function overrideText(view: DevicesView, override: Override | undefined, t: T): string {
  if (override === undefined) return t('devices.override.none');
  const params = { left: formatLeft(override.until, view.now, view.lang), until: formatClock(override.until, view.now, view.lang, view.timeZone) };
  return t(override.kind === 'pause' ? 'devices.override.pause' : override.kind === 'off' ? 'devices.override.off' : 'devices.override.block', params);
}

function nowSection(view: DevicesView, device: Device, n: number, t: T): SafeHtml {
  const override = view.overrides.get(device.id);
  return html`<h3>${t('devices.col.now')}</h3>
    ${override === undefined ? html`<p class="muted">${overrideText(view, override, t)}</p>` : html`<div class="row">
      <p><strong>${overrideText(view, override, t)}</strong></p>
      <form method="post" action="${devicePath(device.id, 'end')}">${view.csrf}<button type="submit" class="btn">${t('devices.end')}</button></form>
    </div>`}
    <div class="row">
      <form method="post" action="${devicePath(device.id, 'pause')}" class="stack">
        ${view.csrf}
        <div class="field">
          <label for="pause-${n}">${t('devices.pause.label')}</label>
          <select id="pause-${n}" name="minutes">${PAUSE_CHOICES.map((m) => html`<option value="${m}"${m === 30 ? html` selected` : ''}>${duration(m, t)}</option>`)}</select>
        </div>
        <p class="muted">${t('devices.pause.help')}</p>
        <button type="submit" class="btn">${t('devices.pause.button')}</button>
      </form>
      <form method="post" action="${devicePath(device.id, 'block')}" class="stack">
        ${view.csrf}
        <div class="field">
          <label for="block-${n}">${t('devices.block.label')}</label>
          <select id="block-${n}" name="minutes">
            ${BLOCK_CHOICES.map((m) => html`<option value="${m}"${m === 60 ? html` selected` : ''}>${duration(m, t)}</option>`)}
            <option value="morning">${t('devices.block.morning')}</option>
          </select>
        </div>
        <button type="submit" class="btn danger">${t('devices.block.button')}</button>
      </form>
    </div>`;
}

function deviceCard(view: DevicesView, device: Device, n: number, t: T): SafeHtml {
  const isNew = device.profileId === null;
  const error = view.error?.deviceId === device.id ? html`<p class="field-error" role="alert">${view.error.message}</p>` : '';
  return html`<article class="panel device${isNew ? ' new' : ''}" id="device-${n}" aria-labelledby="device-${n}-name">
    <h2 id="device-${n}-name">${deviceLabel(device)}${isNew ? html` <span class="badge warn">${t('devices.new')}</span>` : ''}</h2>
    <p class="muted">${device.hostname !== null ? html`${t('devices.hostname', { hostname: device.hostname })} · ` : ''}${t('devices.id', { id: device.id })}</p>
    ${error}
    ${details(view, device, n, t)}
    ${settingsForm(view, device, n, t)}
    ${nowSection(view, device, n, t)}
    ${turnOffForm(device, n, view.csrf, (m) => duration(m, t), t)}
    ${deviceRulesSection(device, view.rules?.get(device.id) ?? [], n, view.csrf, t)}
    <details>
      <summary>${t('devices.forget')}</summary>
      <form method="post" action="${devicePath(device.id, 'forget')}" class="stack" data-confirm="${t('devices.forget.confirm', { name: deviceLabel(device) })}">
        ${view.csrf}
        <p id="forget-${n}" class="muted">${t('devices.forget.help')}</p>
        <button type="submit" class="btn danger" aria-describedby="forget-${n}">${t('devices.forget')}</button>
      </form>
    </details>
  </article>`;
}

function pager(paging: NonNullable<DevicesView['paging']>, t: T): SafeHtml | '' {
  if (paging.pages <= 1) return '';
  const link = (n: number, label: string, rel: string): SafeHtml => html`<a class="btn" rel="${rel}" href="/devices?page=${n}">${label}</a>`;
  return html`<nav class="row" aria-label="${t('devices.pages')}">
    ${paging.page > 1 ? link(paging.page - 1, t('devices.previous'), 'prev') : ''}
    <span class="muted">${t('devices.pageOf', { page: paging.page, pages: paging.pages, total: paging.total })}</span>
    ${paging.page < paging.pages ? link(paging.page + 1, t('devices.next'), 'next') : ''}
  </nav>`;
}

/** The page body (the frame adds the title and the flash). New devices come first. */
export function renderDevicesBody(view: DevicesView): SafeHtml {
  const t = translator(devicesMessages, view.lang);
  if (view.devices.length === 0 && (view.paging?.total ?? 0) === 0) return html`<p>${t('devices.empty')}</p>`;
  const sorted = [...view.devices].sort((a, b) => Number(a.profileId !== null) - Number(b.profileId !== null));
  const newCount = view.paging?.newCount ?? sorted.filter((d) => d.profileId === null).length;
  const nav = view.paging ? pager(view.paging, t) : '';
  const orphanError = view.error && !view.devices.some((d) => d.id === view.error?.deviceId) ? html`<p class="field-error" role="alert">${view.error.message}</p>` : '';
  return html`<p>${t('devices.intro')}</p>
  ${newCount > 0 ? html`<p class="flash warn" role="status">${t('devices.newCount', { n: newCount })}</p>` : ''}
  ${orphanError}
  ${nav}
  ${sorted.map((d, i) => deviceCard(view, d, i + 1, t))}
  ${nav}`;
}
