/** The profiles pages and /api/profiles: categories, SafeSearch, own entries, default profile. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { profilesRoutes } from '../../src/admin/routes/profiles.js';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { createProfileStore } from '../../src/policy/profile-store.js';
import { createAdminHarness, type AdminHarness } from './harness.js';

const KID = { id: 'mac:a4:83:e7:00:00:01', mac: 'a4:83:e7:00:00:01', ip: '192.168.1.40' };

let h: AdminHarness;
beforeEach(async () => {
  h = await createAdminHarness([profilesRoutes]);
  const devices = createDeviceStore({ db: h.db });
  devices.recordSightings([{ ...KID, at: h.now }]);
  devices.update(KID.id, { profileId: 'child', name: 'Kid tablet' });
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
const store = () => createProfileStore({ db: h.db });
const decide = (name: string) => h.ctx.policy.built.identify(KID.ip, null).decide(name, h.now);
const catalogCategories = (): string[] => [...new Set(h.ctx.policy.catalog.catalog.map((e) => e.category))];
/** The filtering form as the browser sends it: every category shown, the ticked ones in `block`. */
const filterForm = (block: string[], safeSearch: boolean) => ({ shown: catalogCategories(), block, ...(safeSearch ? { safeSearch: 'on' } : {}) });
const CHILD_BLOCKED = ['anonymous-chat', 'random-video-chat', 'teen-meetup', 'dating', 'adult', 'bypass'];

