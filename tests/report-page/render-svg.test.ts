/**
 * The SVG charts on their own: scalable (viewBox), images with their numbers in words, every
 * count written (printable without colour), labels escaped, no style attribute or script.
 */
import { describe, expect, it } from 'vitest';
import { categoryBarsSvg, dayBarsSvg, HEAT_SHADES, heatmapSvg, heatShade } from '../../src/report/render-svg.js';
import { emailSettingsInputSchema } from '../../src/notify/email-settings.js';
import { reportExportQuerySchema } from '../../src/admin/routes/report.js';
import { renderApiDocs } from '../../src/admin/api-docs.js';

const num = (n: number) => String(n);
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

describe('render-svg', () => {
  it('draws 7 day bars with their counts and labels, scaled to the busiest day', () => {
    const svg = dayBarsSvg([0, 3, 6, 0, 0, 0, 1], DAYS, { title: 'Per day', summary: 'Per day: Tue 3, Wed 6, Sun 1.', num }).value;
    expect(svg).toMatch(/^<svg class="chart chart-days" viewBox="0 0 360 176" width="360" height="176" role="img" aria-label="Per day: Tue 3, Wed 6, Sun 1\."/);
    expect(svg).toContain('<title>Per day: Tue 3, Wed 6, Sun 1.</title>');
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(7);
    expect(svg).toContain('height="128"'); // Wednesday: the full height
    expect(svg).toContain('height="64"'); // Tuesday: half
    for (const d of DAYS) expect(svg).toContain(`>${d}</text>`);
    expect(svg).not.toMatch(/style=|<script/);
  });

  it('escapes labels and summaries, and gives nothing for no rows', () => {
    const svg = categoryBarsSvg([{ label: '<img src=x onerror=alert(1)>', value: 2 }, { label: 'b', value: 1 }], { title: 't', summary: '"><script>', num }).toString();
    expect(svg).not.toContain('<img');
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;img src&#61;x onerror&#61;alert(1)&gt;');
    expect(svg).toContain('aria-label="&quot;&gt;&lt;script&gt;"');
    expect(svg).toContain('width="290"'); // the largest bar
    expect(categoryBarsSvg([], { title: 't', summary: 's', num })).toBe('');
  });

  it('draws the 7×24 heatmap with a number in every non-empty cell and a shade by count', () => {
    const heat = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
    heat[1]![21] = 10;
    heat[6]![0] = 1;
    const svg = heatmapSvg(heat, { title: 't', summary: 's', num, days: DAYS, cell: (d, h, n) => `${DAYS[d]} ${h}h: ${n}` }).value;
    expect(svg.match(/<rect /g)).toHaveLength(168);
    expect(svg).toContain(`fill="${HEAT_SHADES[4]!.fill}"><title>Tue 21h: 10</title></rect>`);
    expect(svg).toContain(`fill="${HEAT_SHADES[0]!.fill}"><title>Sun 0h: 1</title></rect>`);
    expect(svg).toMatch(/>10<\/text>/);
    expect([heatShade(1, 10), heatShade(5, 10), heatShade(10, 10), heatShade(99, 10)]).toEqual([0, 2, 4, 4]);
  });

  it('the API docs render these routes’ schemas', () => {
    const doc = renderApiDocs([
      { method: 'GET', url: '/api/report', config: { doc: { summary: 's', query: reportExportQuerySchema, returns: 'r' } } },
      { method: 'PUT', url: '/api/email-settings', config: { doc: { summary: 's', body: emailSettingsInputSchema, returns: 'r' } } },
    ]);
    expect(doc).toContain('"format"');
    expect(doc).toContain('"webhookUrl"');
  });
});
