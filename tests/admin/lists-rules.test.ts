import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listsRoutes } from '../../src/admin/routes/lists.js';
import { createCustomRulesStore } from '../../src/blocklists/custom-rules.js';
import { createAdminHarness, type AdminHarness } from './harness.js';

const form = (fields: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
});

/** The first name of a shipped list (blocked for the default child profile). */
function listedName(listsDir: string): string {
  const line = readFileSync(join(listsDir, 'anonymous-chat.txt'), 'utf8').split('\n').find((l) => l.trim() !== '' && !l.startsWith('#'))!;
  return line.split(/\s+/)[0]!;
}

describe('lists: global custom rules', () => {
  let h: AdminHarness;
  beforeEach(async () => {
    h = await createAdminHarness([listsRoutes]);
  });
  afterEach(async () => {
    await h.close();
  });

  const decide = (name: string) => h.policy.built.fallback.decide(name, h.now);

  it('adds a block rule (with subdomains by default) and an exact one, over the API', async () => {
    const res = await h.inject({ method: 'POST', url: '/api/rules', payload: { name: 'Évil.Example', kind: 'block' } });
    expect(res.statusCode).toBe(201);
    expect(res.json().rule).toMatchObject({ name: 'xn--vil-9la.example', kind: 'block', subdomains: true, addedAt: h.now });
    expect(decide('www.xn--vil-9la.example')).toMatchObject({ list: 'custom', category: 'custom' });

    await h.inject({ method: 'POST', url: '/api/rules', payload: { name: 'only.test', kind: 'block', subdomains: false } });
    expect(decide('only.test')).toMatchObject({ list: 'custom' });
    expect(decide('sub.only.test')).toBeNull();
    const listed = (await h.inject({ method: 'GET', url: '/api/rules' })).json();
    expect(listed.rules.map((r: { name: string; subdomains: boolean }) => [r.name, r.subdomains])).toEqual([['only.test', false], ['xn--vil-9la.example', true]]);
  });

  it('an allow rule beats every list', async () => {
    const name = listedName(h.config.listsDir);
    expect(decide(name)).not.toBeNull();
    const res = await h.inject({ method: 'POST', url: '/lists/rules', ...form({ name, kind: 'allow', subdomains: 'on' }) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/lists?saved=1#rules-title');
    expect(decide(name)).toBeNull();
    const page = await h.inject({ method: 'GET', url: '/lists?saved=1' });
    expect(page.body).toContain('Saved.');
    expect(page.body).toMatch(new RegExp(`<td data-label="Name" class="name">${name.replace(/\./g, '\\.')}</td>`));
    expect(page.body).toContain('this name and its subdomains');

    const removed = await h.inject({ method: 'POST', url: '/lists/rules/remove', ...form({ name, kind: 'allow' }) });
    expect(removed.statusCode).toBe(303);
    expect(decide(name)).not.toBeNull();
  });

  it('the form adds an exact rule when the box is not ticked, and shows it in French', async () => {
    await h.inject({ method: 'POST', url: '/lists/rules', ...form({ name: 'jeux.test', kind: 'block' }) });
    expect(createCustomRulesStore({ db: h.db }).list()).toEqual([{ name: 'jeux.test', kind: 'block', subdomains: false, addedAt: h.now }]);
    const fr = await h.inject({ method: 'GET', url: '/lists', lang: 'fr' });
    expect(fr.body).toContain('Vos propres règles');
    expect(fr.body).toContain('ce nom exact seulement');
    expect(fr.body).toContain('Supprimer la règle pour jeux.test');
  });

  it('removes rules over the API: one kind or both; 404 when there is none', async () => {
    const store = createCustomRulesStore({ db: h.db });
    store.add({ name: 'both.test', kind: 'allow', subdomains: true });
    store.add({ name: 'both.test', kind: 'block', subdomains: true });
    const one = await h.inject({ method: 'DELETE', url: '/api/rules', payload: { name: 'both.test', kind: 'block' } });
    expect(one.json()).toEqual({ removed: 1 });
    expect(store.list().map((r) => r.kind)).toEqual(['allow']);
    await h.inject({ method: 'POST', url: '/api/rules', payload: { name: 'both.test', kind: 'block' } });
    expect((await h.inject({ method: 'DELETE', url: '/api/rules', payload: { name: 'both.test' } })).json()).toEqual({ removed: 2 });
    const none = await h.inject({ method: 'DELETE', url: '/api/rules', payload: { name: 'both.test' } });
    expect(none.statusCode).toBe(404);
    expect((await h.inject({ method: 'POST', url: '/lists/rules/remove', ...form({ name: 'nothing.test' }) })).statusCode).toBe(404);
  });

  it('refuses bad names and kinds: 400 with issues (API), the page with the message (form)', async () => {
    const bad = await h.inject({ method: 'POST', url: '/api/rules', payload: { name: 'not a name', kind: 'block' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION', issues: [{ path: ['name'] }] });
    expect(bad.json().issues[0].message).toMatch(/^not a domain name: /);
    const kind = await h.inject({ method: 'POST', url: '/api/rules', payload: { name: 'a.test', kind: 'maybe' } });
    expect(kind.json().issues[0].path).toEqual(['kind']);
    const extra = await h.inject({ method: 'POST', url: '/api/rules', payload: { name: 'a.test', kind: 'block', profile: 'x' } });
    expect(extra.statusCode).toBe(400);
    expect((await h.inject({ method: 'DELETE', url: '/api/rules', payload: {} })).statusCode).toBe(400);

    const evil = '"><script>alert(1)</script>';
    const page = await h.inject({ method: 'POST', url: '/lists/rules', ...form({ name: evil, kind: 'block', subdomains: 'on' }) });
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('Please check: name: not a domain name');
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(createCustomRulesStore({ db: h.db }).list()).toEqual([]);
  });
});
