/**
 * The weekly report as an email: subject, a complete HTML document and a plain-text part, in
 * English or French. Mail clients (Gmail, Outlook, Apple Mail) ignore stylesheets and scripts
 * and do not show SVG, so the HTML is nested tables with inline styles, and the charts are bar
 * rows made of table cells with the count written beside each bar. No script, no remote image,
 * no link that tracks. Names from the network and from parents are escaped by `html`, and cut
 * of control and bidi characters.
 */
import { html, type SafeHtml } from '../admin/page/html.js';
import { REPORT_EMAIL_MESSAGES, type ReportEmailMessages } from './report-email-messages.js';
import { busiestCells, hourText, isPartialWeek, plainLabel, reportFormat, trendOf, weekNumber, type ReportFormat } from './report-format.js';
import { REPORT_MESSAGES, type ReportLang, type ReportMessages } from './report-messages.js';
import { renderTextReport } from './render-text.js';
import type { DeviceWeek, WeeklyReport } from './weekly-report.js';

/** A ready-to-send email. */
export interface ReportEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly lang: ReportLang;
}

/** Options of {@link renderReportEmail}. */
export interface ReportEmailOptions {
  /** A test sent from the settings page: "[Test]" in the subject and a note at the top. */
  readonly test?: boolean;
}

const C = { text: '#1b1f24', muted: '#57606a', border: '#c9d1d9', bg: '#f4f6f8', bar: '#0b57d0', alertBg: '#fde2e0', alertFg: '#8c1d18', warnBg: '#fff1d6', warnFg: '#7a4a00', okBg: '#dcf3e3', okFg: '#135c2a' };
const FONT = '-apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif';

interface Ctx {
  readonly r: WeeklyReport;
  readonly m: ReportMessages;
  readonly e: ReportEmailMessages;
  readonly f: ReportFormat;
}

/** The subject line: week number, "to Sunday 18:00" while the week is in progress, and the count. */
export function reportEmailSubject(report: WeeklyReport, lang: ReportLang, options: ReportEmailOptions = {}): string {
  const e = REPORT_EMAIL_MESSAGES[lang];
  const f = reportFormat(lang, report.timeZone);
  const until = isPartialWeek(report) ? f.weekdayTime(report.generatedAt) : null;
  return `${options.test ? e.testPrefix : ''}${e.subject(weekNumber(report.week.id), until, f.num(report.home.blocked), report.home.blocked)}`;
}

/** Bar rows: label, a bar of table cells proportional to the count, the count. */
function bars(rows: ReadonlyArray<{ label: string; value: number }>, c: Ctx): SafeHtml {
  const max = Math.max(1, ...rows.map((row) => row.value));
  return html`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;">${rows.map((row) => {
    const pct = row.value === 0 ? 0 : Math.max(2, Math.round((100 * row.value) / max));
    const bar = pct === 0 ? html`&nbsp;` : html`<table role="presentation" width="${pct}%" cellpadding="0" cellspacing="0" border="0"><tr><td height="14" bgcolor="${C.bar}" style="background-color:${C.bar};height:14px;line-height:14px;font-size:1px;">&nbsp;</td></tr></table>`;
    return html`<tr><td width="34%" style="padding:4px 8px 4px 0;font-size:14px;color:${C.text};">${row.label}</td><td width="52%" style="padding:4px 0;">${bar}</td><td width="14%" align="right" style="padding:4px 0 4px 8px;font-size:14px;font-weight:bold;color:${C.text};">${c.f.num(row.value)}</td></tr>`;
  })}</table>`;
}

function trendLine(current: number, previous: number, c: Ctx): string {
  const tr = trendOf(current, previous);
  const prev = c.f.num(previous);
  switch (tr.kind) {
    case 'up': return c.e.trendUp(c.f.pct(tr.percent ?? 0), prev);
    case 'down': return c.e.trendDown(c.f.pct(tr.percent ?? 0), prev);
    case 'same': return c.e.trendSame(prev);
    case 'new': return c.e.trendNew;
    default: return '';
  }
}

function heading(text: string, size = 18): SafeHtml {
  return html`<h2 style="margin:20px 0 8px;font-size:${size}px;line-height:1.3;color:${C.text};">${text}</h2>`;
}

