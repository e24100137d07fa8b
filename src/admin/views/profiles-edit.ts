/**
 * HTML of one profile's page: rename, what is blocked (a `toggle` checkbox per category with its
 * description and the preset default as a hint, "back to the default" per category, SafeSearch),
 * the profile's own allow/block entries, and delete. Works without JavaScript: the "back to the
 * default" buttons submit a separate form (`form=` attribute), so no form is nested.
 */
import type { Profile, ProfileRule } from '../../policy/model.js';
import { profilesMessages } from '../messages/profiles.js';
import { html, type SafeHtml } from '../page/html.js';
import { translator, type Lang } from '../page/i18n.js';
import type { CategoryChoice } from '../routes/profiles-categories.js';
import { presetName, profilePath, type ProfilesT } from './profiles.js';
import { servicesFieldset, type ServiceGroup } from './profiles-services.js';

/** Which part of the page a failed form belongs to. */
export type ProfileSection = 'rename' | 'filter' | 'rules' | 'delete';

/** What one profile's page shows. */
export interface ProfileEditView {
  readonly lang: Lang;
  readonly csrf: SafeHtml;
  readonly profile: Profile;
  readonly isDefault: boolean;
  readonly devices: number;
  readonly windows: number;
  readonly categories: readonly CategoryChoice[];
  readonly rules: readonly ProfileRule[];
  /** The catalog's services by category (empty when the catalog lists none). */
  readonly services: readonly ServiceGroup[];
  readonly error?: { readonly section: ProfileSection; readonly message: string; readonly draft?: Readonly<Record<string, string>> } | null;
}

function errorOf(view: ProfileEditView, section: ProfileSection): SafeHtml | '' {
  return view.error?.section === section ? html`<p class="field-error" role="alert">${view.error.message}</p>` : '';
}

function renameForm(view: ProfileEditView, t: ProfilesT): SafeHtml {
  const name = view.error?.section === 'rename' ? (view.error.draft?.name ?? '') : view.profile.name;
  return html`<section aria-labelledby="rename-title">
    <h2 id="rename-title">${t('profile.rename.title')}</h2>
    ${errorOf(view, 'rename')}
    <form method="post" action="${profilePath(view.profile.id, 'name')}" class="row">
      ${view.csrf}
      <label for="profile-name">${t('profile.rename.label')}</label>
      <input id="profile-name" name="name" type="text" required maxlength="60" value="${name}" autocomplete="off">
      <button type="submit" class="btn">${t('profile.rename.button')}</button>
    </form>
  </section>`;
}

function categoryField(view: ProfileEditView, c: CategoryChoice, t: ProfilesT): SafeHtml {
  const id = `cat-${c.id}`;
  const preset = presetName(view.profile.base, t);
  const hint = t('profile.hint', { preset, state: c.presetDefault ? t('profile.blocked') : t('profile.allowed') });
  const reset = c.explicit === null ? '' : html`
      <button type="submit" form="reset-form" name="category" value="${c.id}" class="btn link" aria-label="${t('profile.reset.label', { title: c.title })}">${t('profile.reset')}</button>`;
  return html`<div class="field${c.explicit === null ? '' : ' changed'}">
      <input type="hidden" name="shown" value="${c.id}">
      <label class="toggle"><input type="checkbox" id="${id}" name="block" value="${c.id}"${c.blocked ? html` checked` : ''} aria-describedby="${id}-help"> ${c.title}</label>
      <p id="${id}-help" class="muted">${c.description === '' ? '' : html`${c.description} `}<span class="hint">(${hint}${c.explicit === null ? '' : html` · ${t('profile.yourChoice')}`})</span></p>${reset}
    </div>`;
}

function filterForm(view: ProfileEditView, t: ProfilesT): SafeHtml {
  const catalog = view.categories.filter((c) => c.inCatalog);
  const others = view.categories.filter((c) => !c.inCatalog);
  return html`<section aria-labelledby="filter-title">
    <h2 id="filter-title">${t('profile.filter.title')}</h2>
    <p>${t('profile.filter.help')}</p>
    ${errorOf(view, 'filter')}
    <form method="post" action="${profilePath(view.profile.id, 'filtering')}" class="stack" id="filter-form">
      ${view.csrf}
      <fieldset>
        <legend>${t('profile.catalog')}</legend>
        ${catalog.map((c) => categoryField(view, c, t))}
      </fieldset>
      ${others.length === 0 ? '' : html`<fieldset>
        <legend>${t('profile.others')}</legend>
        <p class="muted">${t('profile.others.help')}</p>
        ${others.map((c) => categoryField(view, c, t))}
      </fieldset>`}
      ${servicesFieldset(view.services, view.lang, t)}
      <fieldset>
        <legend>${t('profile.safeSearch')}</legend>
        <div class="field">
          <label class="toggle"><input type="checkbox" id="safe-search" name="safeSearch" value="on"${view.profile.safeSearch ? html` checked` : ''} aria-describedby="safe-search-help"> ${t('profile.safeSearch')}</label>
          <p id="safe-search-help" class="muted">${t('profile.safeSearch.help')}</p>
        </div>
      </fieldset>
      <button type="submit" class="btn primary">${t('profile.save')}</button>
    </form>
    <form method="post" action="${profilePath(view.profile.id, 'reset')}" id="reset-form">${view.csrf}</form>
  </section>`;
}

