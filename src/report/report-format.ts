/**
 * Formatting shared by the report's HTML page and its email: numbers, percentages, dates and
 * times in the language and the report's zone, trends as a direction, the busiest hours of a
 * heatmap. Plain text out; the renderers escape it.
 */
import { percentChange } from './device-accumulator.js';
import { reportLocale, type ReportLang } from './report-messages.js';
import type { WeeklyReport } from './weekly-report.js';

/** Formatters for one language and zone. */
export interface ReportFormat {
  readonly lang: ReportLang;
  num(n: number): string;
  /** A signed change: "+20%", "+20 %" in French. */
  pct(n: number): string;
  /** "Monday 23 November 2026". */
  day(ms: number): string;
  /** "Wed 25 Nov, 21:14". */
  when(ms: number): string;
  /** "Sunday 18:00". */
  weekdayTime(ms: number): string;
}

/** Formatters for `lang` in `timeZone`. */
export function reportFormat(lang: ReportLang, timeZone: string): ReportFormat {
  const locale = reportLocale(lang);
  const num = new Intl.NumberFormat(locale);
  const day = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  const when = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const weekdayTime = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return {
    lang,
    num: (n) => num.format(n),
    pct: (n) => `${n > 0 ? '+' : ''}${num.format(n)}${lang === 'fr' ? '\u202f%' : '%'}`,
    day: (ms) => day.format(ms),
    when: (ms) => when.format(ms),
    weekdayTime: (ms) => weekdayTime.format(ms),
  };
}

/** Direction of a count against the previous week. */
export type TrendKind = 'up' | 'down' | 'same' | 'new' | 'none';

/** A trend ready to show: its direction and percent (null when the previous week had none). */
export interface TrendView {
  readonly kind: TrendKind;
  readonly percent: number | null;
  readonly previous: number;
}

/** The trend of `current` against `previous`: 'none' when both are 0, 'new' when only this week has some. */
export function trendOf(current: number, previous: number): TrendView {
  const percent = percentChange(current, previous);
  const kind: TrendKind = current === 0 && previous === 0 ? 'none' : percent === null ? 'new' : percent > 0 ? 'up' : percent < 0 ? 'down' : 'same';
  return { kind, percent, previous };
}

/** The week number of an id: 48 for `2026-W48`. */
export function weekNumber(weekId: string): number {
  return Number(weekId.slice(weekId.indexOf('W') + 1));
}

/** True when the report was made before its week ended (the week in progress). */
export function isPartialWeek(report: Pick<WeeklyReport, 'generatedAt' | 'week'>): boolean {
  return report.generatedAt < report.week.end;
}

/** The `limit` busiest (weekday, hour) cells with attempts, busiest first (ties: earlier first). */
export function busiestCells(heatmap: readonly (readonly number[])[], limit = 3): Array<{ day: number; hour: number; count: number }> {
  const cells = heatmap.flatMap((hours, day) => hours.map((count, hour) => ({ day, hour, count }))).filter((c) => c.count > 0);
  cells.sort((a, b) => b.count - a.count || a.day - b.day || a.hour - b.hour);
  return cells.slice(0, limit);
}

/** "21:00". */
export function hourText(hour: number): string {
  return `${String(hour % 24).padStart(2, '0')}:00`;
}

/** Characters that have no place in a one-line label (controls, bidi overrides), removed; then cut to `max`. */
export function plainLabel(text: string, max = 80): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}
