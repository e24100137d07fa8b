/** "Pause filtering" and "block everything now" per device: forms, API, and the built policy. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { devicesRoutes } from '../../src/admin/routes/devices.js';
import { minutesUntilLocalTime } from '../../src/admin/routes/pause-until.js';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { createOverrideStore } from '../../src/policy/override-store.js';
import { createAdminHarness, type AdminHarness } from './harness.js';

const PHONE = { id: 'mac:02:00:5e:00:53:01', mac: '02:00:5e:00:53:01', ip: '192.168.1.20' };
const path = (action: string): string => `/devices/${encodeURIComponent(PHONE.id)}/${action}`;
const MINUTE = 60_000;

let h: AdminHarness;
beforeEach(async () => {
  h = await createAdminHarness([devicesRoutes]);
  createDeviceStore({ db: h.db }).recordSightings([{ ...PHONE, at: h.now - MINUTE }]);
  await h.ctx.changed();
});
afterEach(async () => {
  await h.close();
});

const form = (url: string, fields: Record<string, string>, extra: { lang?: 'en' | 'fr'; csrf?: boolean } = {}) =>
  h.inject({ method: 'POST', url, payload: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, ...extra });
const decide = (name: string) => h.ctx.policy.built.identify(PHONE.ip, null).decide(name, h.now);

describe('pause filtering', () => {
  it('pauses for the chosen time keeping the risky categories and SafeSearch (reward time), then ends', async () => {
    expect(decide('tinder.com')).toMatchObject({ category: 'dating' });
    const res = await form(path('pause'), { minutes: '30' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/devices?saved=1');
    expect(decide('tinder.com')).toMatchObject({ category: 'dating' });
    expect(h.ctx.policy.built.identify(PHONE.ip, null).isSafeSearchOn(h.now)).toBe(true);
    expect(h.ctx.policy.built.identify(PHONE.ip, null).decide('*', h.now)).toBeNull();
    const page = await h.inject({ method: 'GET', url: '/devices', lang: 'en' });
    expect(page.body).toContain('Filtering paused: 30 min left (until 13:00).');
    expect(page.body).toContain('End now');
    const fr = await h.inject({ method: 'GET', url: '/devices', lang: 'fr' });
    expect(fr.body).toContain('Filtrage en pause : encore 30 min (jusqu’à 13:00).');
    expect(page.body).toContain('Risky chat, meetup and dating apps, adult sites, bypass tools and SafeSearch stay on.');
    h.now += 31 * MINUTE;
    expect((await h.inject({ method: 'GET', url: '/devices', lang: 'en' })).body).not.toContain('Filtering paused');
  });

  it('is available through the API, replaced by a block, and ended by DELETE', async () => {
    const url = `/api/devices/${encodeURIComponent(PHONE.id)}`;
    const res = await h.inject({ method: 'POST', url: `${url}/pause`, payload: { minutes: 120 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ deviceId: PHONE.id, kind: 'pause', until: h.now + 120 * MINUTE, createdAt: h.now });
    expect((await h.inject({ method: 'GET', url })).json()).toMatchObject({ override: { kind: 'pause' } });
    const block = await h.inject({ method: 'POST', url: `${url}/block`, payload: { minutes: 15 } });
    expect(block.json()).toMatchObject({ kind: 'block', until: h.now + 15 * MINUTE });
    expect(decide('wikipedia.org')).toMatchObject({ category: 'block-now' });
    expect((await h.inject({ method: 'DELETE', url: `${url}/override` })).statusCode).toBe(204);
    expect(decide('wikipedia.org')).toBeNull();
    expect(decide('tinder.com')).toMatchObject({ category: 'dating' });
    expect((await h.inject({ method: 'DELETE', url: `${url}/override` })).statusCode).toBe(404);
  });

  it.each([[{ minutes: 0 }], [{ minutes: 10081 }], [{ minutes: 2.5 }], [{ minutes: '30' }], [{}], [{ minutes: 5, kind: 'x' }]])(
    'refuses %j with 400 and issues',
    async (payload) => {
      const res = await h.inject({ method: 'POST', url: `/api/devices/${encodeURIComponent(PHONE.id)}/pause`, payload });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION', issues: [expect.objectContaining({ message: expect.any(String) })] });
      expect(createOverrideStore({ db: h.db, clock: () => h.now }).list()).toEqual([]);
    },
  );

  it('refuses a pause without the CSRF token', async () => {
    expect((await form(path('pause'), { minutes: '30' }, { csrf: false })).statusCode).toBe(403);
    expect((await h.inject({ method: 'POST', url: `/api/devices/${encodeURIComponent(PHONE.id)}/pause`, payload: { minutes: 5 }, csrf: false })).statusCode).toBe(403);
    expect(decide('tinder.com')).not.toBeNull();
  });
});

describe('block everything now', () => {
  it('blocks every name for the chosen time, then the profile applies again', async () => {
    expect(decide('wikipedia.org')).toBeNull();
    expect((await form(path('block'), { minutes: '15' })).statusCode).toBe(303);
    expect(decide('wikipedia.org')).toMatchObject({ action: 'sinkhole', category: 'block-now', list: 'override' });
    // A listed name keeps its own decision.
    expect(decide('tinder.com')).toMatchObject({ category: 'dating' });
    const page = await h.inject({ method: 'GET', url: '/devices', lang: 'en' });
    expect(page.body).toContain('Everything blocked: 15 min left (until 12:45).');
    h.now += 16 * MINUTE;
    expect(decide('wikipedia.org')).toBeNull();
  });

  it('blocks until tomorrow 07:00 local time (VIGIE_TZ)', async () => {
    // h.now is 2026-11-25 12:30 in Paris (UTC+1): 07:00 tomorrow is 06:00 UTC on the 26th.
    expect((await form(path('block'), { minutes: 'morning' })).statusCode).toBe(303);
    const [override] = createOverrideStore({ db: h.db, clock: () => h.now }).list();
    expect(override).toMatchObject({ kind: 'block', until: Date.UTC(2026, 10, 26, 6, 0) });
    const page = await h.inject({ method: 'GET', url: '/devices', lang: 'fr' });
    expect(page.body).toContain('Tout est bloqué : encore 18 h 30 min (jusqu’à 26/11/2026 07:00).');
    h.now = Date.UTC(2026, 10, 26, 5, 59);
    expect(decide('wikipedia.org')).toMatchObject({ category: 'block-now' });
    h.now = Date.UTC(2026, 10, 26, 6, 0);
    expect(decide('wikipedia.org')).toBeNull();
  });

  it('ends now through the form (and a second click is harmless)', async () => {
    await form(path('block'), { minutes: '60' });
    expect(decide('wikipedia.org')).not.toBeNull();
    expect((await form(path('end'), {})).statusCode).toBe(303);
    expect(decide('wikipedia.org')).toBeNull();
    expect((await form(path('end'), {})).statusCode).toBe(303);
  });

  it('refuses a duration that is not offered, in the page language', async () => {
    const res = await form(path('block'), { minutes: '9999' }, { lang: 'fr' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Non enregistré : Choisissez l’une des durées proposées.');
    expect(decide('wikipedia.org')).toBeNull();
  });
});

describe('minutesUntilLocalTime', () => {
  it.each([
    ['afternoon → tomorrow morning', Date.UTC(2026, 10, 25, 11, 30), 'Europe/Paris', 18 * 60 + 30],
    ['just after midnight → the same morning', Date.UTC(2026, 10, 25, 23, 30), 'Europe/Paris', 6 * 60 + 30],
    ['07:00 exactly → the next day', Date.UTC(2026, 10, 25, 6, 0), 'Europe/Paris', 24 * 60],
    ['spring forward night (23 h day)', Date.UTC(2026, 2, 28, 12, 0), 'Europe/Paris', 17 * 60],
    ['autumn back night (25 h day)', Date.UTC(2026, 9, 24, 12, 0), 'Europe/Paris', 18 * 60],
    ['another zone', Date.UTC(2026, 10, 25, 11, 30), 'America/New_York', 30],
  ])('%s', (_what, now, zone, minutes) => {
    expect(minutesUntilLocalTime(now, zone)).toBe(minutes);
  });
});
