/** The devices page and /api/devices: names, profiles, last seen, private MACs, ids with ':'. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { devicesRoutes } from '../../src/admin/routes/devices.js';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { createAdminHarness, type AdminHarness } from './harness.js';

const PHONE = { id: 'mac:02:00:5e:00:53:01', mac: '02:00:5e:00:53:01', ip: '192.168.1.20' };
const LAPTOP = { id: 'mac:a4:83:e7:12:34:56', mac: 'a4:83:e7:12:34:56', ip: '192.168.1.21' };
const PRINTER = { id: 'ip:192.168.1.30', mac: null, ip: '192.168.1.30' };
const enc = encodeURIComponent;

let h: AdminHarness;
beforeEach(async () => {
  h = await createAdminHarness([devicesRoutes]);
  const devices = createDeviceStore({ db: h.db });
  devices.recordSightings([{ ...PHONE, at: h.now - 3 * 60_000 }, { ...LAPTOP, at: h.now - 2 * 3_600_000 }, { ...PRINTER, at: h.now - 10_000 }]);
  devices.update(LAPTOP.id, { name: 'Laptop', profileId: 'adult' });
  await h.ctx.changed();
});
afterEach(async () => {
  await h.close();
});

const form = (url: string, fields: Record<string, string>, extra: { lang?: 'en' | 'fr'; csrf?: boolean } = {}) =>
  h.inject({ method: 'POST', url, payload: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, ...extra });

describe('devices page', () => {
  it('lists devices with relative last seen, the private-address flag and new devices first, in English', async () => {
    const res = await h.inject({ method: 'GET', url: '/devices', lang: 'en' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    const body = res.body;
    expect(body).toContain('<html lang="en">');
    expect(body).toContain('3 min ago');
    expect(body).toContain('2 h ago');
    expect(body).toContain('just now');
    expect(body).toContain('Private address');
    expect(body).toContain('uses a private (random) Wi-Fi address');
    expect(body).toContain('MAC address: 02:00:5e:00:53:01');
    expect(body).toContain('MAC address unknown');
    expect(body).toContain('New — choose a profile');
    expect(body).toContain('2 new device(s) to check');
    expect(body).toContain('Default profile (Child)');
    expect(body).toContain('Addresses: 192.168.1.20');
    // New devices (no profile) come before the laptop that has one.
    expect(body.indexOf('192.168.1.20')).toBeLessThan(body.indexOf('Laptop'));
    // Only the phone's MAC is flagged.
    expect(body.match(/<span class="badge warn">Private address<\/span>/g)).toHaveLength(1);
    expect(body).toContain('MAC address: 02:00:5e:00:53:01 <span class="badge warn">Private address</span>');
    // Device ids are encoded in form actions.
    expect(body).toContain(`action="/devices/${enc(PHONE.id)}/pause"`);
    expect(body).toContain(`action="/devices/${enc(PRINTER.id)}/block"`);
    expect(body).toContain('<option value="morning">until tomorrow 07:00</option>');
  });

  it('speaks French: « il y a 3 min », adresse privée, profil par défaut', async () => {
    const res = await h.inject({ method: 'GET', url: '/devices', lang: 'fr' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="fr">');
    expect(res.body).toContain('il y a 3 min');
    expect(res.body).toContain('il y a 2 h');
    expect(res.body).toContain('à l’instant');
    expect(res.body).toContain('Adresse privée');
    expect(res.body).toContain('Nouveau — choisissez un profil');
    expect(res.body).toContain('Profil par défaut (Enfant)');
    expect(res.body).toContain('jusqu’à demain 7 h');
    expect(res.body).toContain('Tout bloquer maintenant');
  });

  it('renames a device and assigns a profile through the form (303), changing the built policy', async () => {
    expect(h.ctx.policy.built.identify(PHONE.ip, null).profileId).toBe('child');
    const res = await form(`/devices/${enc(PHONE.id)}`, { name: 'Léa phone', profileId: 'teen' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/devices?saved=1');
    const device = createDeviceStore({ db: h.db }).get(PHONE.id);
    expect(device).toMatchObject({ name: 'Léa phone', profileId: 'teen' });
    const requester = h.ctx.policy.built.identify(PHONE.ip, null);
    expect(requester.profileId).toBe('teen');
    expect(requester.deviceName).toBe('Léa phone');
    const page = await h.inject({ method: 'GET', url: '/devices?saved=1' });
    expect(page.body).toContain('<p class="flash" role="status">Saved.</p>');
    // Back to the default profile, name cleared.
    await form(`/devices/${enc(PHONE.id)}`, { name: '', profileId: '' });
    expect(createDeviceStore({ db: h.db }).get(PHONE.id)).toMatchObject({ name: null, profileId: null });
  });

  it('re-renders with the message in the page language and keeps what was typed (400)', async () => {
    const long = 'x'.repeat(61);
    const res = await form(`/devices/${enc(PHONE.id)}`, { name: long, profileId: 'teen' }, { lang: 'fr' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Non enregistré : Un nom doit compter de 1 à 60 caractères.');
    expect(res.body).toContain(`value="${long}"`);
    expect(res.body).toMatch(/<option value="teen" selected>/);
    expect(createDeviceStore({ db: h.db }).get(PHONE.id)?.name).toBeNull();
    const unknown = await form(`/devices/${enc(PHONE.id)}`, { name: 'ok', profileId: 'nope' }, { lang: 'en' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('Not saved: This profile does not exist.');
    const bad = await form(`/devices/${enc(PHONE.id)}/pause`, { minutes: '7' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Choose one of the durations offered.');
  });

  it('refuses a form without the CSRF token (403) and an unknown device (404)', async () => {
    const res = await form(`/devices/${enc(PHONE.id)}`, { name: 'x', profileId: '' }, { csrf: false });
    expect(res.statusCode).toBe(403);
    expect(createDeviceStore({ db: h.db }).get(PHONE.id)?.name).toBeNull();
    expect((await form(`/devices/${enc('mac:02:00:00:00:00:99')}/pause`, { minutes: '30' })).statusCode).toBe(404);
  });

  it('forgets a device through the form', async () => {
    const res = await form(`/devices/${enc(PRINTER.id)}/forget`, {});
    expect(res.statusCode).toBe(303);
    expect(createDeviceStore({ db: h.db }).get(PRINTER.id)).toBeNull();
    expect(h.ctx.policy.built.deviceFor(PRINTER.ip, null)).toBeNull();
  });

  it('escapes device names and hostnames', async () => {
    const store = createDeviceStore({ db: h.db });
    store.update(PHONE.id, { name: '<img src=x onerror=alert(1)>' });
    store.setHostname(PRINTER.id, '"><script>alert(1)</script>');
    const res = await h.inject({ method: 'GET', url: '/devices' });
    expect(res.body).not.toContain('<img src=x onerror=alert(1)>');
    expect(res.body).not.toContain('"><script>alert(1)</script>');
    expect(res.body).toContain('&lt;img src&#61;x onerror&#61;alert(1)&gt;');
    expect(res.body).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('/api/devices', () => {
  it('lists devices with label, effective profile, new flag and override', async () => {
    const res = await h.inject({ method: 'GET', url: '/api/devices' });
    expect(res.statusCode).toBe(200);
    const list = res.json() as Array<Record<string, unknown>>;
    expect(list.map((d) => d.id)).toEqual([PRINTER.id, PHONE.id, LAPTOP.id]);
    expect(list[1]).toMatchObject({ id: PHONE.id, randomizedMac: true, isNew: true, effectiveProfileId: 'child', label: '192.168.1.20', override: null });
    expect(list[2]).toMatchObject({ id: LAPTOP.id, randomizedMac: false, isNew: false, effectiveProfileId: 'adult', label: 'Laptop' });
  });

  it.each([
    ['encoded mac', `/api/devices/${enc(PHONE.id)}`, PHONE.id],
    ['raw mac', `/api/devices/${PHONE.id}`, PHONE.id],
    ['encoded ip', `/api/devices/${enc(PRINTER.id)}`, PRINTER.id],
    ['raw ip', `/api/devices/${PRINTER.id}`, PRINTER.id],
  ])('accepts ids with colons (%s)', async (_what, url, id) => {
    const res = await h.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id });
  });

  it('patches name and profile, and applies it', async () => {
    const res = await h.inject({ method: 'PATCH', url: `/api/devices/${enc(PHONE.id)}`, payload: { name: '  Léa  ', profileId: 'teen' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: 'Léa', profileId: 'teen', isNew: false, label: 'Léa' });
    expect(h.ctx.policy.built.identify(PHONE.ip, null).profileId).toBe('teen');
    const cleared = await h.inject({ method: 'PATCH', url: `/api/devices/${enc(PHONE.id)}`, payload: { name: null, profileId: null } });
    expect(cleared.json()).toMatchObject({ name: null, profileId: null, effectiveProfileId: 'child' });
  });

  it.each([
    [{ name: 5 }, 'name'],
    [{ profileId: 'Not A Slug' }, 'profileId'],
    [{ name: 'x'.repeat(61) }, 'name'],
    [{ colour: 'red' }, ''],
  ])('refuses a bad patch %j with 400 and issues', async (payload, path) => {
    const res = await h.inject({ method: 'PATCH', url: `/api/devices/${enc(PHONE.id)}`, payload });
    expect(res.statusCode).toBe(400);
    const body = res.json() as { code: string; issues: Array<{ path: string[] }> };
    expect(body.code).toBe('VALIDATION');
    expect(body.issues.length).toBeGreaterThan(0);
    if (path !== '') expect(body.issues[0]?.path).toEqual([path]);
  });

  it('refuses an unknown profile (400) and unknown devices (404)', async () => {
    const res = await h.inject({ method: 'PATCH', url: `/api/devices/${enc(PHONE.id)}`, payload: { profileId: 'nobody' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION', issues: [{ path: ['profileId'] }] });
    const missing = `/api/devices/${enc('ip:10.0.0.9')}`;
    expect((await h.inject({ method: 'GET', url: missing })).statusCode).toBe(404);
    expect((await h.inject({ method: 'PATCH', url: missing, payload: { name: 'x' } })).statusCode).toBe(404);
    expect((await h.inject({ method: 'DELETE', url: missing })).statusCode).toBe(404);
    expect((await h.inject({ method: 'POST', url: `${missing}/pause`, payload: { minutes: 5 } })).statusCode).toBe(404);
  });

  it('forgets a device (204, then 404) and refuses without CSRF (403)', async () => {
    const url = `/api/devices/${enc(PRINTER.id)}`;
    expect((await h.inject({ method: 'DELETE', url, csrf: false })).statusCode).toBe(403);
    expect((await h.inject({ method: 'DELETE', url })).statusCode).toBe(204);
    expect((await h.inject({ method: 'GET', url })).statusCode).toBe(404);
    expect((await h.inject({ method: 'DELETE', url })).statusCode).toBe(404);
  });
});

describe('paging (issue 12: thousands of forged devices made a 33 MB page)', () => {
  beforeEach(() => {
    const many = Array.from({ length: 117 }, (_, i) => ({ id: `ip:10.0.${i >> 8}.${i & 255}`, mac: null, ip: `10.0.${i >> 8}.${i & 255}`, at: h.now - i * 1000 }));
    createDeviceStore({ db: h.db }).recordSightings(many);
  });

  it('shows 50 devices a page with previous / next links, in English and French', async () => {
    const first = await h.inject({ method: 'GET', url: '/devices', lang: 'en' });
    expect(first.body.match(/<article class="panel device/g)).toHaveLength(50);
    expect(first.body).toContain('Page 1 of 3 (120 devices)');
    expect(first.body).toContain('href="/devices?page=2"');
    expect(first.body).not.toContain('rel="prev"');
    expect(first.body).toContain('119 new device(s) to check'); // counted over every page
    const last = await h.inject({ method: 'GET', url: '/devices?page=3', lang: 'fr' });
    expect(last.body.match(/<article class="panel device/g)).toHaveLength(20);
    expect(last.body).toContain('Page 3 sur 3 (120 appareils)');
    expect(last.body).toContain('Précédente');
    expect(last.body).toContain('Laptop'); // the only device with a profile comes last
    const beyond = await h.inject({ method: 'GET', url: '/devices?page=99', lang: 'en' });
    expect(beyond.body).toContain('Page 3 of 3');
    const junk = await h.inject({ method: 'GET', url: '/devices?page=abc', lang: 'en' });
    expect(junk.body).toContain('Page 1 of 3');
  });

  it('GET /api/devices pages with offset and limit and gives the total in X-Total-Count', async () => {
    const res = await h.inject({ method: 'GET', url: '/api/devices' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-total-count']).toBe('120');
    expect(res.json()).toHaveLength(100);
    const tail = await h.inject({ method: 'GET', url: '/api/devices?offset=100&limit=50' });
    expect(tail.json<Array<{ id: string }>>().map((d) => d.id).at(-1)).toBe(LAPTOP.id);
    expect(tail.json()).toHaveLength(20);
    const bad = await h.inject({ method: 'GET', url: '/api/devices?limit=100000' });
    expect(bad.statusCode).toBe(400);
  });
});
