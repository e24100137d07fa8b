/** A device card's own rules and "Turn everything off" (override 'off'): forms, fr/en, and the built policy. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { devicesRoutes } from '../../src/admin/routes/devices.js';
import { overviewRoutes } from '../../src/admin/routes/overview.js';
import { createDeviceRuleStore } from '../../src/policy/device-rule-store.js';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { createFixtureLists, type FixtureLists } from '../helpers/services-catalog.js';
import { createAdminHarness, type AdminHarness } from './harness.js';

const LAPTOP = { id: 'mac:02:00:5e:00:53:09', mac: '02:00:5e:00:53:09', ip: '192.168.1.29' };
const path = (action: string): string => `/devices/${encodeURIComponent(LAPTOP.id)}/${action}`;

let h: AdminHarness;
let lists: FixtureLists;
beforeEach(async () => {
  lists = createFixtureLists();
  h = await createAdminHarness([devicesRoutes, overviewRoutes], { VIGIE_LISTS_DIR: lists.dir });
  createDeviceStore({ db: h.db }).recordSightings([{ ...LAPTOP, at: h.now - 60_000 }]);
  await h.ctx.changed();
});
afterEach(async () => {
  await h.close();
  lists.close();
});

const form = (url: string, fields: Record<string, string>) =>
  h.inject({ method: 'POST', url, payload: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
const decide = (name: string) => h.ctx.policy.built.identify(LAPTOP.ip, null).decide(name, h.now);

describe("a device's own rules on its card", () => {
  it('allows a service (by id) and blocks a site for this device, lists them by name, removes one', async () => {
    expect(decide('discord.com')).not.toBeNull();
    expect((await form(path('rules'), { target: 'Discord', kind: 'allow' })).statusCode).toBe(303);
    expect((await form(path('rules'), { target: 'games.example', kind: 'block' })).statusCode).toBe(303);
    expect(decide('cdn.discordapp.com')).toBeNull();
    expect(decide('www.games.example')).not.toBeNull();
    const fr = await h.inject({ method: 'GET', url: '/devices', lang: 'fr' });
    expect(fr.body).toContain('Autorisé pour cet appareil : Discord');
    expect(fr.body).toContain('Bloqué pour cet appareil : games.example');
    const en = await h.inject({ method: 'GET', url: '/devices', lang: 'en' });
    expect(en.body).toContain('Allowed for this device: Discord');
    const bad = await form(path('rules'), { target: 'dicsord', kind: 'allow' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Name an app of the list (for example discord) or a site (for example example.org).');
    expect((await form(path('rules/remove'), { targetType: 'service', target: 'discord' })).statusCode).toBe(303);
    expect(createDeviceRuleStore({ db: h.db }).forDevice(LAPTOP.id).map((r) => r.target)).toEqual(['games.example']);
    expect(decide('discord.com')).not.toBeNull();
  });
});

describe('turn everything off', () => {
  it('needs the "I understand" box, then lifts every category and SafeSearch, and says so', async () => {
    let res = await form(path('off'), { minutes: '30' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Tick the box to confirm that everything is turned off.');
    expect(decide('yubo.live')).not.toBeNull();
    res = await form(path('off'), { minutes: '30', confirm: 'yes' });
    expect(res.statusCode).toBe(303);
    expect(decide('yubo.live')).toBeNull();
    expect(h.ctx.policy.built.identify(LAPTOP.ip, null).isSafeSearchOn(h.now)).toBe(false);
    const page = await h.inject({ method: 'GET', url: '/devices', lang: 'en' });
    expect(page.body).toContain('All filtering off: 30 min left (until 13:00).');
    expect(page.body).toContain('data-confirm="Turn off all filtering for 192.168.1.29, risky sites included?"');
    const fr = await h.inject({ method: 'GET', url: '/devices', lang: 'fr' });
    expect(fr.body).toContain('<summary>Tout désactiver</summary>');
    const overview = await h.inject({ method: 'GET', url: '/', lang: 'fr' });
    expect(overview.body).toContain('Tout le filtrage est désactivé pour 1 appareil(s), sites à risque compris.');
    const status = (await h.inject({ method: 'GET', url: '/api/status' })).json();
    expect(status.protection).toMatchObject({ paused: [], off: [{ deviceId: LAPTOP.id, until: h.now + 30 * 60_000 }] });
  });
});
