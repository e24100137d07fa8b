/**
 * HTML of the schedules page: a profile filter, the legend, and per profile its week grid and
 * its list of windows (described in the page language, on/off, edit, remove); then the "add a
 * window" form. Labels and allowed names come from parents: escaped by `html`.
 */
import type { Profile, ScheduleWindow } from '../../policy/model.js';
import { describeWindow } from '../../policy/schedule.js';
import { schedulesMessages } from '../messages/schedules.js';
import { html, type SafeHtml } from '../page/html.js';
import { translator, type Lang } from '../page/i18n.js';
import type { ScheduleFormDraft } from '../schemas/schedules.js';
import { renderWindowForm, type CategoryOption } from './schedules-form.js';
import { renderGridLegend, renderWeekGrid, type NumberedWindow, type SchedulesT } from './schedules-grid.js';

/** What the schedules page shows. */
export interface SchedulesView {
  readonly lang: Lang;
  readonly csrf: SafeHtml;
  readonly timeZone: string;
  readonly profiles: readonly Profile[];
  /** The profile filter (null: all profiles). */
  readonly filter: string | null;
  readonly windows: readonly ScheduleWindow[];
  readonly categories: readonly CategoryOption[];
  readonly draft: ScheduleFormDraft;
  readonly errors: readonly string[];
}

/** Path of a window's actions. */
export function windowPath(id: number, action = ''): string {
  return `/schedules/${id}${action === '' ? '' : `/${action}`}`;
}

function windowRow(view: SchedulesView, item: NumberedWindow, t: SchedulesT): SafeHtml {
  const w = item.window;
  return html`<tr data-window="${w.id}">
    <td data-label="${t('list.col.number')}"><span class="badge ${w.mode === 'bedtime' ? 'danger' : 'warn'}">${w.mode === 'bedtime' ? '☾' : '⊘'} ${item.n}</span></td>
    <td data-label="${t('list.col.window')}"><div>${describeWindow(w, view.lang)}${w.mode === 'bedtime' && w.allow.length > 0 ? html`<br><span class="muted">${w.allow.join(', ')}</span>` : ''}</div></td>
    <td data-label="${t('list.col.state')}">
      <form method="post" action="${windowPath(w.id, 'enabled')}" class="row">
        ${view.csrf}
        <span class="badge ${w.enabled ? 'ok' : ''}">${w.enabled ? t('list.enabled') : t('list.disabled')}</span>
        <input type="hidden" name="enabled" value="${w.enabled ? 'off' : 'on'}">
        <button type="submit" class="btn small">${w.enabled ? t('list.disable') : t('list.enable')}</button>
      </form>
    </td>
    <td>
      <div class="row">
        <a class="btn small" href="${windowPath(w.id, 'edit')}" aria-label="${t('list.edit.label', { n: item.n })}">${t('list.edit')}</a>
        <form method="post" action="${windowPath(w.id, 'remove')}" data-confirm="${t('list.remove.confirm')}">${view.csrf}<button type="submit" class="btn small danger">${t('list.remove')}</button></form>
      </div>
    </td>
  </tr>`;
}

function profileSection(view: SchedulesView, profile: Profile, t: SchedulesT): SafeHtml {
  const items = view.windows.filter((w) => w.profileId === profile.id).map((window, i) => ({ window, n: i + 1 }));
  const heading = html`<h2 id="profile-${profile.id}">${t('schedules.profile', { name: profile.name })}</h2>`;
  return html`<section aria-labelledby="profile-${profile.id}">
    ${heading}
    ${renderWeekGrid(profile.id, profile.name, items, t)}
    <table class="cards windows">
      <caption class="visually-hidden">${t('list.title')}</caption>
      <thead><tr><th scope="col">${t('list.col.number')}</th><th scope="col">${t('list.col.window')}</th><th scope="col">${t('list.col.state')}</th><th scope="col">${t('list.col.actions')}</th></tr></thead>
      <tbody>${items.map((it) => windowRow(view, it, t))}</tbody>
    </table>
  </section>`;
}

/** The page body. Profiles with windows come first; the others are named on one line. */
export function renderSchedulesBody(view: SchedulesView): SafeHtml {
  const t = translator(schedulesMessages, view.lang);
  const shown = view.filter === null ? view.profiles : view.profiles.filter((p) => p.id === view.filter);
  const withWindows = shown.filter((p) => view.windows.some((w) => w.profileId === p.id));
  const without = shown.filter((p) => !withWindows.includes(p));
  return html`<p>${t('schedules.intro', { tz: view.timeZone })}</p>
  <form method="get" action="/schedules" class="row">
    <label for="filter-profile">${t('schedules.filter.label')}</label>
    <select id="filter-profile" name="profile" data-autosubmit>
      <option value="">${t('schedules.filter.all')}</option>
      ${view.profiles.map((p) => html`<option value="${p.id}"${p.id === view.filter ? html` selected` : ''}>${p.name}</option>`)}
    </select>
    <button type="submit" class="btn">${t('schedules.filter.button')}</button>
  </form>
  ${withWindows.length > 0 ? renderGridLegend(t) : ''}
  ${withWindows.map((p) => profileSection(view, p, t))}
  ${without.length > 0 ? html`<p class="muted">${t('schedules.noneFor', { names: without.map((p) => p.name).join(', ') })}</p>` : ''}
  <section aria-labelledby="add-window">
    <h2 id="add-window">${t('form.add.title')}</h2>
    ${renderWindowForm({ t, csrf: view.csrf, action: '/schedules', draft: view.draft, profiles: view.profiles, categories: view.categories, errors: view.errors, editing: false })}
  </section>`;
}
