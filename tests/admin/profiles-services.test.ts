/**
 * A profile's page lists the catalog's services (fixture catalog v2) grouped by category, each with
 * a three-way choice saved by the "What is blocked" form; fr/en; the search box is left to app.js.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profilesRoutes } from '../../src/admin/routes/profiles.js';
import { createProfileStore } from '../../src/policy/profile-store.js';
import { createFixtureLists, type FixtureLists } from '../helpers/services-catalog.js';
import { createAdminHarness, type AdminHarness } from './harness.js';

let h: AdminHarness;
let lists: FixtureLists;
beforeAll(async () => {
  lists = createFixtureLists();
  h = await createAdminHarness([profilesRoutes], { VIGIE_LISTS_DIR: lists.dir });
});
afterAll(async () => {
  await h.close();
  lists.close();
});

const form = (url: string, fields: Array<[string, string]>) =>
  h.inject({ method: 'POST', url, payload: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

describe("a profile's services", () => {
  it('lists every service by name under its category, with what "follows the category" means now', async () => {
    const res = await h.inject({ method: 'GET', url: '/profiles/child', lang: 'en' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<legend>Apps and sites</legend>');
    expect(res.body).toMatch(/<h3>Social media<\/h3>[\s\S]*<label for="svc-snapchat">Snapchat<\/label>[\s\S]*<label for="svc-tiktok">TikTok<\/label>/);
    expect(res.body).toMatch(/<select id="svc-tiktok" name="svc-tiktok"[^>]*>\s*<option value="follow" selected>Follows its category \(allowed now\)<\/option>/);
    expect(res.body).toMatch(/<select id="svc-yubo" name="svc-yubo"[^>]*>\s*<option value="follow" selected>Follows its category \(blocked now\)<\/option>/);
    expect(res.body).toContain('data-search="tiktok tiktok tiktok tiktok.com tiktokv.com tiktokcdn.com"');
    expect(res.body).toMatch(/<p class="service-search" data-filter-box hidden>/);
    const fr = await h.inject({ method: 'GET', url: '/profiles/child', lang: 'fr' });
    expect(fr.body).toContain('<legend>Applis et sites</legend>');
    expect(fr.body).toContain('Suit sa catégorie (autorisée en ce moment)');
    expect(fr.body).toContain('<option value="block">Toujours bloquer</option>');
  });

  it('saves "always block", "always allow" and "follows" with the same form, and the policy follows', async () => {
    const base: Array<[string, string]> = [['safeSearch', 'on'], ['svc-tiktok', 'block'], ['svc-discord', 'allow'], ['svc-yubo', 'follow']];
    let res = await form('/profiles/child/filtering', base);
    expect(res.statusCode).toBe(303);
    expect(createProfileStore({ db: h.db }).get('child')!.services).toEqual({ tiktok: true, discord: false });
    const child = h.policy.built.profiles.get('child')!;
    expect(child.decide('www.tiktok.com', h.now)).not.toBeNull();
    expect(child.decide('discord.gg', h.now)).toBeNull();
    const page = await h.inject({ method: 'GET', url: '/profiles/child', lang: 'en' });
    expect(page.body).toMatch(/<option value="block" selected>Always block<\/option>/);
    expect(page.body).toMatch(/<div class="field service changed" data-search="discord/);
    res = await form('/profiles/child/filtering', [['safeSearch', 'on'], ['svc-tiktok', 'follow'], ['svc-discord', 'follow']]);
    expect(createProfileStore({ db: h.db }).get('child')!.services).toEqual({});
    res = await form('/profiles/child/filtering', [['safeSearch', 'on'], ['svc-tiktak', 'block']]);
    expect(res.statusCode).toBe(400);
    expect(createProfileStore({ db: h.db }).get('child')!.services).toEqual({});
  });
});
