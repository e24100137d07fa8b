/**
 * The report's charts as inline SVG (strings built with the escaping `html` template: labels are
 * category titles and device names). Each chart scales to the width of its container through
 * its `viewBox` (a 390 px phone shows it whole), is an image for assistive technology
 * (`role="img"`, `aria-label` and `<title>` carrying a summary with the numbers), and prints:
 * every bar and heatmap cell shows its number, so nothing is said by colour alone. No script,
 * no `style` attribute (the admin page's CSP forbids them): colours are presentation attributes,
 * which public/report.css may override (dark mode) through the class names.
 */
import { html, type SafeHtml } from '../admin/page/html.js';

/** What every chart is told in words: a visible title and a summary for screen readers. */
export interface ChartText {
  /** Short title (the `<title>` of the image). */
  readonly title: string;
  /** Full sentence with the numbers (the `aria-label`). */
  readonly summary: string;
  /** Formats a count for the language ("1 234" / "1,234"). */
  readonly num: (n: number) => string;
}

/** Bar colour (on white 7:1; dark mode overrides it in report.css through `.bar`). */
export const BAR_COLOR = '#0b57d0';
const AXIS_COLOR = '#57606a';
const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif';
const WIDTH = 360;

/** Heatmap shades, lightest to darkest, each with a text colour of at least 4.5:1 on it. */
export const HEAT_SHADES: ReadonlyArray<{ readonly fill: string; readonly text: string }> = [
  { fill: '#dbe7fd', text: '#1b1f24' },
  { fill: '#a8c7fa', text: '#1b1f24' },
  { fill: '#6ea0f7', text: '#000000' },
  { fill: '#1a5fd0', text: '#ffffff' },
  { fill: '#0b3d91', text: '#ffffff' },
];

/** At most `max` characters, with an ellipsis when cut (SVG text does not wrap). */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function frame(className: string, height: number, t: ChartText, body: SafeHtml): SafeHtml {
  return html`<svg class="chart ${className}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${t.summary}" font-family="${FONT}" font-size="13" xmlns="http://www.w3.org/2000/svg"><title>${t.summary}</title>${body}</svg>`;
}

/**
 * Vertical bars, one per day (Monday first): the count above each bar, the day's name below.
 * `values` and `labels` have 7 entries.
 */
export function dayBarsSvg(values: readonly number[], labels: readonly string[], t: ChartText): SafeHtml {
  const top = 22;
  const base = 150;
  const slot = (WIDTH - 10) / values.length;
  const barWidth = Math.min(34, slot - 10);
  const max = Math.max(1, ...values);
  const bars = values.map((n, i) => {
    const h = n === 0 ? 0 : Math.max(2, Math.round(((base - top) * n) / max));
    const cx = 5 + slot * i + slot / 2;
    const x = round(cx - barWidth / 2);
    return html`<g><rect class="bar" x="${x}" y="${base - h}" width="${round(barWidth)}" height="${h}" fill="${BAR_COLOR}" rx="2"><title>${labels[i] ?? ''}: ${t.num(n)}</title></rect><text x="${round(cx)}" y="${base - h - 5}" text-anchor="middle" fill="currentColor" font-weight="600">${t.num(n)}</text><text x="${round(cx)}" y="${base + 18}" text-anchor="middle" fill="currentColor">${labels[i] ?? ''}</text></g>`;
  });
  return frame('chart-days', base + 26, t, html`<line x1="4" y1="${base + 0.5}" x2="${WIDTH - 4}" y2="${base + 0.5}" stroke="${AXIS_COLOR}" stroke-width="1"/>${bars}`);
}

/** One row of a horizontal bar chart. */
export interface BarRow {
  readonly label: string;
  readonly value: number;
}

/**
 * Horizontal bars, one per row in the given order: the label above its bar, the count after it.
 * An empty list gives an empty string (say so in words instead).
 */
export function categoryBarsSvg(rows: readonly BarRow[], t: ChartText): SafeHtml | '' {
  if (rows.length === 0) return '';
  const rowHeight = 40;
  const maxBar = WIDTH - 70;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const items = rows.map((r, i) => {
    const y = 6 + i * rowHeight;
    const w = r.value === 0 ? 0 : Math.max(2, Math.round((maxBar * r.value) / max));
    return html`<g><text x="0" y="${y + 12}" fill="currentColor">${clip(r.label, 48)}</text><rect class="bar" x="0" y="${y + 18}" width="${w}" height="14" fill="${BAR_COLOR}" rx="2"><title>${r.label}: ${t.num(r.value)}</title></rect><text x="${w + 6}" y="${y + 30}" fill="currentColor" font-weight="600">${t.num(r.value)}</text></g>`;
  });
  return frame('chart-categories', rows.length * rowHeight + 6, t, html`${items}`);
}

/** Words of the heatmap: day names (Monday first) and each cell's tooltip. */
export interface HeatmapText extends ChartText {
  readonly days: readonly string[];
  /** Tooltip of a cell: "Tue 21:00–22:00: 14". */
  readonly cell: (day: number, hour: number, count: number) => string;
}

/** Shade index (0-4) of a non-zero count against the week's busiest cell. */
export function heatShade(count: number, max: number): number {
  return Math.min(HEAT_SHADES.length - 1, Math.max(0, Math.ceil((count / Math.max(1, max)) * HEAT_SHADES.length) - 1));
}

/**
 * The 7×24 heatmap ([weekday 0 = Monday][hour 0-23]): one row per day, one column per hour,
 * darker for more attempts, the count written in every non-empty cell; hours 0, 3 … 21 on top.
 */
export function heatmapSvg(heatmap: readonly (readonly number[])[], t: HeatmapText): SafeHtml {
  const left = 34;
  const top = 16;
  const cw = (WIDTH - left - 2) / 24;
  const ch = 20;
  const max = Math.max(1, ...heatmap.flat());
  const hours = Array.from({ length: 8 }, (_, k) => k * 3).map((hour) => html`<text x="${round(left + hour * cw + 1)}" y="11" font-size="10" fill="currentColor">${hour}</text>`);
  const rows = heatmap.map((row, d) => {
    const y = top + d * ch;
    const cells = row.map((n, hour) => {
      const x = round(left + hour * cw);
      if (n === 0) return html`<rect class="z" x="${x}" y="${y}" width="${round(cw - 1)}" height="${ch - 1}" fill="#f4f6f8" stroke="#c9d1d9" stroke-width="0.5"/>`;
      const tip = html`<title>${t.cell(d, hour, n)}</title>`;
      const shade = HEAT_SHADES[heatShade(n, max)] as (typeof HEAT_SHADES)[number];
      return html`<rect x="${x}" y="${y}" width="${round(cw - 1)}" height="${ch - 1}" fill="${shade.fill}">${tip}</rect><text x="${round(x + (cw - 1) / 2)}" y="${y + 13}" font-size="${n >= 100 ? 6 : 8}" text-anchor="middle" fill="${shade.text}">${t.num(n)}</text>`;
    });
    return html`<g><text x="0" y="${y + 14}" font-size="12" fill="currentColor">${clip(t.days[d] ?? '', 5)}</text>${cells}</g>`;
  });
  return frame('chart-heatmap', top + 7 * ch + 2, t, html`${hours}${rows}`);
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
