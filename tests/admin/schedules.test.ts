/** The schedules page (week grid, windows, add / edit form) and /api/schedules. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { schedulesRoutes } from '../../src/admin/routes/schedules.js';
import { windowPieces } from '../../src/admin/views/schedules-grid.js';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { createScheduleStore } from '../../src/policy/schedule-store.js';
import { createAdminHarness, type AdminHarness } from './harness.js';

const KID = { id: 'mac:a4:83:e7:00:00:02', mac: 'a4:83:e7:00:00:02', ip: '192.168.1.50' };

let h: AdminHarness;
beforeEach(async () => {
  h = await createAdminHarness([schedulesRoutes]);
  createDeviceStore({ db: h.db }).recordSightings([{ ...KID, at: h.now }]);
  await h.ctx.changed();
});
afterEach(async () => {
  await h.close();
});

const form = (url: string, fields: Record<string, string | readonly string[]>, extra: { lang?: 'en' | 'fr'; csrf?: boolean } = {}) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of typeof v === 'string' ? [v] : v) params.append(k, one);
  return h.inject({ method: 'POST', url, payload: params.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, ...extra });
};
const windows = () => createScheduleStore({ db: h.db }).list();
const decideAt = (name: string, at: number) => h.ctx.policy.built.identify(KID.ip, null).decide(name, at);

/** The grid cells of one profile's figure: "day hour" → the window ids drawn in it. */
function gridCells(body: string, profileId: string): Map<string, number[]> {
  const start = body.indexOf(`<div class="week" data-profile="${profileId}"`);
  expect(start).toBeGreaterThanOrEqual(0);
  const figure = body.slice(start, body.indexOf('<details>', start));
  const cells = new Map<string, number[]>();
  for (const m of figure.matchAll(/<div class="[^"]*" data-day="(\w+)" data-hour="(\d+)">(.*?)<\/div>/gs)) {
    cells.set(`${m[1]} ${m[2]}`, [...(m[3] ?? '').matchAll(/data-window="(\d+)"/g)].map((w) => Number(w[1])));
  }
  expect(cells.size).toBe(7 * 24);
  return cells;
}
/** The "day hour" keys whose cell shows window `id`. */
const cellsOf = (cells: Map<string, number[]>, id: number): string[] => [...cells].filter(([, ids]) => ids.includes(id)).map(([k]) => k);
const hours = (day: string, from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `${day} ${from + i}`);

const BEDTIME = { profileId: 'child', days: 'mon', start: '21:00', end: '07:00', mode: 'bedtime', allow: 'school.example.org\nkhanacademy.org', label: 'School night' };

