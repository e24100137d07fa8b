/**
 * The weekly report as the admin page's body: the whole home (figures, what to look at, charts)
 * and one section per device (trends per category, days, hours, most blocked sites, bypass
 * attempts, first attempts on a high-risk category), or a single device. Everything that came
 * from the network or from parents (device names, query names, service names) goes through
 * `html` and is escaped; the charts are inline SVG (render-svg.ts). No script, no style
 * attribute (the page's CSP); public/report.css styles it, including for print.
 */
import { reportMessages } from '../admin/messages/report.js';
import { html, type SafeHtml } from '../admin/page/html.js';
import { translator, type Translate } from '../admin/page/i18n.js';
import { busiestCells, hourText, isPartialWeek, plainLabel, reportFormat, trendOf, type ReportFormat, type TrendView } from './report-format.js';
import { REPORT_MESSAGES, type ReportLang, type ReportMessages } from './report-messages.js';
import { categoryBarsSvg, dayBarsSvg, heatmapSvg } from './render-svg.js';
import type { CategoryCount, DeviceWeek, WeeklyReport } from './weekly-report.js';

type T = Translate<keyof (typeof reportMessages)['en']>;

/** What to show. */
export interface ReportHtmlOptions {
  readonly lang: ReportLang;
  /** Only this device (its id); null: the whole home, then every device. */
  readonly device: string | null;
  /** Link to one device's view of the same week. */
  readonly deviceHref: (id: string) => string;
}

interface View {
  readonly r: WeeklyReport;
  readonly t: T;
  readonly m: ReportMessages;
  readonly f: ReportFormat;
  readonly o: ReportHtmlOptions;
}

/** "↑ +20 %" with the previous count for screen readers and print. */
function trendBadge(trend: TrendView, v: View): SafeHtml | '' {
  if (trend.kind === 'none') return '';
  const text = trend.kind === 'new' ? v.t('trend.new')
    : trend.kind === 'same' ? v.t('trend.same')
    : v.t(trend.kind === 'up' ? 'trend.up' : 'trend.down', { pct: v.f.pct(trend.percent ?? 0) });
  const cls = trend.kind === 'up' || trend.kind === 'new' ? 'badge warn' : trend.kind === 'down' ? 'badge ok' : 'badge';
  return html`<span class="trend-box"><span class="${cls} trend trend-${trend.kind}">${text}</span> <span class="muted trend-prev">(${v.t('trend.label', { prev: v.f.num(trend.previous) })})</span></span>`;
}

function daysChart(values: readonly number[], v: View): SafeHtml {
  const list = values.map((n, i) => `${v.m.weekdays[i]} ${v.f.num(n)}`).join(', ');
  return html`<figure class="chart-box"><figcaption>${v.t('chart.days.title')}</figcaption>${dayBarsSvg(values, v.m.weekdays, { title: v.t('chart.days.title'), summary: v.t('chart.days.summary', { list }), num: v.f.num })}</figure>`;
}

function categoriesChart(rows: readonly CategoryCount[], v: View): SafeHtml {
  const shown = rows.filter((c) => c.count > 0);
  if (shown.length === 0) return html`<p class="muted">${v.t('chart.categories.empty')}</p>`;
  const bars = shown.map((c) => ({ label: c.title[v.f.lang], value: c.count }));
  const list = bars.map((b) => `${b.label} ${v.f.num(b.value)}`).join(', ');
  return html`<figure class="chart-box"><figcaption>${v.t('chart.categories.title')}</figcaption>${categoryBarsSvg(bars, { title: v.t('chart.categories.title'), summary: v.t('chart.categories.summary', { list }), num: v.f.num })}</figure>`;
}

function heatmapChart(d: DeviceWeek, v: View): SafeHtml {
  const busiest = busiestCells(d.heatmap).map((c) => `${v.m.weekdays[c.day]} ${hourText(c.hour)} (${v.f.num(c.count)})`).join(', ');
  const summary = busiest === '' ? v.t('chart.heatmap.summary.none') : v.t('chart.heatmap.summary', { list: busiest });
  const svg = heatmapSvg(d.heatmap, {
    title: v.t('chart.heatmap.title'), summary, num: v.f.num, days: v.m.weekdays,
    cell: (day, hour, count) => v.t('chart.hour', { day: v.m.weekdays[day] ?? '', from: hourText(hour), to: hourText(hour + 1), count: v.f.num(count) }),
  });
  return html`<figure class="chart-box wide"><figcaption>${v.t('chart.heatmap.title')}</figcaption>${svg}<p class="muted chart-note">${v.t('chart.heatmap.legend')}</p>${busiest === '' ? '' : html`<p>${v.m.busiestHours}${v.m.colon}${busiest}</p>`}</figure>`;
}