function rulesSection(view: ProfileEditView, t: ProfilesT): SafeHtml {
  const draft = view.error?.section === 'rules' ? view.error.draft : undefined;
  const kind = draft?.kind ?? 'allow';
  const scope = draft?.scope ?? 'subdomains';
  const radio = (name: string, value: string, checked: boolean, label: string): SafeHtml =>
    html`<input type="radio" id="rule-${name}-${value}" name="${name}" value="${value}"${checked ? html` checked` : ''}> <label for="rule-${name}-${value}">${label}</label>`;
  const table = view.rules.length === 0 ? html`<p class="muted">${t('profile.rules.none')}</p>` : html`<table class="cards rules">
      <thead><tr><th scope="col">${t('profile.rules.col.name')}</th><th scope="col">${t('profile.rules.col.kind')}</th><th scope="col">${t('profile.rules.col.scope')}</th><th scope="col"><span class="visually-hidden">${t('profile.delete.title')}</span></th></tr></thead>
      <tbody>${view.rules.map((r) => html`<tr>
        <td data-label="${t('profile.rules.col.name')}">${r.name}</td>
        <td data-label="${t('profile.rules.col.kind')}"><span class="badge${r.kind === 'block' ? ' warn' : ''}">${r.kind === 'allow' ? t('profile.rules.allow') : t('profile.rules.block')}</span></td>
        <td data-label="${t('profile.rules.col.scope')}">${r.subdomains ? t('profile.rules.subdomains') : t('profile.rules.exact')}</td>
        <td><form method="post" action="${profilePath(view.profile.id, 'rules/remove')}">${view.csrf}
          <input type="hidden" name="name" value="${r.name}"><input type="hidden" name="kind" value="${r.kind}">
          <button type="submit" class="btn danger" aria-label="${t('profile.rules.remove', { name: r.name })}">${t('profile.delete.title')}</button></form></td>
      </tr>`)}</tbody>
    </table>`;
  return html`<section aria-labelledby="rules-title">
    <h2 id="rules-title">${t('profile.rules.title')}</h2>
    <p class="muted">${t('profile.rules.help')}</p>
    ${table}
    <h3>${t('profile.rules.add')}</h3>
    ${errorOf(view, 'rules')}
    <form method="post" action="${profilePath(view.profile.id, 'rules')}" class="stack">
      ${view.csrf}
      <label for="rule-name">${t('profile.rules.name')}</label>
      <input id="rule-name" name="name" type="text" required maxlength="300" value="${draft?.name ?? ''}" autocomplete="off" autocapitalize="none" spellcheck="false">
      <fieldset class="row"><legend>${t('profile.rules.kind')}</legend>
        ${radio('kind', 'allow', kind === 'allow', t('profile.rules.allow'))} ${radio('kind', 'block', kind === 'block', t('profile.rules.block'))}
      </fieldset>
      <fieldset class="row"><legend>${t('profile.rules.scope')}</legend>
        ${radio('scope', 'subdomains', scope === 'subdomains', t('profile.rules.subdomains'))} ${radio('scope', 'exact', scope === 'exact', t('profile.rules.exact'))}
      </fieldset>
      <button type="submit" class="btn primary">${t('profile.rules.addButton')}</button>
    </form>
  </section>`;
}

function deleteSection(view: ProfileEditView, t: ProfilesT): SafeHtml {
  const { profile } = view;
  const body = profile.builtIn
    ? html`<p class="muted">${t('profile.delete.builtIn')}</p>`
    : view.isDefault
      ? html`<p class="muted">${t('profile.delete.default')}</p>`
      : html`<form method="post" action="${profilePath(profile.id, 'delete')}" data-confirm="${t('profile.delete.confirm', { name: profile.name })}">${view.csrf}
          <p id="delete-help" class="muted">${t('profile.delete.help')}</p>
          <button type="submit" class="btn danger" aria-describedby="delete-help">${t('profile.delete.button')}</button></form>`;
  return html`<section aria-labelledby="delete-title"><h2 id="delete-title">${t('profile.delete.title')}</h2>${errorOf(view, 'delete')}${body}</section>`;
}

/** The page body of one profile. */
export function renderProfileEditBody(view: ProfileEditView): SafeHtml {
  const t = translator(profilesMessages, view.lang);
  const p = view.profile;
  return html`<p class="muted">${t('profile.meta', { id: p.id, base: presetName(p.base, t), devices: view.devices, windows: view.windows })}
    ${view.isDefault ? html` <span class="badge">${t('profiles.isDefault')}</span>` : ''}</p>
  <p><a href="/schedules?profile=${encodeURIComponent(p.id)}">${t('profile.schedulesLink')}</a></p>
  ${filterForm(view, t)}
  ${rulesSection(view, t)}
  ${renameForm(view, t)}
  ${deleteSection(view, t)}`;
}