describe('schedules page', () => {
  it('renders in English and French with the legend and the add form', async () => {
    const en = await h.inject({ method: 'GET', url: '/schedules', lang: 'en' });
    expect(en.statusCode).toBe(200);
    expect(en.body).toContain('Times are in the Europe/Paris time zone.');
    expect(en.body).not.toContain('<div class="week"');
    expect(en.body).toContain('No schedule window for: Adult, Child, Teen, Unfiltered.');
    expect(en.body).toContain('<option value="school-nights" data-days="sun,mon,tue,wed,thu">School nights (Sunday to Thursday)</option>');
    expect(en.body).toContain('<input type="time" id="w-start" name="start" value="21:00"');
    expect(en.body).toContain('<script src="/assets/schedule-editor.js" defer></script>');
    const fr = await h.inject({ method: 'GET', url: '/schedules', lang: 'fr' });
    expect(fr.body).toContain('Ajouter une plage');
    expect(fr.body).toContain('<abbr title="lundi">lun</abbr>');
    expect(fr.body).toContain('Soirs d’école (du dimanche au jeudi)');
    expect(fr.body).toContain('Réseaux sociaux');
  });

  it('an overnight window added through the form shows in Monday’s and Tuesday’s columns, and applies', async () => {
    const res = await form('/schedules', { ...BEDTIME, days: ['mon'] });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/schedules?saved=1#profile-child');
    const [w] = windows();
    expect(w).toMatchObject({ profileId: 'child', days: ['mon'], start: 21 * 60, end: 7 * 60, mode: 'bedtime', allow: ['school.example.org', 'khanacademy.org'], label: 'School night', enabled: true });
    const page = await h.inject({ method: 'GET', url: '/schedules?saved=1', lang: 'en' });
    expect(page.body).toContain('<p class="flash" role="status">Saved.</p>');
    expect(page.body).toContain('Bedtime (highlighted hours): everything blocked except the allowed names');
    expect(page.body).toContain('<p id="week-child">Week of the profile “Child”</p>');
    expect(cellsOf(gridCells(page.body, 'child'), w!.id).sort()).toEqual([...hours('mon', 21, 24), ...hours('tue', 0, 7)].sort());
    expect(page.body).toContain('&quot;School night&quot; Mon 21:00-07:00 (overnight): bedtime (2 allowed)');
    expect(page.body).toContain('(continued from the day before)');
    const fr = await h.inject({ method: 'GET', url: '/schedules', lang: 'fr' });
    expect(fr.body).toContain('&quot;School night&quot; lun 21:00-07:00 (nuit) : coucher (2 autorisés)');
    // Monday 23 November 2026, 22:00 in Paris = 21:00 UTC: bedtime; Tuesday 06:59 too; 07:00 not.
    expect(decideAt('wikipedia.org', Date.UTC(2026, 10, 23, 21, 0))).toMatchObject({ category: 'bedtime' });
    expect(decideAt('school.example.org', Date.UTC(2026, 10, 23, 21, 0))).toBeNull();
    expect(decideAt('wikipedia.org', Date.UTC(2026, 10, 24, 5, 59))).toMatchObject({ category: 'bedtime' });
    expect(decideAt('wikipedia.org', Date.UTC(2026, 10, 24, 6, 0))).toBeNull();
  });

  it('a Sunday 22:00-06:00 window wraps to Monday morning in the grid', async () => {
    expect((await form('/schedules', { ...BEDTIME, days: ['sun'], start: '22:00', end: '06:00' })).statusCode).toBe(303);
    const [w] = windows();
    const cells = cellsOf(gridCells((await h.inject({ method: 'GET', url: '/schedules?profile=child' })).body, 'child'), w!.id);
    expect(cells.sort()).toEqual([...hours('sun', 22, 24), ...hours('mon', 0, 6)].sort());
  });

  it('takes a quick choice of days, block mode with categories, and draws block and bedtime differently', async () => {
    expect((await form('/schedules', { profileId: 'child', quick: 'school-nights', start: '18:00', end: '20:00', mode: 'block', categories: ['social-media', 'gaming'], allow: 'ignored.example' })).statusCode).toBe(303);
    await form('/schedules', { ...BEDTIME });
    const [block, bedtime] = windows();
    expect(block).toMatchObject({ days: ['mon', 'tue', 'wed', 'thu', 'sun'], mode: 'block', categories: ['social-media', 'gaming'], allow: [] });
    const body = (await h.inject({ method: 'GET', url: '/schedules' })).body;
    // In the grid: block = amber badge, bedtime = highlighted hour; in the day-by-day list both are badges.
    expect(body).toContain(`<span class="badge warn" data-window="${block!.id}">⊘1`);
    expect(body).toContain(`<span data-window="${bedtime!.id}">☾2`);
    expect(body).toContain(`<span class="badge danger" data-window="${bedtime!.id}">☾ 2`);
    expect(body).toMatch(/<div class="block" data-day="sun" data-hour="18">/);
    expect(body).toMatch(/<div class="on bedtime" data-day="mon" data-hour="21">/);
    expect(body).toMatch(/<div class="" data-day="sat" data-hour="18">/);
    expect(body).toContain('No schedule window for: Adult, Teen, Unfiltered.');
    // Wednesday 25 November 2026, 18:30 Paris: social media blocked by the window.
    expect(decideAt('tiktok.com', Date.UTC(2026, 10, 25, 17, 30))).toMatchObject({ category: 'social-media' });
    expect(decideAt('tiktok.com', Date.UTC(2026, 10, 25, 19, 30))).toBeNull();
  });

  it('accepts equal times as a 24-hour window', async () => {
    expect((await form('/schedules', { ...BEDTIME, start: '08:00', end: '08:00' })).statusCode).toBe(303);
    expect(windows()[0]).toMatchObject({ start: 480, end: 480 });
    const body = (await h.inject({ method: 'GET', url: '/schedules', lang: 'en' })).body;
    expect(body).toContain('Mon 08:00-08:00 (24 h)');
    expect(cellsOf(gridCells(body, 'child'), windows()[0]!.id)).toHaveLength(24);
  });

  it.each([
    ['fr', { start: '25:00' }, '« De » doit être une heure entre 00:00 et 23:59.'],
    ['en', { end: '7h' }, '“To” must be a time between 00:00 and 24:00.'],
    ['fr', { days: [] as string[] }, 'Choisissez au moins un jour.'],
    ['fr', { mode: 'block', categories: [] as string[] }, 'Une plage qui bloque des catégories a besoin d’au moins une catégorie.'],
    ['en', { mode: 'block', categories: ['no-such-category'] }, 'Unknown category “no-such-category”.'],
    ['en', { allow: 'ok.example\nnot a name' }, '“not a name” is not a domain name.'],
    ['fr', { mode: '' }, 'Choisissez ce que fait la plage.'],
    ['en', { profileId: 'nobody' }, 'Choose a profile.'],
  ] as const)('refuses a bad form (%s %j) with 400 and the message, keeping what was typed', async (lang, change, message) => {
    const res = await form('/schedules', { ...BEDTIME, label: 'Kept label', ...change }, { lang });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(`<li>${message.replace(/"/g, '&quot;')}</li>`);
    expect(res.body).toContain('value="Kept label"');
    expect(windows()).toEqual([]);
  });

  it('edits, switches off and removes a window through the forms', async () => {
    await form('/schedules', { ...BEDTIME });
    const id = windows()[0]!.id;
    const edit = await h.inject({ method: 'GET', url: `/schedules/${id}/edit`, lang: 'en' });
    expect(edit.statusCode).toBe(200);
    expect(edit.body).toContain('<input type="time" id="w-start" name="start" value="21:00"');
    expect(edit.body).toContain('school.example.org\nkhanacademy.org</textarea>');
    expect(edit.body).toMatch(/name="days" value="mon" checked/);
    const bad = await form(`/schedules/${id}`, { ...BEDTIME, start: '99:99', formEnabled: '1', enabled: 'on' }, { lang: 'en' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('“From” must be a time between 00:00 and 23:59.');
    expect((await form(`/schedules/${id}`, { ...BEDTIME, days: ['sat', 'sun'], start: '22:30', formEnabled: '1', enabled: 'on' })).statusCode).toBe(303);
    expect(windows()[0]).toMatchObject({ id, days: ['sat', 'sun'], start: 22 * 60 + 30, enabled: true });
    await form(`/schedules/${id}`, { ...BEDTIME, formEnabled: '1' });
    expect(windows()[0]?.enabled).toBe(false);
    expect((await form(`/schedules/${id}/enabled`, { enabled: 'on' })).statusCode).toBe(303);
    expect(windows()[0]?.enabled).toBe(true);
    expect(decideAt('wikipedia.org', Date.UTC(2026, 10, 23, 21, 0))).toMatchObject({ category: 'bedtime' });
    await form(`/schedules/${id}/enabled`, { enabled: 'off' });
    expect(windows()[0]?.enabled).toBe(false);
    expect(decideAt('wikipedia.org', Date.UTC(2026, 10, 23, 21, 0))).toBeNull();
    expect((await form(`/schedules/${id}/remove`, {})).statusCode).toBe(303);
    expect(windows()).toEqual([]);
    expect((await h.inject({ method: 'GET', url: `/schedules/${id}/edit` })).statusCode).toBe(404);
  });

  it('refuses forms without the CSRF token', async () => {
    expect((await form('/schedules', { ...BEDTIME }, { csrf: false })).statusCode).toBe(403);
    expect(windows()).toEqual([]);
  });

  it('escapes labels', async () => {
    const store = createScheduleStore({ db: h.db });
    store.add({ profileId: 'child', label: '<img src=x onerror=alert(1)>', days: ['mon'], start: 0, end: 60, mode: 'bedtime', categories: [], allow: [], enabled: true });
    const res = await h.inject({ method: 'GET', url: '/schedules' });
    expect(res.body).not.toContain('<img src=x onerror=alert(1)>');
    expect(res.body).toContain('&quot;&lt;img src&#61;x onerror&#61;alert(1)&gt;&quot;');
    const typed = await form('/schedules', { ...BEDTIME, label: '"><script>alert(1)</script>', start: 'x' });
    expect(typed.statusCode).toBe(400);
    expect(typed.body).not.toContain('"><script>alert(1)</script>');
    expect(typed.body).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });
});

describe('/api/schedules', () => {
  const body = { profileId: 'child', days: 'mon-fri', start: '18:00', end: '20:00', mode: 'block', categories: ['social-media'] };

  it('adds, reads, lists by profile, replaces, switches off and removes', async () => {
    const res = await h.inject({ method: 'POST', url: '/api/schedules', payload: { ...body, days: ['sun', 'mon'], start: '21:00', end: '07:00' } });
    expect(res.statusCode).toBe(201);
    const created = res.json() as { id: number };
    expect(created).toMatchObject({ profileId: 'child', days: ['mon', 'sun'], start: '21:00', end: '07:00', overnight: true, enabled: true, description: 'Sun,Mon 21:00-07:00 (overnight): block social-media' });
    expect((await h.inject({ method: 'GET', url: `/api/schedules/${created.id}`, lang: 'fr' })).json()).toMatchObject({ description: 'dim,lun 21:00-07:00 (nuit) : blocage social-media' });
    expect((await h.inject({ method: 'GET', url: '/api/schedules?profile=child' })).json()).toHaveLength(1);
    expect((await h.inject({ method: 'GET', url: '/api/schedules?profile=teen' })).json()).toEqual([]);
    expect((await h.inject({ method: 'GET', url: '/api/schedules' })).json()).toHaveLength(1);
    const put = await h.inject({ method: 'PUT', url: `/api/schedules/${created.id}`, payload: body });
    expect(put.json()).toMatchObject({ id: created.id, days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '18:00', overnight: false });
    expect(decideAt('tiktok.com', Date.UTC(2026, 10, 25, 17, 30))).toMatchObject({ category: 'social-media' });
    const off = await h.inject({ method: 'PATCH', url: `/api/schedules/${created.id}`, payload: { enabled: false } });
    expect(off.json()).toMatchObject({ enabled: false });
    expect(decideAt('tiktok.com', Date.UTC(2026, 10, 25, 17, 30))).toBeNull();
    expect((await h.inject({ method: 'DELETE', url: `/api/schedules/${created.id}` })).statusCode).toBe(204);
    expect((await h.inject({ method: 'DELETE', url: `/api/schedules/${created.id}` })).statusCode).toBe(404);
  });

  it.each([
    [{ ...body, start: '25:00' }, ['start']],
    [{ ...body, days: 'someday' }, ['days']],
    [{ ...body, mode: 'party' }, ['mode']],
    [{ ...body, categories: [] }, ['categories']],
    [{ ...body, categories: undefined }, ['categories']],
    [{ ...body, categories: ['no-such-category'] }, ['categories', 0]],
    [{ ...body, profileId: 'nobody' }, ['profileId']],
    [{ ...body, mode: 'bedtime', allow: ['not a name'] }, ['allow', 0]],
  ])('refuses %j with 400 and issues', async (payload, path) => {
    const res = await h.inject({ method: 'POST', url: '/api/schedules', payload });
    expect(res.statusCode).toBe(400);
    const json = res.json() as { code: string; issues: Array<{ path: unknown[] }> };
    expect(json.code).toBe('VALIDATION');
    expect(json.issues.map((i) => i.path)).toContainEqual(path);
    expect(windows()).toEqual([]);
  });

  it('accepts from == to (24 h) and refuses bad ids, unknown ids and bad PATCH bodies', async () => {
    const res = await h.inject({ method: 'POST', url: '/api/schedules', payload: { ...body, start: '09:00', end: '09:00' } });
    expect(res.statusCode).toBe(201);
    const { id } = res.json() as { id: number };
    expect((await h.inject({ method: 'GET', url: '/api/schedules/abc' })).statusCode).toBe(404);
    expect((await h.inject({ method: 'GET', url: '/api/schedules/9999' })).statusCode).toBe(404);
    expect((await h.inject({ method: 'PUT', url: '/api/schedules/9999', payload: body })).statusCode).toBe(404);
    expect((await h.inject({ method: 'GET', url: '/api/schedules?profile=nobody' })).statusCode).toBe(404);
    expect((await h.inject({ method: 'GET', url: '/api/schedules?profile=Bad%20Id' })).statusCode).toBe(400);
    const patch = await h.inject({ method: 'PATCH', url: `/api/schedules/${id}`, payload: { enabled: 'yes' } });
    expect(patch.statusCode).toBe(400);
    expect(patch.json()).toMatchObject({ issues: [{ path: ['enabled'] }] });
    expect((await h.inject({ method: 'PATCH', url: `/api/schedules/${id}`, payload: { enabled: false }, csrf: false })).statusCode).toBe(403);
    expect(windows()[0]?.enabled).toBe(true);
  });
});

describe('windowPieces', () => {
  it.each([
    ['evening', { days: ['mon'], start: 18 * 60, end: 20 * 60 }, [{ day: 0, from: 1080, to: 1200, continued: false }]],
    ['overnight', { days: ['mon'], start: 21 * 60, end: 7 * 60 }, [{ day: 0, from: 1260, to: 1440, continued: false }, { day: 1, from: 0, to: 420, continued: true }]],
    ['Sunday night wraps', { days: ['sun'], start: 22 * 60, end: 6 * 60 }, [{ day: 6, from: 1320, to: 1440, continued: false }, { day: 0, from: 0, to: 360, continued: true }]],
    ['until midnight', { days: ['fri'], start: 20 * 60, end: 0 }, [{ day: 4, from: 1200, to: 1440, continued: false }]],
    ['24 h from 08:00', { days: ['sat'], start: 480, end: 480 }, [{ day: 5, from: 480, to: 1440, continued: false }, { day: 6, from: 0, to: 480, continued: true }]],
    ['whole day', { days: ['wed'], start: 0, end: 0 }, [{ day: 2, from: 0, to: 1440, continued: false }]],
  ] as const)('%s', (_what, w, pieces) => {
    expect(windowPieces(w)).toEqual(pieces);
  });
});
