/**
 * The services JSON API through the real app (login, CSRF), against a fixture catalog v2:
 * GET /api/services, per-service choices in PATCH /api/profiles/:id, services in schedule
 * windows, a device's own rules, and the "turn everything off" override.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicesRoutes } from '../../src/admin/routes/devices.js';
import { profilesRoutes } from '../../src/admin/routes/profiles.js';
import { schedulesRoutes } from '../../src/admin/routes/schedules.js';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { createFixtureLists, type FixtureLists } from '../helpers/services-catalog.js';
import { createAdminHarness, type AdminHarness } from './harness.js';

let h: AdminHarness;
let lists: FixtureLists;
const LAPTOP = 'mac:02:00:00:00:00:31';
beforeAll(async () => {
  lists = createFixtureLists();
  h = await createAdminHarness([profilesRoutes, devicesRoutes, schedulesRoutes], { VIGIE_LISTS_DIR: lists.dir });
  createDeviceStore({ db: h.db }).recordSightings([{ id: LAPTOP, mac: '02:00:00:00:00:31', ip: '192.168.1.31', at: h.now }]);
});
afterAll(async () => {
  await h.close();
  lists.close();
});

const json = (body: unknown) => ({ payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

describe('services API', () => {
  it('lists and searches the services; with ?profile says whether it blocks each and why', async () => {
    let res = await h.inject({ method: 'GET', url: '/api/services' });
    expect(res.statusCode).toBe(200);
    expect(res.json().map((s: { id: string }) => s.id)).toEqual(['discord', 'snapchat', 'tiktok', 'youtube', 'yubo']);
    res = await h.inject({ method: 'GET', url: '/api/services?search=yellw.co' });
    expect(res.json()).toEqual([{ id: 'yubo', name: { en: 'Yubo', fr: 'Yubo' }, category: 'teen-meetup', domains: ['yubo.live', 'yellw.co'], reviewed: '2026-12-01' }]);
    res = await h.inject({ method: 'GET', url: '/api/services?category=social-media&profile=child' });
    expect(res.json().map((s: { id: string; blocked: boolean; why: string }) => [s.id, s.blocked, s.why])).toEqual([['snapchat', false, 'category'], ['tiktok', false, 'category']]);
    expect((await h.inject({ method: 'GET', url: '/api/services?profile=nobody' })).statusCode).toBe(404);
    expect((await h.inject({ method: 'GET', url: '/api/services?category=Not%20an%20id' })).statusCode).toBe(400);
  });

  it('PATCH /api/profiles/:id blocks and allows single services, resets them with null, refuses unknown ids', async () => {
    let res = await h.inject({ method: 'PATCH', url: '/api/profiles/child', ...json({ services: { tiktok: true, discord: false } }) });
    expect(res.statusCode).toBe(200);
    expect(res.json().services).toEqual({ tiktok: true, discord: false });
    res = await h.inject({ method: 'GET', url: '/api/services?profile=child&search=tiktok' });
    expect(res.json()[0]).toMatchObject({ id: 'tiktok', blocked: true, why: 'explicit' });
    expect(h.policy.built.profiles.get('child')!.decide('cdn.tiktokv.com', h.now)).not.toBeNull();
    expect(h.policy.built.profiles.get('child')!.decide('discord.gg', h.now)).toBeNull();
    res = await h.inject({ method: 'PATCH', url: '/api/profiles/child', ...json({ services: { tiktok: null } }) });
    expect(res.json().services).toEqual({ discord: false });
    res = await h.inject({ method: 'PATCH', url: '/api/profiles/child', ...json({ services: { tiktk: true } }) });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toContain("unknown service 'tiktk' (did you mean: tiktok?)");
    res = await h.inject({ method: 'PATCH', url: '/api/profiles/child', ...json({ services: { tiktok: true } }), csrf: false });
    expect(res.statusCode).toBe(403);
    await h.inject({ method: 'PATCH', url: '/api/profiles/child', ...json({ services: { discord: null } }) });
  });

  it('accepts a service in a block window and refuses an unknown one', async () => {
    let res = await h.inject({ method: 'POST', url: '/api/schedules', ...json({ profileId: 'teen', days: 'mon-fri', start: '08:00', end: '16:00', mode: 'block', categories: ['tiktok'] }) });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ categories: ['tiktok'] });
    res = await h.inject({ method: 'POST', url: '/api/schedules', ...json({ profileId: 'teen', days: 'mon-fri', start: '08:00', end: '16:00', mode: 'block', categories: ['tiktak'] }) });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toContain("unknown category or service 'tiktak'");
    res = await h.inject({ method: 'POST', url: '/api/schedules', ...json({ profileId: 'teen', days: 'all', start: '21:00', end: '07:00', mode: 'bedtime', allow: ['Discord', 'school.example'] }) });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ mode: 'bedtime', allow: ['discord', 'school.example'] });
    res = await h.inject({ method: 'POST', url: '/api/schedules', ...json({ profileId: 'teen', days: 'all', start: '21:00', end: '07:00', mode: 'bedtime', allow: ['discrod'] }) });
    expect(res.statusCode).toBe(400);
  });

  it("sets, lists and removes a device's own rules", async () => {
    const url = `/api/devices/${encodeURIComponent(LAPTOP)}/rules`;
    let res = await h.inject({ method: 'PUT', url, ...json({ kind: 'allow', service: 'discord' }) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ deviceId: LAPTOP, kind: 'allow', targetType: 'service', target: 'discord', subdomains: true });
    res = await h.inject({ method: 'PUT', url, ...json({ kind: 'block', name: 'Games.Example', subdomains: false }) });
    expect(res.json()).toMatchObject({ targetType: 'name', target: 'games.example', subdomains: false });
    res = await h.inject({ method: 'GET', url });
    expect(res.json().map((r: { target: string }) => r.target)).toEqual(['games.example', 'discord']);
    expect(h.policy.built.deviceProfiles.get(LAPTOP)?.decide('discord.com', h.now)).toBeNull();
    expect(h.policy.built.profiles.get('child')!.decide('discord.com', h.now)).not.toBeNull();
    res = await h.inject({ method: 'PUT', url, ...json({ kind: 'allow', service: 'dicsord' }) });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toContain('did you mean: discord?');
    expect((await h.inject({ method: 'PUT', url: '/api/devices/mac%3A02%3A00%3A00%3A00%3A00%3Aff/rules', ...json({ kind: 'allow', service: 'discord' }) })).statusCode).toBe(404);
    res = await h.inject({ method: 'DELETE', url, ...json({ service: 'discord' }) });
    expect(res.statusCode).toBe(204);
    expect((await h.inject({ method: 'DELETE', url, ...json({ service: 'discord' }) })).statusCode).toBe(404);
    expect((await h.inject({ method: 'GET', url })).json()).toHaveLength(1);
  });

  it("POST /api/devices/:id/off turns everything off (kind 'off'), distinct from a pause", async () => {
    const base = `/api/devices/${encodeURIComponent(LAPTOP)}`;
    let res = await h.inject({ method: 'POST', url: `${base}/off`, ...json({ minutes: 30 }) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ deviceId: LAPTOP, kind: 'off', until: h.now + 30 * 60_000 });
    res = await h.inject({ method: 'POST', url: `${base}/pause`, ...json({ minutes: 15 }) });
    expect(res.json()).toMatchObject({ kind: 'pause' });
    expect((await h.inject({ method: 'DELETE', url: `${base}/override` })).statusCode).toBe(204);
  });
});