function lookTo(c: Ctx): SafeHtml {
  const { r, e, f } = c;
  const alerts: SafeHtml[] = [];
  const notes: string[] = [];
  for (const d of r.devices) for (const x of d.firstEver) alerts.push(html`<tr><td style="padding:8px 12px;background-color:${C.alertBg};color:${C.alertFg};border-left:4px solid ${C.alertFg};font-size:14px;font-weight:bold;">${e.firstEverItem(plainLabel(d.label), x.title[f.lang], plainLabel(x.name, 253), f.when(x.time))}</td></tr><tr><td height="6" style="font-size:1px;line-height:6px;">&nbsp;</td></tr>`);
  for (const d of r.devices) if (d.bypass.count > 0) notes.push(e.bypassItem(plainLabel(d.label), f.num(d.bypass.count)));
  for (const n of r.newDevices) notes.push(e.newDeviceItem(plainLabel(n.label), f.when(n.firstSeen)));
  for (const x of r.floods ?? []) notes.push(e.floodItem(plainLabel(x.label), f.when(x.first), f.when(x.last), f.num(x.dropped)));
  const items = notes.map((text) => html`<tr><td style="padding:8px 12px;background-color:${C.warnBg};color:${C.warnFg};border-left:4px solid ${C.warnFg};font-size:14px;">${text}</td></tr><tr><td height="6" style="font-size:1px;line-height:6px;">&nbsp;</td></tr>`);
  const body = alerts.length + items.length === 0
    ? html`<p style="margin:0;font-size:14px;color:${C.text};">${e.lookToNone}</p>`
    : html`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${alerts}${items}</table>`;
  return html`${heading(e.lookToTitle)}${body}`;
}

function summary(c: Ctx): SafeHtml {
  const { r, m, e, f } = c;
  const h = r.home;
  const row = (label: string, value: string): SafeHtml => html`<tr><td style="padding:3px 0;font-size:14px;color:${C.muted};">${label}</td><td align="right" style="padding:3px 0;font-size:14px;font-weight:bold;color:${C.text};">${value}</td></tr>`;
  return html`${heading(m.home)}
    <p style="margin:0;font-size:32px;font-weight:bold;line-height:1.2;color:${C.text};">${f.num(h.blocked)} <span style="font-size:16px;font-weight:normal;">${e.blockedBig(h.blocked)}</span></p>
    <p style="margin:4px 0 12px;font-size:14px;color:${C.muted};">${trendLine(h.trend.current, h.trend.previous, c)}</p>
    <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">
      ${row(m.lookups, f.num(h.queries))}${row(m.firstEverCount, f.num(h.firstEver))}${row(m.bypass, f.num(h.bypass))}${row(m.newDevices, f.num(r.newDevices.length))}
    </table>
    ${heading(m.byDay, 16)}${bars(h.byDay.map((n, i) => ({ label: m.weekdays[i] ?? '', value: n })), c)}
    ${h.byCategory.some((x) => x.count > 0) ? html`${heading(m.byCategory, 16)}${bars(h.byCategory.filter((x) => x.count > 0).map((x) => ({ label: x.title[f.lang], value: x.count })), c)}` : ''}`;
}

function deviceBlock(d: DeviceWeek, c: Ctx): SafeHtml {
  const { m, e, f } = c;
  const profile = d.profileId === null ? m.defaultProfile : m.profile(plainLabel(d.profileId));
  const tags = [profile, ...(d.newDevice ? [m.newDevice] : [])].join(' · ');
  const busiest = busiestCells(d.heatmap).map((x) => `${m.weekdays[x.day]} ${hourText(x.hour)} (${f.num(x.count)})`).join(' · ');
  const services = d.topServices.slice(0, 5);
  const more = d.topServices.length - services.length;
  const details = d.totals.blocked === 0 ? html`<p style="margin:6px 0 0;font-size:14px;color:${C.muted};">${m.noActivity}</p>` : html`
    ${bars(d.byCategory.filter((x) => x.count > 0).map((x) => ({ label: x.title[f.lang], value: x.count })), c)}
    <p style="margin:8px 0 0;font-size:14px;color:${C.text};"><strong>${m.byDay}${m.colon}</strong>${d.byDay.map((n, i) => `${m.weekdays[i]} ${f.num(n)}`).join(' · ')}</p>
    ${busiest === '' ? '' : html`<p style="margin:4px 0 0;font-size:14px;color:${C.text};"><strong>${m.busiestHours}${m.colon}</strong>${busiest}</p>`}
    ${services.length === 0 ? '' : html`<p style="margin:8px 0 2px;font-size:14px;font-weight:bold;color:${C.text};">${m.topSites}</p>
    <ul style="margin:0;padding-left:20px;font-size:14px;color:${C.text};">${services.map((s) => html`<li style="margin:2px 0;">${plainLabel(s.service)} — ${f.num(s.count)} <span style="color:${C.muted};">(${s.names.map((n) => plainLabel(n, 100)).join(', ')})</span></li>`)}${more > 0 ? html`<li style="margin:2px 0;color:${C.muted};">${e.moreServices(more)}</li>` : ''}</ul>`}
    ${d.bypass.count > 0 ? html`<p style="margin:8px 0 0;font-size:14px;color:${C.warnFg};"><strong>${m.bypass}${m.colon}</strong>${f.num(d.bypass.count)} — ${d.bypass.byService.map((b) => `${plainLabel(b.service)} ${f.num(b.count)}`).join(', ')}</p>` : ''}`;
  return html`<tr><td style="padding:14px 0;border-top:1px solid ${C.border};">
    <h3 style="margin:0;font-size:16px;color:${C.text};">${plainLabel(d.label)}</h3>
    <p style="margin:2px 0 6px;font-size:13px;color:${C.muted};">${tags}</p>
    ${d.firstEver.map((x) => html`<p style="margin:6px 0;padding:6px 10px;background-color:${C.alertBg};color:${C.alertFg};font-size:14px;font-weight:bold;">${m.firstEver}${m.colon}${x.title[f.lang]} — ${plainLabel(x.name, 253)}, ${f.when(x.time)}</p>`)}
    <p style="margin:0;font-size:14px;color:${C.text};"><strong>${m.blocked}${m.colon}${f.num(d.totals.blocked)}</strong> <span style="color:${C.muted};">${trendLine(d.totals.trend.current, d.totals.trend.previous, c)}</span></p>
    <p style="margin:2px 0 6px;font-size:14px;color:${C.muted};">${m.lookups}${m.colon}${f.num(d.totals.queries)}</p>
    ${details}
  </td></tr>`;
}

