import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { activityRoutes } from '../../src/admin/routes/activity.js';
import { localDateText, localDayStart } from '../../src/admin/schemas/activity.js';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { createSubscriptionStore } from '../../src/blocklists/subscriptions/subscription-store.js';
import { createAdminHarness, type AdminHarness } from './harness.js';

interface Attempt { time: number; name: string; device?: string; category?: string; list?: string; rule?: string; qtype?: string; client?: string }

function insertAttempts(db: Database.Database, rows: readonly Attempt[]): void {
  const stmt = db.prepare('INSERT INTO blocked_attempts (time, client, name, qtype, category, list, rule, device, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const r of rows) stmt.run(r.time, r.client ?? '192.168.1.50', r.name, r.qtype ?? 'A', r.category ?? 'anonymous-chat', r.list ?? 'anonymous-chat', r.rule ?? r.name, r.device ?? 'ip:192.168.1.50', 'child');
  })();
}

const LEA = 'mac:02:00:00:00:00:01';
// Paris is UTC+1 in November: local midnight of 2026-11-24 is 2026-11-23T23:00Z.
const MIDNIGHT_24 = Date.UTC(2026, 10, 23, 23, 0);
const MIDNIGHT_25 = Date.UTC(2026, 10, 24, 23, 0);

describe('activity', () => {
  let h: AdminHarness;
  beforeEach(async () => {
    h = await createAdminHarness([activityRoutes]);
    const devices = createDeviceStore({ db: h.db });
    devices.recordSightings([{ id: LEA, mac: '02:00:00:00:00:01', ip: '192.168.1.20', at: h.now - 60_000 }]);
    devices.update(LEA, { name: 'Tablette de Léa' });
  });
  afterEach(async () => {
    await h.close();
  });

  async function api(query: string): Promise<{ rows: Array<{ name: string; time: number; id: number; deviceName: string; categoryTitle: string; listLabel: string }>; next: string | null }> {
    const res = await h.inject({ method: 'GET', url: `/api/activity${query}` });
    expect(res.statusCode).toBe(200);
    return res.json();
  }

  it('lists blocked attempts newest first with device names, in English and French', async () => {
    insertAttempts(h.logsDb, [
      { time: h.now - 3_600_000, name: 'coco.gg', device: LEA, client: '192.168.1.20' },
      { time: h.now - 60_000, name: 'tinder.com', category: 'dating', list: 'dating' },
    ]);
    const body = await api('');
    expect(body.rows.map((r) => [r.name, r.deviceName, r.categoryTitle])).toEqual([
      ['tinder.com', '192.168.1.50', 'Dating and hookup'],
      ['coco.gg', 'Tablette de Léa', 'Anonymous chat rooms'],
    ]);
    expect(body.next).toBeNull();

    const en = await h.inject({ method: 'GET', url: '/activity' });
    expect(en.statusCode).toBe(200);
    expect(en.body).toContain('<h1>Activity</h1>');
    expect(en.body).not.toMatch(/<script>|style="|\son[a-z]+=/); // the CSP forbids inline script, style and handlers
    expect(en.body).toContain('Tablette de Léa');
    expect(en.body).toContain('Dating and hookup');
    expect(en.body.indexOf('tinder.com')).toBeLessThan(en.body.indexOf('coco.gg'));
    const fr = await h.inject({ method: 'GET', url: '/activity', lang: 'fr' });
    expect(fr.body).toContain('<h1>Activité</h1>');
    expect(fr.body).toContain('Sites de rencontre');
    expect(fr.body).toContain('Tchats anonymes');
    // local time in Europe/Paris: 12:29 for 11:29Z
    expect(fr.body).toContain('12:29');
  });

  it('filters by device, category and local days', async () => {
    insertAttempts(h.logsDb, [
      { time: MIDNIGHT_24 - 1, name: 'before.test', device: LEA },
      { time: MIDNIGHT_24, name: 'first.test', device: LEA },
      { time: MIDNIGHT_25 - 1, name: 'last.test', device: LEA, category: 'dating', list: 'dating' },
      { time: MIDNIGHT_25, name: 'after.test', device: LEA },
      { time: MIDNIGHT_24 + 1000, name: 'other-device.test' },
    ]);
    expect((await api(`?device=${encodeURIComponent(LEA)}`)).rows.map((r) => r.name)).toEqual(['after.test', 'last.test', 'first.test', 'before.test']);
    expect((await api('?from=2026-11-24&to=2026-11-24')).rows.map((r) => r.name)).toEqual(['last.test', 'other-device.test', 'first.test']);
    expect((await api('?from=2026-11-25')).rows.map((r) => r.name)).toEqual(['after.test']);
    expect((await api('?to=2026-11-23')).rows.map((r) => r.name)).toEqual(['before.test']);
    expect((await api('?category=dating')).rows.map((r) => r.name)).toEqual(['last.test']);
    expect((await api(`?device=${encodeURIComponent(LEA)}&category=anonymous-chat&from=2026-11-24&to=2026-11-24`)).rows.map((r) => r.name)).toEqual(['first.test']);
    // empty form fields mean "all"
    expect((await api('?device=&category=&from=&to=&q=')).rows).toHaveLength(5);

    const page = await h.inject({ method: 'GET', url: `/activity?device=${encodeURIComponent(LEA)}&from=2026-11-24&to=2026-11-24` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('first.test');
    expect(page.body).toContain('last.test');
    expect(page.body).not.toContain('other-device.test');
    expect(page.body).not.toContain('before.test');
    expect(page.body).toMatch(/<option value="mac:02:00:00:00:00:01" selected>Tablette de Léa<\/option>/);
    expect(page.body).toContain('value="2026-11-24"');
  });

  it('searches the name with % and _ taken literally', async () => {
    insertAttempts(h.logsDb, [
      { time: h.now - 5000, name: 'chat_x.test' },
      { time: h.now - 4000, name: 'chatax.test' },
      { time: h.now - 3000, name: 'a%b.test' },
      { time: h.now - 2000, name: 'axb.test' },
      { time: h.now - 1000, name: 'back\\092slash.test' },
    ]);
    expect((await api('?q=_')).rows.map((r) => r.name)).toEqual(['chat_x.test']);
    expect((await api('?q=t_x')).rows.map((r) => r.name)).toEqual(['chat_x.test']);
    expect((await api(`?q=${encodeURIComponent('%')}`)).rows.map((r) => r.name)).toEqual(['a%b.test']);
    expect((await api(`?q=${encodeURIComponent('\\0')}`)).rows.map((r) => r.name)).toEqual(['back\\092slash.test']);
    expect((await api('?q=CHAT')).rows.map((r) => r.name)).toEqual(['chatax.test', 'chat_x.test']);
    expect((await api(`?q=${encodeURIComponent("' OR 1=1 --")}`)).rows).toEqual([]);
  });

  it('pages 50 at a time with an older link, without losing rows that share a millisecond', async () => {
    const t0 = h.now - 10_000;
    insertAttempts(h.logsDb, Array.from({ length: 120 }, (_, i) => ({ time: i < 70 ? t0 : t0 - 1000, name: `n${String(i).padStart(3, '0')}.test` })));
    const first = await api('');
    expect(first.rows).toHaveLength(50);
    expect(first.next).toMatch(/^\d+:\d+$/);
    const second = await api(`?before=${first.next!}`);
    expect(second.rows).toHaveLength(50);
    const third = await api(`?before=${second.next!}`);
    expect(third.rows).toHaveLength(20);
    expect(third.next).toBeNull();
    const names = [...first.rows, ...second.rows, ...third.rows].map((r) => r.name);
    expect(new Set(names).size).toBe(120);
    // newest first: time descending, then last inserted first
    expect(names.slice(0, 2)).toEqual(['n069.test', 'n068.test']);
    expect(names.at(-1)).toBe('n070.test');

    const page = await h.inject({ method: 'GET', url: '/activity?q=.test' });
    const older = /href="(\/activity\?[^"]*before[^"]*)" rel="next"/.exec(page.body)?.[1];
    expect(older).toBeDefined();
    const href = older!.replace(/&#61;/g, '=').replace(/&amp;/g, '&');
    expect(href).toBe(`/activity?q=.test&before=${encodeURIComponent(first.next!)}`);
    const next = await h.inject({ method: 'GET', url: href });
    expect(next.statusCode).toBe(200);
    expect(next.body).toContain(second.rows[0]!.name);
    expect(next.body).not.toContain(`>${first.rows[0]!.name}<`);
    expect((await api('?limit=500')).rows).toHaveLength(120);
  });

  it('escapes hostile names, device names and list URLs', async () => {
    const evilName = '<img src=x onerror=alert(1)>.test';
    const evilDevice = '"><script>alert(1)</script>';
    createDeviceStore({ db: h.db }).update(LEA, { name: evilDevice });
    const sub = createSubscriptionStore({ db: h.db }).add({ url: 'https://lists.test/list.txt', category: 'custom' });
    h.db.prepare('UPDATE subscriptions SET url = ? WHERE id = ?').run(`https://lists.test/"><script>alert(2)</script>`, sub.id);
    insertAttempts(h.logsDb, [{ time: h.now - 1000, name: evilName, device: LEA, list: `subscription-${sub.id}`, category: 'custom', rule: evilName }]);
    const res = await h.inject({ method: 'GET', url: '/activity' });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<img src=x');
    expect(res.body).not.toContain('<script>alert');
    expect(res.body).toContain('&lt;img src&#61;x onerror&#61;alert(1)&gt;.test');
    expect(res.body).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.body).toContain('https://lists.test/&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(res.body).toContain('Your own rules');
    // a hostile search text is echoed escaped in the form
    const search = await h.inject({ method: 'GET', url: `/activity?q=${encodeURIComponent('"><script>alert(3)</script>')}` });
    expect(search.body).not.toContain('<script>alert(3)');
    expect(search.body).toContain('value="&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"');
  });

  it('refuses bad filters: 400 with issues (API) or the page with the message', async () => {
    const bad = await h.inject({ method: 'GET', url: '/api/activity?from=2026-13-01' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION', issues: [{ path: ['from'] }] });
    const reversed = await h.inject({ method: 'GET', url: '/api/activity?from=2026-11-25&to=2026-11-24' });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().issues[0].path).toEqual(['to']);
    expect((await h.inject({ method: 'GET', url: '/api/activity?limit=501' })).statusCode).toBe(400);
    expect((await h.inject({ method: 'GET', url: '/api/activity?before=abc' })).statusCode).toBe(400);
    expect((await h.inject({ method: 'GET', url: '/api/activity?category=%3Cb%3E' })).statusCode).toBe(400);

    const page = await h.inject({ method: 'GET', url: '/activity?from=2026-02-30' });
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('These filters are not valid');
    expect(page.body).toContain('from: is not a calendar date');
    expect(page.body).toContain('value="2026-02-30"');
    const fr = await h.inject({ method: 'GET', url: '/activity?from=x', lang: 'fr' });
    expect(fr.statusCode).toBe(400);
    expect(fr.body).toContain('Ces filtres ne sont pas valides');
  });
});

describe('local days of the date filters', () => {
  it.each([
    ['Europe/Paris', '2026-03-29', Date.UTC(2026, 2, 28, 23)], // the day summer time starts: 23 h long
    ['Europe/Paris', '2026-10-25', Date.UTC(2026, 9, 24, 22)],
    ['Pacific/Kiritimati', '2026-11-25', Date.UTC(2026, 10, 24, 10)], // UTC+14
    ['Pacific/Pago_Pago', '2026-11-25', Date.UTC(2026, 10, 25, 11)], // UTC-11
    ['UTC', '2026-01-01', Date.UTC(2026, 0, 1)],
  ])('%s %s starts at local midnight', (zone, date, expected) => {
    expect(localDayStart(date, zone)).toBe(expected);
    expect(localDateText(expected, zone)).toBe(date);
    expect(localDateText(expected - 1, zone)).not.toBe(date);
  });
});
