/**
 * The weekly report as plain text for a terminal or an email body, in English or French. Names
 * come from parents and from the network: control and bidi characters are shown escaped, never
 * sent to the terminal.
 */
import { percentChange } from './device-accumulator.js';
import { REPORT_MESSAGES, reportLocale, type ReportLang, type ReportMessages } from './report-messages.js';
import type { CategoryCount, DeviceWeek, Trend, WeeklyReport } from './weekly-report.js';

/** Shades of the text heatmap, from none to the week's busiest hour of the device. */
const SHADES = ' .:-=+*#%@';

/** Control, C1 and bidi-override characters, shown as \xNN / \u{NNNN} (same set as `vigie lists`). */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.codePointAt(0) as number;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** Formatting for one language and zone. */
interface Style {
  readonly m: ReportMessages;
  readonly lang: ReportLang;
  num(n: number): string;
  /** A signed change: "+20%", "+20 %" in French. */
  pct(n: number): string;
  day(ms: number): string;
  when(ms: number): string;
}

function style(lang: ReportLang, timeZone: string): Style {
  const locale = reportLocale(lang);
  const num = new Intl.NumberFormat(locale);
  const day = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  const when = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const pct = (n: number): string => `${n > 0 ? '+' : ''}${num.format(n)}${lang === 'fr' ? '\u202f%' : '%'}`;
  return { m: REPORT_MESSAGES[lang], lang, num: (n) => num.format(n), pct, day: (ms) => day.format(ms), when: (ms) => when.format(ms) };
}

/** "(previous week 100, +20%)", "(previous week 0, new this week)", or '' when both weeks are 0. */
function trendText(t: Pick<Trend, 'current' | 'previous' | 'percent'>, s: Style): string {
  if (t.current === 0 && t.previous === 0) return '';
  const change = t.percent === null ? (t.current > 0 ? s.m.firstTime : '') : s.pct(t.percent);
  return ` (${s.m.previous(s.num(t.previous), change)})`;
}

function categoryLines(rows: readonly CategoryCount[], s: Style): string[] {
  return rows.map((c) => `    ${printable(c.title[s.lang])}${s.m.colon}${s.num(c.count)}${trendText({ current: c.count, previous: c.prev, percent: percentChange(c.count, c.prev) }, s)}`);
}

function heatmapLines(heatmap: readonly (readonly number[])[], s: Style): string[] {
  const max = Math.max(0, ...heatmap.flat());
  const header = `${' '.repeat(9)}0     6     12    18`; // over the cells: 4 + weekday (4) + '|'
  const rows = heatmap.map((hours, d) => {
    const cells = hours.map((n) => (n === 0 ? SHADES[0] : SHADES[Math.max(1, Math.ceil((n / max) * (SHADES.length - 1)))])).join('');
    return `    ${(s.m.weekdays[d] ?? '').padEnd(4)}|${cells}|`;
  });
  return [`  ${s.m.heatmap}${s.m.colon.trimEnd()}`, header, ...rows];
}

/** The three busiest (weekday, hour) cells: "Tue 21:00 (14)". */
function busiestHours(heatmap: readonly (readonly number[])[], s: Style): string {
  const cells = heatmap.flatMap((hours, d) => hours.map((n, h) => ({ d, h, n }))).filter((c) => c.n > 0);
  cells.sort((a, b) => b.n - a.n || a.d - b.d || a.h - b.h);
  return cells.slice(0, 3).map((c) => `${s.m.weekdays[c.d]} ${String(c.h).padStart(2, '0')}:00 (${s.num(c.n)})`).join(' · ');
}

function deviceSection(d: DeviceWeek, s: Style): string[] {
  const { m } = s;
  const tags = [d.profileId === null ? m.defaultProfile : m.profile(printable(d.profileId)), ...(d.newDevice ? [m.newDevice] : [])];
  const out = [`== ${printable(d.label)} — ${tags.join(' — ')} ==`];
  const c = m.colon;
  out.push(`  ${m.blocked}${c}${s.num(d.totals.blocked)}${trendText(d.totals.trend, s)}`);
  out.push(`  ${m.lookups}${c}${s.num(d.totals.queries)}`);
  for (const f of d.firstEver) out.push(`  ! ${m.firstEver}${c}${printable(f.title[s.lang])} — ${printable(f.name)}, ${s.when(f.time)}`);
  if (d.totals.blocked === 0) {
    out.push(`  ${m.noActivity}`);
    if (d.byCategory.length > 0) out.push(`  ${m.byCategory}${c.trimEnd()}`, ...categoryLines(d.byCategory, s));
    return out;
  }
  out.push(`  ${m.byCategory}${c.trimEnd()}`, ...categoryLines(d.byCategory, s));
  out.push(`  ${m.byDay}${c}${d.byDay.map((n, i) => `${m.weekdays[i]} ${s.num(n)}`).join(' · ')}`);
  out.push(`  ${m.busiestHours}${c}${busiestHours(d.heatmap, s)}`);
  out.push(`  ${m.topSites}${c.trimEnd()}`);
  for (const t of d.topServices) {
    const title = d.byCategory.find((c) => c.category === t.category)?.title[s.lang] ?? t.category;
    out.push(`    ${printable(t.service)} [${printable(title)}]${c}${s.num(t.count)} — ${t.names.map(printable).join(', ')}`);
  }
  if (d.bypass.count > 0) out.push(`  ${m.bypass}${c}${s.num(d.bypass.count)} — ${d.bypass.byService.map((b) => `${printable(b.service)} ${s.num(b.count)}`).join(', ')}`);
  out.push(...heatmapLines(d.heatmap, s));
  return out;
}

/** Renders `report` as text in `lang` (default English), ending with a newline. */
export function renderTextReport(report: WeeklyReport, lang: ReportLang = 'en'): string {
  const s = style(lang, report.timeZone);
  const { m, num } = s;
  const h = report.home;
  const out = [m.title(report.week.id), m.period(s.day(report.week.start), s.day(report.week.end - 1), report.timeZone), ''];
  out.push(m.home);
  const c = m.colon;
  out.push(`  ${m.blocked}${c}${num(h.blocked)}${trendText(h.trend, s)}`);
  out.push(`  ${m.lookups}${c}${num(h.queries)}`);
  if (h.byCategory.length > 0) out.push(`  ${m.byCategory}${c.trimEnd()}`, ...categoryLines(h.byCategory, s));
  out.push(`  ${m.firstEverCount}${c}${num(h.firstEver)}`);
  out.push(`  ${m.bypass}${c}${num(h.bypass)}`);
  const fresh = report.newDevices.map((d) => `${printable(d.label)} (${m.firstSeen(s.when(d.firstSeen))})`);
  out.push(`  ${m.newDevices}${c}${fresh.length > 0 ? fresh.join(', ') : m.none}`);
  const floods = (report.floods ?? []).map((x) => `${printable(x.label)} ${num(x.dropped)} (${s.when(x.first)} – ${s.when(x.last)})`);
  if (floods.length > 0) out.push(`  ${m.floods}${c}${floods.join(', ')}`);
  if (report.devices.length === 0) out.push('', m.noDevices);
  for (const d of report.devices) out.push('', ...deviceSection(d, s));
  return `${out.join('\n')}\n`;
}
