/**
 * The report page around the report itself (src/report/render-html.ts): the week picker
 * (previous / this / next links and an `<input type="week">` form), the device selector (whole
 * home by default), the download links (CSV, JSON) and the print hint. Its stylesheet,
 * /assets/report.css, is linked from the body (the frame loads only app.css; the CSP allows our
 * own stylesheets anywhere).
 */
import { reportMessages } from '../messages/report.js';
import { html, type SafeHtml } from '../page/html.js';
import { translator, type Lang, type Translate } from '../page/i18n.js';
import { plainLabel } from '../../report/report-format.js';

type T = Translate<keyof (typeof reportMessages)['en']>;

/** What the page shows around the report. */
export interface ReportPageView {
  readonly lang: Lang;
  /** The week shown (`2026-W48`), or what was typed when it was refused. */
  readonly week: string;
  /** The weeks before and after; next is null when it has not started yet. */
  readonly previousWeek: string | null;
  readonly nextWeek: string | null;
  /** The week in progress (the "this week" link). */
  readonly currentWeek: string;
  /** The device shown alone, or null for the whole home. */
  readonly device: string | null;
  /** Devices to choose from (those of the report). */
  readonly devices: ReadonlyArray<{ readonly id: string; readonly label: string }>;
  /** The report's body, or null when it could not be built. */
  readonly body: SafeHtml | null;
  /** Why there is no body (already translated). */
  readonly error: string | null;
}

/** `/report?week=…&device=…` (device omitted for the whole home). */
export function reportHref(week: string, device: string | null): string {
  const params = new URLSearchParams({ week });
  if (device !== null) params.set('device', device);
  return `/report?${params.toString()}`;
}

function weekLinks(v: ReportPageView, t: T): SafeHtml {
  return html`<nav class="row report-weeks" aria-label="${t('picker.nav')}">
    ${v.previousWeek === null ? '' : html`<a class="btn small" href="${reportHref(v.previousWeek, v.device)}" rel="prev">${t('picker.previous')}</a>`}
    ${v.week === v.currentWeek ? '' : html`<a class="btn small" href="${reportHref(v.currentWeek, v.device)}">${t('picker.current')}</a>`}
    ${v.nextWeek === null ? '' : html`<a class="btn small" href="${reportHref(v.nextWeek, v.device)}" rel="next">${t('picker.next')}</a>`}
  </nav>`;
}

function picker(v: ReportPageView, t: T): SafeHtml {
  const known = v.devices.some((d) => d.id === v.device);
  return html`<form method="get" action="/report" class="report-picker">
    <fieldset>
      <legend>${t('picker.legend')}</legend>
      <div class="report-picker-fields">
        <div class="field">
          <label for="report-week">${t('picker.week')}</label>
          <input id="report-week" name="week" type="week" value="${v.week}" pattern="[0-9]{4}-W[0-9]{2}" required aria-describedby="report-week-help"${v.error === null ? '' : html` aria-invalid="true"`}>
          <p class="muted" id="report-week-help">${t('picker.week.help')}</p>
        </div>
        <div class="field">
          <label for="report-device">${t('picker.device')}</label>
          <select id="report-device" name="device">
            <option value=""${v.device === null ? html` selected` : ''}>${t('picker.home')}</option>
            ${v.devices.map((d) => html`<option value="${d.id}"${d.id === v.device ? html` selected` : ''}>${plainLabel(d.label, 60)}</option>`)}
            ${v.device !== null && !known ? html`<option value="${v.device}" selected>${plainLabel(v.device, 60)}</option>` : ''}
          </select>
        </div>
      </div>
      <button type="submit" class="btn primary">${t('picker.show')}</button>
    </fieldset>
  </form>`;
}

function exports(v: ReportPageView, t: T): SafeHtml {
  const q = (format: string): string => `/api/report?${new URLSearchParams({ week: v.week, format, lang: v.lang }).toString()}`;
  return html`<section class="report-exports no-print" aria-labelledby="exports-title">
    <h2 id="exports-title">${t('export.title')}</h2>
    <p class="row"><a class="btn small" href="${q('csv')}" download>${t('export.csv')}</a><a class="btn small" href="${q('json')}" download>${t('export.json')}</a></p>
    <p class="muted">${t('print')}</p>
  </section>`;
}

/** The page body. */
export function renderReportPage(v: ReportPageView): SafeHtml {
  const t = translator(reportMessages, v.lang);
  return html`<link rel="stylesheet" href="/assets/report.css">
  <div class="report-controls no-print">${weekLinks(v, t)}${picker(v, t)}</div>
  ${v.error === null ? '' : html`<p class="field-error" role="alert">${v.error}</p>`}
  <div class="report">${v.body ?? ''}</div>
  ${v.body === null ? '' : exports(v, t)}`;
}
