/** HTML of the profiles list: one card per profile, "make default", and the "new profile" form. */
import type { Preset, Profile } from '../../policy/model.js';
import { profilesMessages } from '../messages/profiles.js';
import { html, type SafeHtml } from '../page/html.js';
import { translator, type Lang, type Translate } from '../page/i18n.js';

/** The profile-area translator. */
export type ProfilesT = Translate<keyof (typeof profilesMessages)['en']>;

/** A preset's name in the page language. */
export function presetName(preset: Preset, t: ProfilesT): string {
  return t(`preset.${preset}`);
}

/** Path of a profile's page (ids are slugs, encoded anyway). */
export function profilePath(id: string, action = ''): string {
  return `/profiles/${encodeURIComponent(id)}${action === '' ? '' : `/${action}`}`;
}

/** One line of the list. */
export interface ProfileSummary {
  readonly profile: Profile;
  readonly isDefault: boolean;
  /** Titles of the blocked categories, in the page language. */
  readonly blocked: readonly string[];
  readonly devices: number;
  readonly windows: number;
}

/** What the list page shows. */
export interface ProfilesListView {
  readonly lang: Lang;
  readonly csrf: SafeHtml;
  readonly rows: readonly ProfileSummary[];
  /** A "new profile" form that failed: the message and what was typed. */
  readonly error?: { readonly message: string; readonly name: string; readonly from: string } | null;
}

function row(view: ProfilesListView, r: ProfileSummary, t: ProfilesT): SafeHtml {
  const p = r.profile;
  const makeDefault = r.isDefault
    ? html`<span class="badge ok" title="${t('profiles.isDefault')}">${t('profiles.isDefault.short')}</span>`
    : html`<form method="post" action="${profilePath(p.id, 'default')}">${view.csrf}<button type="submit" class="btn">${t('profiles.makeDefault')}</button></form>`;
  return html`<tr>
    <td data-label="${t('profiles.col.name')}"><div><a href="${profilePath(p.id)}" aria-label="${t('profiles.edit', { name: p.name })}"><strong>${p.name}</strong></a>
      <span class="muted">${p.id}</span>${p.builtIn ? html` <span class="badge">${t('profiles.builtIn')}</span>` : ''}</div></td>
    <td data-label="${t('profiles.col.base')}">${presetName(p.base, t)}</td>
    <td data-label="${t('profiles.col.safeSearch')}">${p.safeSearch ? t('profiles.on') : t('profiles.off')}</td>
    <td data-label="${t('profiles.col.blocked')}"><div>${r.blocked.length === 0 ? t('profiles.nothing') : r.blocked.join(', ')}</div></td>
    <td data-label="${t('profiles.col.devices')}">${r.devices}</td>
    <td data-label="${t('profiles.col.windows')}"><a href="/schedules?profile=${encodeURIComponent(p.id)}">${r.windows}</a></td>
    <td data-label="${t('profiles.col.default')}">${makeDefault}</td>
  </tr>`;
}

function createForm(view: ProfilesListView, t: ProfilesT): SafeHtml {
  const from = view.error?.from || 'child';
  return html`<section aria-labelledby="new-profile">
    <h2 id="new-profile">${t('profiles.create.title')}</h2>
    ${view.error ? html`<p class="field-error" role="alert">${view.error.message}</p>` : ''}
    <form method="post" action="/profiles" class="stack">
      ${view.csrf}
      <label for="new-name">${t('profiles.create.name')}</label>
      <input id="new-name" name="name" type="text" required maxlength="60" value="${view.error?.name ?? ''}" autocomplete="off">
      <label for="new-from">${t('profiles.create.from')}</label>
      <select id="new-from" name="from">
        ${view.rows.map(({ profile: p }) => html`<option value="${p.id}"${p.id === from ? html` selected` : ''}>${p.builtIn ? `${p.name} (${presetName(p.base, t)})` : p.name}</option>`)}
      </select>
      <button type="submit" class="btn primary">${t('profiles.create.button')}</button>
    </form>
  </section>`;
}

/** The list page body. */
export function renderProfilesBody(view: ProfilesListView): SafeHtml {
  const t = translator(profilesMessages, view.lang);
  return html`<p>${t('profiles.intro')}</p>
  <table class="cards profiles">
    <thead><tr>
      <th scope="col">${t('profiles.col.name')}</th><th scope="col">${t('profiles.col.base')}</th><th scope="col">${t('profiles.col.safeSearch')}</th>
      <th scope="col">${t('profiles.col.blocked')}</th><th scope="col">${t('profiles.col.devices')}</th><th scope="col">${t('profiles.col.windows')}</th>
      <th scope="col">${t('profiles.col.default')}</th>
    </tr></thead>
    <tbody>${view.rows.map((r) => row(view, r, t))}</tbody>
  </table>
  ${createForm(view, t)}`;
}
