/**
 * The weekly report page and its exports through the real admin app (harness): French and
 * English, the week picker's links, the device filter, the SVG charts and their summaries,
 * CSV/JSON downloads, and hostile names escaped in the page and guarded in the CSV.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportRoutes } from '../../src/admin/routes/report.js';
import type { WeeklyReport } from '../../src/report/weekly-report.js';
import { createAdminHarness, type AdminHarness } from '../admin/harness.js';
import { EVIL, EVIL_NAME, EVIL_QUERY, FORMULA, LEA, seedReport } from './report-page-fixtures.js';

let h: AdminHarness;

beforeAll(async () => {
  h = await createAdminHarness([reportRoutes]);
  seedReport(h);
});
afterAll(async () => {
  await h.close();
});

const get = (url: string, lang: 'en' | 'fr' = 'en') => h.inject({ method: 'GET', url, lang });
const unescape = (s: string) => s.replace(/&#61;/g, '=').replace(/&amp;/g, '&');
// Short failure messages: a page is 30-80 kB.
const has = (text: string, needle: string) => expect(text.includes(needle), `missing: ${needle}`).toBe(true);
const hasNot = (text: string, needle: string) => expect(text.includes(needle), `present: ${needle}`).toBe(false);
const matches = (text: string, re: RegExp) => expect(re.test(text), `no match: ${re}`).toBe(true);

describe('GET /report', () => {
  it('shows this week by default, in English: figures, highlights, charts with summaries, devices', async () => {
    const res = await get('/report');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const body = res.body;
    has(body, '<title>Weekly report · Vigie</title>');
    has(body, '<link rel="stylesheet" href="/assets/report.css">');
    has(body, '<strong>Week 2026-W48</strong> — Monday, 23 November 2026 to Sunday, 29 November 2026');
    has(body, 'Week in progress: figures up to Wed 25 Nov, 12:30.');
    // Whole home: 6 blocked attempts this week against 3, i.e. +100 %.
    matches(body, /<dt>Blocked attempts<\/dt><dd><strong>6<\/strong> <span class="trend-box"><span class="badge warn trend trend-up">↑ \+100%<\/span>/);
    has(body, '(previous week: 3)');
    // Charts: SVG images with their numbers in words.
    has(body, 'role="img" aria-label="Blocked attempts per day, Monday to Sunday: Mon 2, Tue 2, Wed 2, Thu 0, Fri 0, Sat 0, Sun 0."');
    matches(body, /aria-label="Blocked attempts by category: [^"]*Random video chat 2/);
    hasNot(body, 'style=');
    expect(body.match(/<script/g)).toHaveLength(1); // the frame's /assets/app.js only
    // What to look at: the first attempt ever on a high-risk category, highlighted; the bypass; the new device.
    matches(body, /<li class="alert-item">Léa’s phone: first attempt ever on “Random video chat” \(www\.ome\.tv\), Mon 23 Nov, 21:14<\/li>/);
    has(body, '<li>Léa’s phone: attempts to get around the filter (1)</li>');
    has(body, 'New device: &lt;img src&#61;x onerror&#61;alert(1)&gt;, first seen Tue 24 Nov, 08:00');
    // Léa's section: categories with trends, top services, lookups.
    const lea = body.slice(body.indexOf('<h2 id="device-1-title">'), body.indexOf('id="device-2"'));
    has(lea, '<h2 id="device-1-title">Léa’s phone</h2>');
    matches(lea, /<td data-label="Category">Social media<\/td><td data-label="Attempts">1<\/td><td data-label="Against last week"><span class="trend-box"><span class="badge ok trend trend-down">↓ -50%<\/span>/);
    matches(lea, /<td data-label="Category">Dating and hookup<\/td><td data-label="Attempts">0<\/td>/);
    has(lea, '<dt>Lookups</dt><dd>1,234</dd>');
    has(lea, 'aria-label="Blocked attempts by weekday and hour. Busiest: Mon 21:00 (2), Tue 17:00 (1), Wed 09:00 (1)."');
    has(unescape(lea), `href="/report?week=2026-W48&device=${encodeURIComponent(LEA)}"`);
    // Week picker: previous week link, no next week (this one is in progress), the week input.
    has(body, 'href="/report?week&#61;2026-W47" rel="prev"');
    hasNot(body, 'rel="next"');
    has(body, '<input id="report-week" name="week" type="week" value="2026-W48"');
    has(body, '<option value="" selected>Whole home</option>');
    // Downloads.
    has(unescape(body), 'href="/api/report?week=2026-W48&format=csv&lang=en" download');
    has(unescape(body), 'href="/api/report?week=2026-W48&format=json&lang=en" download');
  });

  it('speaks French', async () => {
    const res = await get('/report', 'fr');
    expect(res.statusCode).toBe(200);
    const body = res.body;
    has(body, '<html lang="fr">');
    has(body, '<title>Bilan de la semaine · Vigie</title>');
    has(body, '<strong>Semaine 2026-W48</strong> — du lundi 23 novembre 2026 au dimanche 29 novembre 2026');
    has(body, 'aria-label="Tentatives bloquées par jour, du lundi au dimanche : lun 2, mar 2, mer 2, jeu 0, ven 0, sam 0, dim 0."');
    has(body, 'Léa’s phone : toute première tentative sur « Chat vidéo aléatoire » (www.ome.tv)');
    has(body, '<dt>Requêtes</dt><dd>1\u202f234</dd>');
    has(body, '↑ +100\u202f%');
    has(body, '← Semaine précédente');
    has(body, 'Toute la maison');
    has(unescape(body), 'href="/api/report?week=2026-W48&format=csv&lang=fr"');
  });

  it('moves between weeks: an earlier week has previous, this-week and next links', async () => {
    const res = await get('/report?week=2026-W47');
    expect(res.statusCode).toBe(200);
    has(res.body, '<strong>Week 2026-W47</strong>');
    has(res.body, 'href="/report?week&#61;2026-W46" rel="prev"');
    has(res.body, 'href="/report?week&#61;2026-W48" rel="next"');
    has(res.body, '>This week</a>');
    hasNot(res.body, 'Week in progress');
    // W47: Léa's 3 attempts (2 social media, 1 dating); nothing of W48.
    matches(res.body, /<dt>Blocked attempts<\/dt><dd><strong>3<\/strong>/);
    hasNot(res.body, 'www.ome.tv');
    // `last` is the same week.
    has((await get('/report?week=last')).body, '<strong>Week 2026-W47</strong>');
  });

  it('shows one device with ?device=, keeping the week in the links', async () => {
    const res = await get(`/report?week=2026-W48&device=${encodeURIComponent(LEA)}`);
    expect(res.statusCode).toBe(200);
    has(res.body, '<h2 id="device-1-title">Léa’s phone</h2>');
    hasNot(res.body, 'id="device-2"');
    hasNot(res.body, 'id="home-title"');
    has(res.body, `<option value="${LEA}" selected>Léa’s phone</option>`);
    has(res.body, `href="/report?week&#61;2026-W47&amp;device&#61;${encodeURIComponent(LEA)}" rel="prev"`);
    const other = await get(`/report?week=2026-W48&device=${encodeURIComponent(FORMULA)}`);
    has(other.body, '<h2 id="device-3-title">&#61;HYPERLINK(&quot;http://x.test&quot;,&quot;a&quot;)</h2>');
    hasNot(other.body, 'Léa’s phone</h2>');
    const unknown = await get('/report?week=2026-W48&device=ip:198.51.100.9');
    expect(unknown.statusCode).toBe(200);
    has(unknown.body, 'This device had no activity during this week.');
  });

  it('refuses a week that does not exist: 400 with the reason, the picker kept', async () => {
    for (const week of ['2025-W53', 'next', '2026-W00']) {
      const res = await get(`/report?week=${week}`);
      expect(res.statusCode).toBe(400);
      has(res.body, 'This week cannot be shown:');
      has(res.body, 'aria-invalid="true"');
    }
  });

  it('escapes hostile device names and query names everywhere on the page', async () => {
    for (const url of ['/report', `/report?device=${encodeURIComponent(EVIL)}`]) {
      const body = (await get(url)).body;
      hasNot(body, '<img src=x');
      hasNot(body, '<script>alert');
      has(body, '&lt;img src&#61;x onerror&#61;alert(1)&gt;');
      has(body, '&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;.test');
      hasNot(body, EVIL_NAME);
      hasNot(body, EVIL_QUERY);
    }
  });
});

describe('GET /api/report', () => {
  it('downloads the week as CSV, header and titles in the language, formulas guarded', async () => {
    const res = await get('/api/report?week=2026-W48&format=csv&lang=en');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="vigie-report-2026-W48.csv"');
    const lines = res.body.split('\r\n');
    expect(lines[0]).toBe('week,device_id,device,profile,category,category_title,date,blocked');
    expect(lines).toContain(`2026-W48,${LEA},Léa’s phone,,random-video-chat,Random video chat,2026-11-23,2`);
    expect(lines).toContain(`2026-W48,${FORMULA},"'=HYPERLINK(""http://x.test"",""a"")",,social-media,Social media,2026-11-25,1`);
    expect(lines).toContain(`2026-W48,${EVIL},${EVIL_NAME},,anonymous-chat,Anonymous chat rooms,2026-11-24,1`);
    const fr = await get('/api/report?week=2026-W48&format=csv', 'fr');
    expect(fr.body.split('\r\n')[0]).toBe('semaine,id_appareil,appareil,profil,categorie,titre_categorie,date,bloquees');
    expect(fr.body).toContain('Chat vidéo aléatoire');
  });

  it('downloads the week as JSON (the report, stable keys)', async () => {
    const res = await get('/api/report?week=2026-W48&format=json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="vigie-report-2026-W48.json"');
    const report = JSON.parse(res.body) as WeeklyReport;
    expect(report.week.id).toBe('2026-W48');
    expect(report.home.blocked).toBe(6);
    expect(report.devices.map((d) => [d.id, d.totals.blocked])).toEqual([[LEA, 4], [EVIL, 1], [FORMULA, 1]]);
    expect(report.devices.find((d) => d.id === EVIL)?.label).toBe(EVIL_NAME); // raw in JSON: it is data, not markup
    expect(Object.keys(JSON.parse(res.body) as object)).toEqual([...Object.keys(JSON.parse(res.body) as object)].sort());
    // Default: JSON of this week.
    expect((JSON.parse((await get('/api/report')).body) as WeeklyReport).week.id).toBe('2026-W48');
  });

  it('refuses a bad week or format with 400 and the issues', async () => {
    const week = await get('/api/report?week=2025-W53');
    expect(week.statusCode).toBe(400);
    expect(week.json()).toMatchObject({ code: 'VALIDATION' });
    const format = await get('/api/report?format=xml');
    expect(format.statusCode).toBe(400);
    expect(format.json()).toMatchObject({ code: 'VALIDATION', issues: [{ path: ['format'] }] });
  });
});
