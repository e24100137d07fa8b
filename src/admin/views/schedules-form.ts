/**
 * The "add / edit a schedule window" form. Works without JavaScript: days are checkboxes plus a
 * quick-choice select (the server takes both), both the category and the allow-list fields are
 * shown (the server keeps the chosen mode's one). public/schedule-editor.js only adds comfort:
 * the quick choice ticks the days, the fields of the other mode are hidden, "overnight" is said.
 */
import { WEEKDAYS } from '../../policy/model.js';
import { html, type SafeHtml } from '../page/html.js';
import { QUICK_DAYS, type ScheduleFormDraft } from '../schemas/schedules.js';
import type { SchedulesT } from './schedules-grid.js';

/** A category the form offers. */
export interface CategoryOption {
  readonly id: string;
  readonly title: string;
}

/** What the form needs. */
export interface WindowFormView {
  readonly t: SchedulesT;
  readonly csrf: SafeHtml;
  readonly action: string;
  readonly draft: ScheduleFormDraft;
  readonly profiles: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  readonly categories: readonly CategoryOption[];
  /** Localized problems of the last submission. */
  readonly errors: readonly string[];
  /** Edit form: shows the "window on" switch and a cancel link. */
  readonly editing: boolean;
  readonly cancelHref?: string;
}

function daysFieldset(view: WindowFormView): SafeHtml {
  const { t, draft } = view;
  return html`<fieldset>
    <legend>${t('form.days')}</legend>
    <p class="muted" id="w-days-help">${t('form.days.help')}</p>
    <div class="grid-week">
      ${WEEKDAYS.map((d) => html`<label><input type="checkbox" name="days" value="${d}"${draft.days.includes(d) ? html` checked` : ''} aria-describedby="w-days-help"> <abbr title="${t(`day.${d}`)}">${t(`day.${d}.short`)}</abbr></label>`)}
    </div>
    <div class="field">
      <label for="w-quick">${t('form.quick')}</label>
      <select id="w-quick" name="quick" data-quick-days>
        <option value="">${t('form.quick.none')}</option>
        ${Object.entries(QUICK_DAYS).map(([id, days]) => html`<option value="${id}" data-days="${days.join(',')}"${draft.quick === id ? html` selected` : ''}>${t(`form.quick.${id as keyof typeof QUICK_DAYS}`)}</option>`)}
      </select>
    </div>
  </fieldset>`;
}

function modeFields(view: WindowFormView): SafeHtml {
  const { t, draft } = view;
  const radio = (mode: 'block' | 'bedtime'): SafeHtml =>
    html`<p><input type="radio" id="w-mode-${mode}" name="mode" value="${mode}"${draft.mode === mode ? html` checked` : ''}> <label for="w-mode-${mode}">${t(`form.mode.${mode}`)}</label></p>`;
  return html`<fieldset>
    <legend>${t('form.mode')}</legend>
    ${radio('bedtime')}
    ${radio('block')}
  </fieldset>
  <fieldset id="w-categories" data-mode="block">
    <legend>${t('form.categories')}</legend>
    ${view.categories.map((c) => html`<div class="field"><label class="toggle"><input type="checkbox" name="categories" value="${c.id}"${draft.categories.includes(c.id) ? html` checked` : ''}> ${c.title}</label></div>`)}
  </fieldset>
  <div id="w-allow" data-mode="bedtime"><div class="field">
    <label for="w-allow-text">${t('form.allow')}</label>
    <textarea id="w-allow-text" name="allow" rows="4" autocapitalize="none" spellcheck="false" aria-describedby="w-allow-help">${draft.allow}</textarea>
    <p class="muted" id="w-allow-help">${t('form.allow.help')}</p>
  </div></div>`;
}

/** The whole form (and the script that enhances it). */
export function renderWindowForm(view: WindowFormView): SafeHtml {
  const { t, draft } = view;
  const errors = view.errors.length === 0 ? '' : html`<div class="field-error" role="alert"><p>${t('error.title')}</p><ul>${view.errors.map((e) => html`<li>${e}</li>`)}</ul></div>`;
  return html`<form method="post" action="${view.action}" class="stack" id="window-form" data-schedule-editor>
    ${view.csrf}
    ${errors}
    <div class="field">
      <label for="w-profile">${t('form.profile')}</label>
      <select id="w-profile" name="profileId">${view.profiles.map((p) => html`<option value="${p.id}"${p.id === draft.profileId ? html` selected` : ''}>${p.name}</option>`)}</select>
    </div>
    ${daysFieldset(view)}
    <div class="row">
      <div class="field"><label for="w-start">${t('form.from')}</label><input type="time" id="w-start" name="start" value="${draft.start}" required aria-describedby="w-times-help"></div>
      <div class="field"><label for="w-end">${t('form.to')}</label><input type="time" id="w-end" name="end" value="${draft.end}" required aria-describedby="w-times-help"></div>
    </div>
    <p class="muted" id="w-times-help">${t('form.times.help')}</p>
    <p class="muted" id="w-overnight" hidden data-overnight aria-live="polite"><strong>${t('form.overnight')}</strong></p>
    ${modeFields(view)}
    <div class="field"><label for="w-label">${t('form.label')}</label><input type="text" id="w-label" name="label" maxlength="60" value="${draft.label}" autocomplete="off"></div>
    ${view.editing ? html`<input type="hidden" name="formEnabled" value="1">
    <label class="toggle"><input type="checkbox" name="enabled" value="on"${draft.enabled ? html` checked` : ''}> ${t('form.enabled')}</label>` : ''}
    <div class="row">
      <button type="submit" class="btn primary">${view.editing ? t('form.save') : t('form.add')}</button>
      ${view.cancelHref ? html`<a class="btn" href="${view.cancelHref}">${t('form.cancel')}</a>` : ''}
    </div>
  </form>
  <script src="/assets/schedule-editor.js" defer></script>`;
}
