import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import type { AdminContext, ServiceStatus } from '../../src/admin/context.js';
import { overviewRoutes, type OverviewData } from '../../src/admin/routes/overview.js';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { createOverrideStore } from '../../src/policy/override-store.js';
import { createAdminHarness, type AdminHarness } from './harness.js';

function insertAttempt(db: Database.Database, time: number, name: string, device: string): void {
  db.prepare('INSERT INTO blocked_attempts (time, client, name, qtype, category, list, rule, device, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(time, device.replace(/^ip:/, ''), name, 'A', 'anonymous-chat', 'anonymous-chat', name, device, 'child');
}

const LEA = 'mac:02:00:00:00:00:01';
const TV = 'mac:02:00:00:00:00:02';
const DAY = 86_400_000;
// Europe/Paris is UTC+1 in November: local midnight of 2026-11-25 is 2026-11-24T23:00Z.
const MIDNIGHT = Date.UTC(2026, 10, 24, 23, 0);
const NEXT_MIDNIGHT = MIDNIGHT + DAY;

function setStatus(h: AdminHarness, status: ServiceStatus): void {
  (h.ctx as { status: AdminContext['status'] }).status = () => status;
}

describe('overview', () => {
  let h: AdminHarness;
  beforeEach(async () => {
    h = await createAdminHarness([overviewRoutes]);
    const devices = createDeviceStore({ db: h.db });
    devices.recordSightings([
      { id: LEA, mac: '02:00:00:00:00:01', ip: '192.168.1.20', at: h.now - 2 * DAY },
      { id: TV, mac: '02:00:00:00:00:02', ip: '192.168.1.30', at: h.now - 8 * DAY },
      { id: 'ip:192.168.1.40', mac: null, ip: '192.168.1.40', at: h.now - 3600_000 },
    ]);
    devices.update(LEA, { name: 'Tablette de Léa' });
    devices.update('ip:192.168.1.40', { name: 'Salon', profileId: 'adult' });
  });
  afterEach(async () => {
    await h.close();
  });

  async function status(): Promise<OverviewData> {
    const res = await h.inject({ method: 'GET', url: '/api/status' });
    expect(res.statusCode).toBe(200);
    return res.json();
  }

  it('counts today\'s blocked attempts per device by local day, around midnight', async () => {
    insertAttempt(h.logsDb, MIDNIGHT - 1, 'yesterday.test', LEA); // 23:59:59.999 the day before
    insertAttempt(h.logsDb, MIDNIGHT, 'midnight.test', LEA);
    insertAttempt(h.logsDb, h.now - 60_000, 'noon.test', LEA);
    insertAttempt(h.logsDb, h.now - 30_000, 'noon2.test', 'ip:192.168.1.77');
    insertAttempt(h.logsDb, NEXT_MIDNIGHT, 'tomorrow.test', LEA);
    insertAttempt(h.logsDb, NEXT_MIDNIGHT + 5, 'tomorrow2.test', 'ip:192.168.1.77');

    const today = await status();
    expect(today.today.date).toBe('2026-11-25');
    expect(today.today.from).toBe(MIDNIGHT);
    expect(today.today.to).toBe(NEXT_MIDNIGHT);
    expect(today.today.devices).toEqual([
      { device: LEA, deviceName: 'Tablette de Léa', count: 2 },
      { device: 'ip:192.168.1.77', deviceName: '192.168.1.77', count: 1 },
    ]);

    h.now = NEXT_MIDNIGHT - 1; // 23:59:59.999 local: still the same day
    expect((await status()).today.devices.map((d) => d.count)).toEqual([2, 1]);
    h.now = NEXT_MIDNIGHT; // 00:00 local, the next day
    const next = await status();
    expect(next.today.date).toBe('2026-11-26');
    // same count: ordered by device id
    expect(next.today.devices).toEqual([
      { device: 'ip:192.168.1.77', deviceName: '192.168.1.77', count: 1 },
      { device: LEA, deviceName: 'Tablette de Léa', count: 1 },
    ]);

    const page = await h.inject({ method: 'GET', url: '/' });
    expect(page.body).toContain('Tablette de Léa');
    expect(page.body).toContain('href="/activity?device&#61;mac%3A02%3A00%3A00%3A00%3A00%3A01&amp;from&#61;2026-11-26&amp;to&#61;2026-11-26"');
  });

  it('shows protection, overrides, upstream health, counters, latest attempts and new devices (en and fr)', async () => {
    createOverrideStore({ db: h.db, clock: () => h.now }).set(LEA, 'pause', 30);
    createOverrideStore({ db: h.db, clock: () => h.now }).set(TV, 'block', 60);
    setStatus(h, {
      startedAt: h.now - 3_600_000,
      upstreams: [{ server: 'udp://192.0.2.1:53', down: false, lastError: null }, { server: 'udp://192.0.2.53:53', down: true, lastError: 'timeout after 800 ms' }],
      counters: { queries: 1234, blocked: 56 },
    });
    for (let i = 0; i < 7; i++) insertAttempt(h.logsDb, h.now - (7 - i) * 1000, `site${i}.test`, LEA);

    const data = await status();
    expect(data.protection.on).toBe(true);
    expect(data.protection.paused).toEqual([{ deviceId: LEA, deviceName: 'Tablette de Léa', until: h.now + 30 * 60_000 }]);
    expect(data.protection.blocked.map((o) => o.deviceId)).toEqual([TV]);
    expect(data.counters).toEqual({ queries: 1234, blocked: 56 });
    expect(data.upstreams[1]).toEqual({ server: 'udp://192.0.2.53:53', down: true, lastError: 'timeout after 800 ms' });
    expect(data.latest.map((r) => r.name)).toEqual(['site6.test', 'site5.test', 'site4.test', 'site3.test', 'site2.test']);
    expect(data.latest[0]!.categoryTitle).toBe('Anonymous chat rooms');
    // Léa (no profile, 2 days ago) is new; the TV (8 days ago) and the living room (profile chosen) are not
    expect(data.newDevices.map((d) => d.id)).toEqual([LEA]);

    const en = await h.inject({ method: 'GET', url: '/' });
    expect(en.statusCode).toBe(200);
    expect(en.body).toContain('<h1>Overview</h1>');
    expect(en.body).not.toMatch(/<script>|style="|\son[a-z]+=/); // the CSP forbids inline script, style and handlers
    expect(en.body).toContain('Protection is on.');
    expect(en.body).toContain('Filtering is paused for 1 device(s).');
    expect(en.body).toContain('Everything is blocked for 1 device(s).');
    expect(en.body).toContain('not answering');
    expect(en.body).toContain('Last error: timeout after 800 ms');
    expect(en.body).toContain('1234');
    expect(en.body).toContain('site6.test');
    expect(en.body).not.toContain('site1.test');
    expect(en.body).toContain('href="/devices"');
    const fr = await h.inject({ method: 'GET', url: '/', lang: 'fr' });
    expect(fr.body).toContain('<h1>Accueil</h1>');
    expect(fr.body).toContain('La protection est active.');
    expect(fr.body).toContain('Le filtrage est en pause pour 1 appareil(s).');
    expect(fr.body).toContain('ne répond pas');
    expect(fr.body).toContain('Nouveaux appareils à attribuer');
    expect(fr.body).toContain('Tchats anonymes');
  });

  it('says when nothing happened yet', async () => {
    createDeviceStore({ db: h.db }).update(LEA, { profileId: 'child' });
    const en = await h.inject({ method: 'GET', url: '/' });
    expect(en.body).toContain('Nothing blocked today.');
    expect(en.body).toContain('No blocked attempt recorded yet.');
    expect(en.body).toContain('No new device.');
    expect(en.body).not.toContain('paused');
  });

  it('escapes hostile device names, query names and upstream errors', async () => {
    const evil = '"><script>alert(1)</script>';
    createDeviceStore({ db: h.db }).update(LEA, { name: evil });
    insertAttempt(h.logsDb, h.now - 1000, '<img src=x onerror=alert(1)>.test', LEA);
    setStatus(h, { startedAt: h.now, upstreams: [{ server: 'udp://192.0.2.1:53', down: true, lastError: '<img src=x onerror=alert(2)>' }], counters: {} });
    const res = await h.inject({ method: 'GET', url: '/' });
    expect(res.body).not.toContain('<script>alert');
    expect(res.body).not.toContain('<img src=x');
    expect(res.body).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.body).toContain('&lt;img src&#61;x onerror&#61;alert(1)&gt;.test');
    expect(res.body).toContain('&lt;img src&#61;x onerror&#61;alert(2)&gt;');
    expect((await status()).counters).toEqual({ queries: 0, blocked: 0 });
  });
});