function categoriesTable(rows: readonly CategoryCount[], v: View): SafeHtml {
  const { t } = v;
  return html`<table class="cards report-categories">
    <thead><tr><th scope="col">${t('col.category')}</th><th scope="col">${t('col.count')}</th><th scope="col">${t('col.trend')}</th></tr></thead>
    <tbody>${rows.map((c) => html`<tr><td data-label="${t('col.category')}">${c.title[v.f.lang]}</td><td data-label="${t('col.count')}">${v.f.num(c.count)}</td><td data-label="${t('col.trend')}">${trendBadge(trendOf(c.count, c.prev), v) || '—'}</td></tr>`)}</tbody>
  </table>`;
}

function servicesTable(d: DeviceWeek, v: View): SafeHtml | '' {
  if (d.topServices.length === 0) return '';
  const { t } = v;
  const titleOf = (category: string): string => d.byCategory.find((c) => c.category === category)?.title[v.f.lang] ?? category;
  return html`<h3>${v.m.topSites}</h3><table class="cards report-services">
    <thead><tr><th scope="col">${t('col.service')}</th><th scope="col">${t('col.category')}</th><th scope="col">${t('col.count')}</th><th scope="col">${t('col.names')}</th></tr></thead>
    <tbody>${d.topServices.map((s) => html`<tr><td data-label="${t('col.service')}">${s.service}</td><td data-label="${t('col.category')}">${titleOf(s.category)}</td><td data-label="${t('col.count')}">${v.f.num(s.count)}</td><td data-label="${t('col.names')}" class="names">${s.names.map((n) => plainLabel(n, 253)).join(', ')}</td></tr>`)}</tbody>
  </table>`;
}

function firstEverList(d: DeviceWeek, v: View): SafeHtml | '' {
  if (d.firstEver.length === 0) return '';
  return html`<ul class="report-alerts">${d.firstEver.map((f) => html`<li class="alert-item"><strong>${v.m.firstEver}</strong>${v.m.colon}${f.title[v.f.lang]} — <span class="names">${plainLabel(f.name, 253)}</span>, ${v.f.when(f.time)}</li>`)}</ul>`;
}

function deviceSection(d: DeviceWeek, index: number, v: View): SafeHtml {
  const { m, t, f } = v;
  const id = `device-${index + 1}`;
  const profile = d.profileId === null ? m.defaultProfile : m.profile(d.profileId);
  return html`<section class="panel report-device" id="${id}" aria-labelledby="${id}-title">
    <h2 id="${id}-title">${plainLabel(d.label)}</h2>
    <p class="row"><span class="badge">${profile}</span>${d.newDevice ? html`<span class="badge warn">${m.newDevice}</span>` : ''}</p>
    ${firstEverList(d, v)}
    <dl class="report-figures">
      <div><dt>${m.blocked}</dt><dd><strong>${f.num(d.totals.blocked)}</strong> ${trendBadge(trendOf(d.totals.trend.current, d.totals.trend.previous), v)}</dd></div>
      <div><dt>${m.lookups}</dt><dd>${f.num(d.totals.queries)}</dd></div>
      ${d.bypass.count > 0 ? html`<div><dt>${m.bypass}</dt><dd><strong>${f.num(d.bypass.count)}</strong> — ${d.bypass.byService.map((b) => `${b.service} ${f.num(b.count)}`).join(', ')}</dd></div>` : ''}
    </dl>
    ${d.totals.blocked === 0 ? html`<p class="muted">${m.noActivity}</p>` : html`
    <div class="report-charts"><div><h3>${m.byCategory}</h3>${categoriesTable(d.byCategory, v)}</div>${daysChart(d.byDay, v)}${heatmapChart(d, v)}</div>
    ${servicesTable(d, v)}`}
    ${v.o.device === null ? html`<p class="no-print"><a href="${v.o.deviceHref(d.id)}">${t('device.only')}</a></p>` : ''}
  </section>`;
}