describe('profiles list', () => {
  it('shows every profile with base, SafeSearch, blocked categories, devices and the default (English)', async () => {
    const res = await h.inject({ method: 'GET', url: '/profiles', lang: 'en' });
    expect(res.statusCode).toBe(200);
    for (const name of ['Child', 'Teen', 'Adult', 'Unfiltered']) expect(res.body).toContain(`<strong>${name}</strong>`);
    expect(res.body).toContain('Default for unknown devices');
    expect(res.body).toContain('action="/profiles/teen/default"');
    expect(res.body).not.toContain('action="/profiles/child/default"');
    expect(res.body).toContain('Dating and hookup');
    expect(res.body).toContain('<td data-label="Devices">1</td>');
    expect(res.body).toContain('<label for="new-from">Start from</label>');
  });

  it('speaks French', async () => {
    const res = await h.inject({ method: 'GET', url: '/profiles', lang: 'fr' });
    expect(res.body).toContain('Profil des appareils inconnus');
    expect(res.body).toContain('Sites de rencontre');
    expect(res.body).toContain('<td data-label="Basé sur">Enfant</td>');
    expect(res.body).toContain('Créer le profil');
  });

  it('creates a profile from a name (slug id, copy of the chosen profile) and numbers a second one', async () => {
    const res = await form('/profiles', { name: 'Léa — école', from: 'teen' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/profiles/lea-ecole?saved=1');
    expect(store().get('lea-ecole')).toMatchObject({ name: 'Léa — école', base: 'teen', builtIn: false });
    const again = await form('/profiles', { name: 'Léa école', from: 'child' });
    expect(again.headers.location).toBe('/profiles/lea-ecole-2?saved=1');
    const page = await h.inject({ method: 'GET', url: '/profiles/lea-ecole?saved=1' });
    expect(page.body).toContain('<p class="flash" role="status">Saved.</p>');
  });

  it('refuses an empty name in the page language and keeps the choice (400)', async () => {
    const res = await form('/profiles', { name: '   ', from: 'teen' }, { lang: 'fr' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Non enregistré : Un nom de profil doit compter de 1 à 60 caractères.');
    expect(res.body).toContain('<option value="teen" selected>');
    expect(store().list()).toHaveLength(4);
  });

  it('makes a profile the default for unknown devices', async () => {
    expect(h.ctx.policy.built.identify('192.168.1.99', null).profileId).toBe('child');
    const res = await form('/profiles/teen/default', {});
    expect(res.statusCode).toBe(303);
    expect(store().defaultProfileId()).toBe('teen');
    expect(h.ctx.policy.built.identify('192.168.1.99', null).profileId).toBe('teen');
  });
});

describe('one profile', () => {
  it('shows a toggle per catalog category with its description and the preset default (English and French)', async () => {
    const en = await h.inject({ method: 'GET', url: '/profiles/child', lang: 'en' });
    expect(en.statusCode).toBe(200);
    for (const c of catalogCategories()) expect(en.body).toContain(`id="cat-${c}"`);
    expect(en.body.match(/<label class="toggle"><input type="checkbox" id="cat-/g)).toHaveLength(catalogCategories().length);
    expect(en.body).toMatch(/id="cat-dating" name="block" value="dating" checked/);
    expect(en.body).toMatch(/id="cat-social-media" name="block" value="social-media" aria-describedby/);
    expect(en.body).toContain('aria-describedby="cat-social-media-help"> Social media</label>');
    expect(en.body).toContain('(default for Child: blocked)');
    expect(en.body).toContain('(default for Child: allowed)');
    expect(en.body).toMatch(/id="safe-search" name="safeSearch" value="on" checked/);
    const fr = await h.inject({ method: 'GET', url: '/profiles/child', lang: 'fr' });
    expect(fr.body).toContain('aria-describedby="cat-social-media-help"> Réseaux sociaux</label>');
    expect(fr.body).toContain('(par défaut pour Enfant : bloqué)');
    expect(fr.body).toContain('Ce qui est bloqué');
  });

  it('a category toggle changes the decision for a device of that profile, and "back to the default" undoes it', async () => {
    expect(decide('tiktok.com')).toBeNull();
    const res = await form('/profiles/child/filtering', filterForm([...CHILD_BLOCKED, 'social-media'], true));
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/profiles/child?saved=1');
    expect(decide('tiktok.com')).toMatchObject({ category: 'social-media' });
    // Only the changed category became an explicit choice; the others still follow the preset.
    expect(store().get('child')?.categories).toEqual({ 'social-media': true });
    const page = await h.inject({ method: 'GET', url: '/profiles/child', lang: 'en' });
    expect(page.body).toContain('(default for Child: allowed · your choice)');
    expect(page.body).toContain('form="reset-form" name="category" value="social-media"');
    expect((await form('/profiles/child/reset', { category: 'social-media' })).statusCode).toBe(303);
    expect(store().get('child')?.categories).toEqual({});
    expect(decide('tiktok.com')).toBeNull();
  });

  it('unticking a category allows it', async () => {
    expect(decide('tinder.com')).toMatchObject({ category: 'dating' });
    await form('/profiles/child/filtering', filterForm(CHILD_BLOCKED.filter((c) => c !== 'dating'), true));
    expect(store().get('child')?.categories).toEqual({ dating: false });
    expect(decide('tinder.com')).toBeNull();
  });

  it('switches SafeSearch off and on', async () => {
    const requester = () => h.ctx.policy.built.identify(KID.ip, null);
    expect(requester().isSafeSearchOn(h.now)).toBe(true);
    await form('/profiles/child/filtering', filterForm(CHILD_BLOCKED, false));
    expect(store().get('child')?.safeSearch).toBe(false);
    expect(requester().isSafeSearchOn(h.now)).toBe(false);
    const res = await h.inject({ method: 'PATCH', url: '/api/profiles/child', payload: { safeSearch: true } });
    expect(res.statusCode).toBe(200);
    expect(requester().isSafeSearchOn(h.now)).toBe(true);
  });

  it('adds and removes its own entries through the forms', async () => {
    const res = await form('/profiles/child/rules', { name: 'Tinder.com', kind: 'allow', scope: 'subdomains' });
    expect(res.statusCode).toBe(303);
    expect(store().rules('child')).toEqual([{ profileId: 'child', name: 'tinder.com', kind: 'allow', subdomains: true }]);
    expect(decide('tinder.com')).toBeNull();
    await form('/profiles/child/rules', { name: 'wikipedia.org', kind: 'block', scope: 'exact' });
    expect(decide('wikipedia.org')).toMatchObject({ action: 'sinkhole' });
    expect(decide('fr.wikipedia.org')).toBeNull();
    const page = await h.inject({ method: 'GET', url: '/profiles/child', lang: 'en' });
    expect(page.body).toContain('this exact name');
    expect(page.body).toContain('aria-label="Remove tinder.com"');
    expect((await form('/profiles/child/rules/remove', { name: 'tinder.com', kind: 'allow' })).statusCode).toBe(303);
    expect(decide('tinder.com')).toMatchObject({ category: 'dating' });
  });

  it('refuses a name that is not a domain, in the page language, keeping what was typed', async () => {
    const res = await form('/profiles/child/rules', { name: 'not a domain', kind: 'block', scope: 'exact' }, { lang: 'fr' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Non enregistré : « not a domain » n’est pas un nom de domaine.');
    expect(res.body).toContain('value="not a domain"');
    expect(res.body).toMatch(/id="rule-kind-block" name="kind" value="block" checked/);
    expect(store().rules('child')).toEqual([]);
  });

  it('renames, and deletes a parent-made profile (its devices go back to the default)', async () => {
    await form('/profiles', { name: 'Sam', from: 'teen' });
    createDeviceStore({ db: h.db }).update(KID.id, { profileId: 'sam' });
    await h.ctx.changed();
    expect((await form('/profiles/sam/name', { name: 'Samuel' })).statusCode).toBe(303);
    expect(store().get('sam')?.name).toBe('Samuel');
    const bad = await form('/profiles/sam/name', { name: '' }, { lang: 'en' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Not saved: A profile name needs 1 to 60 characters.');
    expect((await form('/profiles/sam/delete', {})).statusCode).toBe(303);
    expect(store().get('sam')).toBeNull();
    expect(h.ctx.policy.built.identify(KID.ip, null).profileId).toBe('child');
  });

  it('never deletes a built-in profile or the default one', async () => {
    const page = await h.inject({ method: 'GET', url: '/profiles/teen', lang: 'en' });
    expect(page.body).toContain('A built-in profile can be edited but not deleted.');
    expect(page.body).not.toContain('action="/profiles/teen/delete"');
    const res = await form('/profiles/teen/delete', {}, { lang: 'fr' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Un profil fourni peut être modifié mais pas supprimé.');
    await form('/profiles', { name: 'Home', from: 'adult' });
    await form('/profiles/home/default', {});
    const asDefault = await form('/profiles/home/delete', {}, { lang: 'en' });
    expect(asDefault.statusCode).toBe(400);
    expect(asDefault.body).toContain('Unknown devices get this profile');
    expect(store().get('home')).not.toBeNull();
  });

  it('answers 404 for an unknown profile and 403 without the CSRF token', async () => {
    expect((await h.inject({ method: 'GET', url: '/profiles/nobody' })).statusCode).toBe(404);
    expect((await form('/profiles/nobody/filtering', filterForm([], false))).statusCode).toBe(404);
    expect((await form('/profiles/child/filtering', filterForm([], false), { csrf: false })).statusCode).toBe(403);
    expect(store().get('child')?.categories).toEqual({});
  });

  it('escapes profile names and typed entries', async () => {
    const xss = '<img src=x onerror=alert(1)>';
    await h.inject({ method: 'POST', url: '/api/profiles', payload: { id: 'evil', name: xss } });
    await h.inject({ method: 'POST', url: '/api/profiles', payload: { id: 'evil2', name: '"><script>alert(1)</script>' } });
    for (const url of ['/profiles', '/profiles/evil', '/profiles/evil2']) {
      const res = await h.inject({ method: 'GET', url });
      expect(res.body).not.toContain(xss);
      expect(res.body).not.toContain('"><script>alert(1)</script>');
    }
    expect((await h.inject({ method: 'GET', url: '/profiles' })).body).toContain('&lt;img src&#61;x onerror&#61;alert(1)&gt;');
    const typed = await form('/profiles/child/rules', { name: '"><script>alert(1)</script>', kind: 'allow' });
    expect(typed.statusCode).toBe(400);
    expect(typed.body).not.toContain('"><script>alert(1)</script>');
    expect(typed.body).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });
});

describe('/api/profiles', () => {
  it('lists profiles with what they block, devices and the default', async () => {
    const res = await h.inject({ method: 'GET', url: '/api/profiles' });
    expect(res.statusCode).toBe(200);
    const child = (res.json() as Array<Record<string, unknown>>).find((p) => p.id === 'child');
    expect(child).toMatchObject({ name: 'Child', base: 'child', isDefault: true, devices: 1, windows: 0, rules: [], safeSearch: true, builtIn: true });
    expect(child?.blockedCategories).toEqual(expect.arrayContaining(['dating', 'bypass']));
    const one = await h.inject({ method: 'GET', url: '/api/profiles/child', lang: 'fr' });
    expect((one.json() as { categoryChoices: unknown[] }).categoryChoices).toContainEqual(expect.objectContaining({ id: 'social-media', title: 'Réseaux sociaux', blocked: false, explicit: null, presetDefault: false }));
  });

  it('creates (201, slug id), refuses a taken id (409) or an unknown source (400)', async () => {
    const res = await h.inject({ method: 'POST', url: '/api/profiles', payload: { name: 'Zoé', from: 'teen' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ id: 'zoe', name: 'Zoé', base: 'teen', isDefault: false });
    expect((await h.inject({ method: 'POST', url: '/api/profiles', payload: { id: 'zoe', name: 'Other' } })).statusCode).toBe(409);
    const bad = await h.inject({ method: 'POST', url: '/api/profiles', payload: { name: 'X', from: 'nobody' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION', issues: [{ path: ['from'] }] });
  });

  it('patches categories (true/false/null) and refuses unknown ones with issues', async () => {
    let res = await h.inject({ method: 'PATCH', url: '/api/profiles/child', payload: { categories: { 'social-media': true, dating: false } } });
    expect(res.statusCode).toBe(200);
    expect(decide('tiktok.com')).toMatchObject({ category: 'social-media' });
    expect(decide('tinder.com')).toBeNull();
    res = await h.inject({ method: 'PATCH', url: '/api/profiles/child', payload: { categories: { dating: null } } });
    expect(res.json()).toMatchObject({ categories: { 'social-media': true } });
    expect(decide('tinder.com')).toMatchObject({ category: 'dating' });
    res = await h.inject({ method: 'PATCH', url: '/api/profiles/child', payload: { categories: { 'no-such-thing': true } } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION', issues: [{ path: ['categories', 'no-such-thing'] }] });
  });

  it.each([
    [{ name: '' }], [{ safeSearch: 'yes' }], [{ categories: { 'Bad Id': true } }], [{ categories: { dating: 'on' } }], [{ colour: 'red' }],
  ])('refuses a bad patch %j with 400 and issues', async (payload) => {
    const res = await h.inject({ method: 'PATCH', url: '/api/profiles/child', payload });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { issues: unknown[] }).issues.length).toBeGreaterThan(0);
  });

  it('adds and removes entries (both DELETE forms), 404 when there is none', async () => {
    let res = await h.inject({ method: 'POST', url: '/api/profiles/child/rules', payload: { name: 'TINDER.com', kind: 'allow' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ name: 'tinder.com', kind: 'allow', subdomains: true });
    expect(decide('www.tinder.com')).toBeNull();
    res = await h.inject({ method: 'DELETE', url: '/api/profiles/child/rules', payload: { name: 'tinder.com' } });
    expect(res.statusCode).toBe(204);
    expect(decide('tinder.com')).not.toBeNull();
    expect((await h.inject({ method: 'DELETE', url: '/api/profiles/child/rules', payload: { name: 'tinder.com' } })).statusCode).toBe(404);
    await h.inject({ method: 'POST', url: '/api/profiles/child/rules', payload: { name: 'example.org', kind: 'block', subdomains: false } });
    expect((await h.inject({ method: 'DELETE', url: '/api/profiles/child/rules/block/example.org' })).statusCode).toBe(204);
    expect(store().rules('child')).toEqual([]);
    const bad = await h.inject({ method: 'POST', url: '/api/profiles/child/rules', payload: { name: 'a b', kind: 'allow' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ issues: [{ path: ['name'] }] });
  });

  it('sets the default profile, and refuses deleting it or a built-in one', async () => {
    await h.inject({ method: 'POST', url: '/api/profiles', payload: { id: 'home', name: 'Home' } });
    const res = await h.inject({ method: 'PUT', url: '/api/settings/default-profile', payload: { profileId: 'home' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ profileId: 'home' });
    expect(store().defaultProfileId()).toBe('home');
    expect((await h.inject({ method: 'DELETE', url: '/api/profiles/home' })).statusCode).toBe(400);
    expect((await h.inject({ method: 'DELETE', url: '/api/profiles/teen' })).statusCode).toBe(400);
    expect((await h.inject({ method: 'PUT', url: '/api/settings/default-profile', payload: { profileId: 'nobody' } })).statusCode).toBe(400);
    await h.inject({ method: 'PUT', url: '/api/settings/default-profile', payload: { profileId: 'child' } });
    expect((await h.inject({ method: 'DELETE', url: '/api/profiles/home' })).statusCode).toBe(204);
    expect((await h.inject({ method: 'GET', url: '/api/profiles/home' })).statusCode).toBe(404);
  });

  it('answers 404 for unknown profiles and 403 without the CSRF token', async () => {
    expect((await h.inject({ method: 'GET', url: '/api/profiles/nobody' })).statusCode).toBe(404);
    expect((await h.inject({ method: 'PATCH', url: '/api/profiles/nobody', payload: {} })).statusCode).toBe(404);
    expect((await h.inject({ method: 'POST', url: '/api/profiles/nobody/rules', payload: { name: 'a.com', kind: 'allow' } })).statusCode).toBe(404);
    expect((await h.inject({ method: 'PATCH', url: '/api/profiles/child', payload: { safeSearch: false }, csrf: false })).statusCode).toBe(403);
    expect(store().get('child')?.safeSearch).toBe(true);
  });
});
