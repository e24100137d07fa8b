/**
 * The activity page: a GET filter form (device, category, local dates, name search) and one page
 * of blocked attempts with a link to the older ones. Names, devices and lists come from the
 * network or from people: they only reach the page through `html` (escaped).
 */
import type { CatalogEntry } from '../../blocklists/load-catalog.js';
import type { Lang } from '../page/i18n.js';
import { formatDateTime, translator } from '../page/i18n.js';
import { html, type SafeHtml } from '../page/html.js';
import { activityMessages } from '../messages/activity.js';
import { categoryTitle } from './activity-labels.js';

/** What the filter form shows (as typed, so a rejected filter is kept). */
export interface ActivityFormValues {
  readonly device: string;
  readonly category: string;
  readonly from: string;
  readonly to: string;
  readonly q: string;
}

/** One row as displayed. */
export interface ActivityRow {
  readonly time: number;
  readonly deviceName: string;
  readonly name: string;
  readonly qtype: string;
  readonly category: string;
  /** The list id, or what it is for people (a subscription's URL, a catalog title). */
  readonly listLabel: string;
  readonly rule: string;
  /** The catalog service the name belongs to, in the page's language ("Yubo" beside "yellw.co"), or null. */
  readonly service: string | null;
}

export interface ActivityView {
  readonly lang: Lang;
  readonly timeZone: string;
  readonly catalog: readonly CatalogEntry[];
  readonly values: ActivityFormValues;
  readonly devices: ReadonlyArray<{ readonly id: string; readonly label: string }>;
  readonly categories: readonly string[];
  readonly rows: readonly ActivityRow[] | null;
  /** Link to the next (older) page; null on the last page. */
  readonly olderHref: string | null;
  /** True when this page is not the first one. */
  readonly paged: boolean;
  /** Why the filters were refused (400), already translated. */
  readonly error: string | null;
}

function option(value: string, label: string, selected: string): SafeHtml {
  return html`<option value="${value}"${value === selected ? html` selected` : ''}>${label}</option>`;
}

function filterForm(v: ActivityView): SafeHtml {
  const t = translator(activityMessages, v.lang);
  const deviceIds = new Set(v.devices.map((d) => d.id));
  const devices = v.values.device !== '' && !deviceIds.has(v.values.device) ? [...v.devices, { id: v.values.device, label: v.values.device }] : v.devices;
  return html`
    <form method="get" action="/activity" class="stack filters" role="search">
      <fieldset>
        <legend>${t('filter.legend')}</legend>
        <label for="f-device">${t('filter.device')}</label>
        <select id="f-device" name="device">${option('', t('filter.all'), v.values.device)}${devices.map((d) => option(d.id, d.label, v.values.device))}</select>
        <label for="f-category">${t('filter.category')}</label>
        <select id="f-category" name="category">${option('', t('filter.all'), v.values.category)}${v.categories.map((c) => option(c, categoryTitle(c, v.catalog, v.lang), v.values.category))}</select>
        <div class="row">
          <span><label for="f-from">${t('filter.from')}</label>
          <input id="f-from" name="from" type="date" value="${v.values.from}"></span>
          <span><label for="f-to">${t('filter.to')}</label>
          <input id="f-to" name="to" type="date" value="${v.values.to}"></span>
        </div>
        <label for="f-q">${t('filter.q')}</label>
        <input id="f-q" name="q" type="search" maxlength="253" value="${v.values.q}" autocomplete="off" spellcheck="false">
        <div class="row">
          <button type="submit" class="btn primary">${t('filter.submit')}</button>
          <a class="btn" href="/activity">${t('filter.clear')}</a>
        </div>
      </fieldset>
    </form>`;
}

function table(v: ActivityView, rows: readonly ActivityRow[]): SafeHtml {
  const t = translator(activityMessages, v.lang);
  if (rows.length === 0) return html`<p class="muted" role="status">${t('empty')}</p>`;
  return html`
    <table class="cards activity">
      <thead><tr><th scope="col">${t('col.time')}</th><th scope="col">${t('col.device')}</th><th scope="col">${t('col.name')}</th><th scope="col">${t('col.type')}</th><th scope="col">${t('col.category')}</th><th scope="col">${t('col.list')}</th><th scope="col">${t('col.rule')}</th></tr></thead>
      <tbody>${rows.map((r) => html`
        <tr>
          <td data-label="${t('col.time')}"><time datetime="${new Date(r.time).toISOString()}">${formatDateTime(r.time, v.lang, v.timeZone)}</time></td>
          <td data-label="${t('col.device')}">${r.deviceName}</td>
          <td data-label="${t('col.name')}" class="name">${r.service === null ? '' : html`<strong class="service-name">${r.service}</strong> `}${r.name}</td>
          <td data-label="${t('col.type')}">${r.qtype}</td>
          <td data-label="${t('col.category')}">${categoryTitle(r.category, v.catalog, v.lang)}</td>
          <td data-label="${t('col.list')}" class="name">${r.listLabel}</td>
          <td data-label="${t('col.rule')}" class="name">${r.rule}</td>
        </tr>`)}
      </tbody>
    </table>`;
}

/** The page body. */
export function renderActivity(v: ActivityView): SafeHtml {
  const t = translator(activityMessages, v.lang);
  return html`
    <p class="muted">${t('intro')}</p>
    ${filterForm(v)}
    ${v.error !== null ? html`<p class="field-error" role="alert">${v.error}</p>` : ''}
    ${v.rows !== null ? table(v, v.rows) : ''}
    <nav class="row pager" aria-label="${t('title')}">
      ${v.paged ? html`<a class="btn" href="/activity?${new URLSearchParams(Object.entries(v.values).filter(([, x]) => x !== '')).toString()}">${t('newest')}</a>` : ''}
      ${v.olderHref !== null ? html`<a class="btn" href="${v.olderHref}" rel="next">${t('older')}</a>` : ''}
    </nav>`;
}