function highlights(v: View): SafeHtml {
  const { r, t, f } = v;
  const items: SafeHtml[] = [];
  for (const d of r.devices) {
    for (const x of d.firstEver) items.push(html`<li class="alert-item">${t('firstEver.item', { device: plainLabel(d.label), category: x.title[f.lang], name: plainLabel(x.name, 253), when: f.when(x.time) })}</li>`);
  }
  for (const d of r.devices) if (d.bypass.count > 0) items.push(html`<li>${t('bypass.item', { device: plainLabel(d.label), count: f.num(d.bypass.count) })}</li>`);
  for (const n of r.newDevices) items.push(html`<li>${t('newDevice.item', { device: plainLabel(n.label), when: f.when(n.firstSeen) })}</li>`);
  for (const x of r.floods ?? []) items.push(html`<li>${t('flood.item', { device: plainLabel(x.label), from: f.when(x.first), to: f.when(x.last), count: f.num(x.dropped) })}</li>`);
  return html`<section aria-labelledby="highlights-title"><h2 id="highlights-title">${t('highlights')}</h2>${items.length === 0 ? html`<p>${t('highlights.none')}</p>` : html`<ul class="report-highlights">${items}</ul>`}</section>`;
}

function homeSection(v: View): SafeHtml {
  const { r, m, t, f } = v;
  const h = r.home;
  return html`<section aria-labelledby="home-title">
    <h2 id="home-title">${m.home}</h2>
    <dl class="report-figures" aria-label="${t('summary.label')}">
      <div><dt>${m.blocked}</dt><dd><strong>${f.num(h.blocked)}</strong> ${trendBadge(trendOf(h.trend.current, h.trend.previous), v)}</dd></div>
      <div><dt>${m.lookups}</dt><dd>${f.num(h.queries)}</dd></div>
      <div><dt>${t('summary.devices')}</dt><dd>${f.num(r.devices.length)}</dd></div>
      <div><dt>${m.firstEverCount}</dt><dd>${f.num(h.firstEver)}</dd></div>
      <div><dt>${m.bypass}</dt><dd>${f.num(h.bypass)}</dd></div>
      <div><dt>${m.newDevices}</dt><dd>${f.num(r.newDevices.length)}</dd></div>
    </dl>
    <div class="report-charts">${daysChart(h.byDay, v)}${categoriesChart(h.byCategory, v)}</div>
  </section>`;
}

function weekHeading(v: View): SafeHtml {
  const { r, t, f } = v;
  const partial = isPartialWeek(r);
  const started = r.generatedAt >= r.week.start;
  return html`<div class="report-week">
    <p class="report-period"><strong>${t('week.heading', { week: r.week.id })}</strong> — ${t('week.period', { from: f.day(r.week.start), to: f.day(r.week.end - 1) })} <span class="muted">(${r.timeZone})</span></p>
    ${!started ? html`<p class="flash warn" role="status">${t('week.future')}</p>` : partial ? html`<p class="muted" role="status">${t('week.inProgress', { when: f.when(r.generatedAt) })}</p>` : ''}
  </div>`;
}

/** The report's body for the admin page (whole home, or one device with `options.device`). */
export function renderReportHtml(report: WeeklyReport, options: ReportHtmlOptions): SafeHtml {
  const v: View = { r: report, t: translator(reportMessages, options.lang), m: REPORT_MESSAGES[options.lang], f: reportFormat(options.lang, report.timeZone), o: options };
  if (options.device !== null) {
    const index = report.devices.findIndex((d) => d.id === options.device);
    const d = report.devices[index];
    return html`${weekHeading(v)}${d === undefined ? html`<p role="status">${v.t('device.missing')}</p>` : deviceSection(d, index, v)}`;
  }
  const devices = report.devices.length === 0 ? html`<p>${v.m.noDevices}</p>` : report.devices.map((d, i) => deviceSection(d, i, v));
  return html`${weekHeading(v)}${homeSection(v)}${highlights(v)}<h2 class="report-devices-title">${v.t('device.jump')}</h2>${devices}`;
}