function emailDocument(c: Ctx, subject: string, test: boolean): string {
  const { r, m, e, f } = c;
  const partial = isPartialWeek(r);
  const devices = r.devices.length === 0
    ? html`<p style="margin:0;font-size:14px;color:${C.text};">${m.noDevices}</p>`
    : html`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${r.devices.map((d) => deviceBlock(d, c))}</table>`;
  const body = html`<html lang="${f.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${subject}</title>
</head>
<body style="margin:0;padding:0;background-color:${C.bg};">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="${C.bg}" style="background-color:${C.bg};">
<tr><td align="center" style="padding:16px 8px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#ffffff" style="max-width:600px;background-color:#ffffff;border:1px solid ${C.border};border-radius:8px;font-family:${FONT};color:${C.text};">
<tr><td style="padding:20px 20px 8px;">
  <p style="margin:0;font-size:13px;font-weight:bold;letter-spacing:0.04em;text-transform:uppercase;color:${C.bar};">Vigie</p>
  <h1 style="margin:4px 0 4px;font-size:22px;line-height:1.25;color:${C.text};">${e.heading}</h1>
  <p style="margin:0;font-size:14px;color:${C.muted};">${e.weekLine(weekNumber(r.week.id), f.day(r.week.start), f.day(r.week.end - 1))} (${r.timeZone})</p>
  ${partial ? html`<p style="margin:4px 0 0;font-size:14px;color:${C.muted};">${e.inProgress(f.when(r.generatedAt))}</p>` : ''}
  ${test ? html`<p style="margin:12px 0 0;padding:8px 12px;background-color:${C.okBg};color:${C.okFg};font-size:14px;">${e.testNote}</p>` : ''}
</td></tr>
<tr><td style="padding:0 20px;">${lookTo(c)}${summary(c)}${heading(e.devicesTitle)}${devices}</td></tr>
<tr><td style="padding:16px 20px 20px;font-size:12px;line-height:1.5;color:${C.muted};border-top:1px solid ${C.border};">${e.footer}</td></tr>
</table>
</td></tr>
</table>
</body>
</html>`;
  return `<!doctype html>\n${body.value}`;
}

/** The plain-text part: the note, the text report (render-text.ts), the footer. */
function textPart(c: Ctx, test: boolean): string {
  const { r, e, f } = c;
  const intro = [test ? e.testNote : null, isPartialWeek(r) ? e.textIntro(f.when(r.generatedAt)) : null].filter((x): x is string => x !== null);
  return `${intro.length > 0 ? `${intro.join('\n')}\n\n` : ''}${renderTextReport(r, f.lang)}\n-- \n${e.footer}\n`;
}

/** Renders the weekly email of `report` in `lang`. */
export function renderReportEmail(report: WeeklyReport, lang: ReportLang, options: ReportEmailOptions = {}): ReportEmail {
  const c: Ctx = { r: report, m: REPORT_MESSAGES[lang], e: REPORT_EMAIL_MESSAGES[lang], f: reportFormat(lang, report.timeZone) };
  const subject = reportEmailSubject(report, lang, options);
  return { subject, text: textPart(c, options.test === true), html: emailDocument(c, subject, options.test === true), lang };
}
