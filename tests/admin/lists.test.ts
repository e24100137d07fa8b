import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listsRoutes } from '../../src/admin/routes/lists.js';
import { createCustomRulesStore } from '../../src/blocklists/custom-rules.js';
import { lastGoodListPath, subscriptionListsDir } from '../../src/blocklists/subscriptions/list-files.js';
import { createSubscriptionStore } from '../../src/blocklists/subscriptions/subscription-store.js';
import { createProfileStore } from '../../src/policy/profile-store.js';
import { startListServer, sendList, type ListServer } from '../subscriptions/list-server.js';
import { createAdminHarness, type AdminHarness } from './harness.js';

const form = (fields: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
});

describe('lists: catalog and subscriptions', () => {
  let h: AdminHarness;
  let server: ListServer;
  let changed: number;
  beforeEach(async () => {
    h = await createAdminHarness([listsRoutes]);
    changed = 0;
    const reload = h.ctx.changed;
    (h.ctx as { changed: () => Promise<void> }).changed = async () => {
      changed++;
      await reload();
    };
    server = await startListServer((req, res) => (req.url === '/missing' ? (res.writeHead(404), res.end()) : sendList(res, 'evil-one.test\nevil-two.test\n# comment\n')));
  });
  afterEach(async () => {
    await server.close();
    await h.close();
  });

  it('shows the catalog by category with entries, profiles and the shipped public lists (en and fr)', async () => {
    createProfileStore({ db: h.db, clock: () => h.now }).update('adult', { categories: { gaming: true } });
    await h.ctx.changed();
    const en = await h.inject({ method: 'GET', url: '/lists' });
    expect(en.statusCode).toBe(200);
    expect(en.body).toContain('<h1>Lists</h1>');
    expect(en.body).not.toMatch(/<script>|style="|\son[a-z]+=/); // the CSP forbids inline script, style and handlers
    expect(en.body).toContain('Anonymous chat rooms');
    const anon = h.ctx.policy.catalog.lists.find((l) => l.id === 'anonymous-chat')!;
    expect(en.body).toContain(`${anon.entries} names`);
    // the anonymous-chat category is blocked by child and teen, linked to their pages
    const anonSection = /<article class="category panel" id="category-anonymous-chat">([\s\S]*?)<\/article>/.exec(en.body)![1]!;
    expect(anonSection).toContain('<a href="/profiles/child">Child</a>');
    expect(anonSection).toContain('<a href="/profiles/teen">Teen</a>');
    expect(anonSection).not.toContain('/profiles/adult');
    const gaming = /<article class="category panel" id="category-gaming">([\s\S]*?)<\/article>/.exec(en.body)![1]!;
    expect(gaming).toContain('<a href="/profiles/adult">Adult</a>');
    expect(gaming).not.toContain('/profiles/child');
    // Catalog v2 ships every list (no suggestion left); the public sources are shown with their licence.
    expect(en.body).not.toContain('Suggested subscriptions');
    expect(en.body).toContain('Public lists kept up to date');
    expect(en.body).toMatch(/<li class="panel" id="shipped-sinfonietta-porn">[\s\S]*?Licence: MIT/);
    expect(en.body).toContain('No subscribed list yet.');
    const fr = await h.inject({ method: 'GET', url: '/lists', lang: 'fr' });
    expect(fr.body).toContain('<h1>Listes</h1>');
    expect(fr.body).toContain('Tchats anonymes');
    expect(fr.body).toContain('Listes publiques tenues à jour');
    expect(fr.body).toContain(`${anon.entries} noms`);

    const api = (await h.inject({ method: 'GET', url: '/api/lists' })).json();
    const cat = api.categories.find((c: { id: string }) => c.id === 'anonymous-chat');
    expect(cat.profiles.map((p: { id: string }) => p.id)).toEqual(['child', 'teen']);
    expect(cat.entries[0].loaded.entries).toBe(anon.entries);
    expect(api.suggested).toEqual([]);
    expect(api.shipped.find((l: { id: string }) => l.id === 'ut1-vpn')).toMatchObject({ category: 'bypass', licence: 'CC-BY-SA-4.0', inUse: 'snapshot', snapshotDate: '2026-08-17', subscriptionId: null });
    expect(api.loaded.find((l: { id: string }) => l.id === 'bypass-canaries').category).toBe('bypass');
    expect(api.subscriptions).toEqual([]);
  });

  it('subscribes over the API, downloads from a loopback server and applies the list', async () => {
    const res = await h.inject({ method: 'POST', url: '/api/subscriptions', payload: { url: server.url('/list.txt'), category: 'custom' } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.refresh).toMatchObject({ outcome: 'updated', entries: 2 });
    expect(body.subscription).toMatchObject({ url: server.url('/list.txt'), category: 'custom', entries: 2, lastError: null });
    expect(changed).toBe(1);
    expect(server.requests.map((r) => r.path)).toEqual(['/list.txt']);
    const id: string = body.subscription.id;
    expect(h.ctx.policy.catalog.lists.find((l) => l.id === `subscription-${id}`)?.entries).toBe(2);
    expect(h.policy.built.fallback.decide('www.evil-one.test', h.now)).toMatchObject({ list: `subscription-${id}`, category: 'custom' });

    const page = await h.inject({ method: 'GET', url: '/lists' });
    expect(page.body).toContain(server.url('/list.txt'));
    expect(page.body).toContain(`action="/lists/subscriptions/${id}/refresh"`);
    const listed = (await h.inject({ method: 'GET', url: '/api/lists' })).json();
    expect(listed.subscriptions).toEqual([expect.objectContaining({ id, loadedEntries: 2 })]);

    const again = await h.inject({ method: 'POST', url: '/api/subscriptions', payload: { url: server.url('/list.txt'), category: 'custom' } });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('CONFLICT');
  });

  it('refreshes now: new entries replace the copy; a failure keeps it and records the error', async () => {
    const added = (await h.inject({ method: 'POST', url: '/api/subscriptions', payload: { url: server.url('/list.txt'), category: 'dating' } })).json();
    const id: string = added.subscription.id;
    server.handle((_req, res) => sendList(res, 'a.test\nb.test\nc.test\n'));
    h.now += 60_000;
    const res = await h.inject({ method: 'POST', url: `/api/subscriptions/${id}/refresh` });
    expect(res.statusCode).toBe(200);
    expect(res.json().refresh).toMatchObject({ outcome: 'updated', entries: 3 });
    expect(res.json().subscription).toMatchObject({ entries: 3, lastSuccess: h.now });
    expect(h.ctx.policy.catalog.lists.find((l) => l.id === `subscription-${id}`)?.entries).toBe(3);

    server.handle((_req, res2) => (res2.writeHead(500), res2.end()));
    h.now += 60_000;
    const failed = await h.inject({ method: 'POST', url: `/lists/subscriptions/${id}/refresh`, ...form({}) });
    expect(failed.statusCode).toBe(303);
    expect(failed.headers.location).toBe('/lists?refreshed=failed#subs-title');
    const sub = createSubscriptionStore({ db: h.db }).get(id)!;
    expect(sub).toMatchObject({ entries: 3, lastError: 'the server answered HTTP 500', lastRefresh: h.now, lastSuccess: h.now - 60_000 });
    expect(existsSync(lastGoodListPath(subscriptionListsDir(h.config.dataDir), id))).toBe(true);
    const page = await h.inject({ method: 'GET', url: '/lists?refreshed=failed' });
    expect(page.body).toContain('The download failed; the previous copy (if any) is kept.');
    expect(page.body).toContain('the server answered HTTP 500');
  });

  it('subscribes from the page form (and the suggested button posts the same form)', async () => {
    const res = await h.inject({ method: 'POST', url: '/lists/subscriptions', ...form({ url: server.url('/list.txt'), category: 'gaming' }) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/lists?refreshed=updated#subs-title');
    expect(createSubscriptionStore({ db: h.db }).list()).toEqual([expect.objectContaining({ category: 'gaming', entries: 2 })]);
    const page = await h.inject({ method: 'GET', url: '/lists?refreshed=updated' });
    expect(page.body).toContain('The list was downloaded.');
  });

  it('keeps a subscription whose first download fails, with its error', async () => {
    const res = await h.inject({ method: 'POST', url: '/api/subscriptions', payload: { url: server.url('/missing'), category: 'custom' } });
    expect(res.statusCode).toBe(201);
    expect(res.json().refresh).toMatchObject({ outcome: 'failed', error: 'the server answered HTTP 404' });
    expect(changed).toBe(0);
  });

  it.each([
    ['file:///etc/passwd', 'only http: and https: lists can be downloaded, not file:'],
    ['ftp://127.0.0.1/list.txt', 'only http: and https: lists can be downloaded, not ftp:'],
    ['https://user:pw@lists.test/x', 'URLs with a user name or password are not accepted'],
    ['not a url', 'not a valid absolute URL'],
  ])('refuses the subscription URL %s with 400 and the issue', async (url, message) => {
    const res = await h.inject({ method: 'POST', url: '/api/subscriptions', payload: { url, category: 'custom' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION', issues: [{ path: ['url'], message }] });
    expect(createSubscriptionStore({ db: h.db }).list()).toEqual([]);
    expect(server.requests).toEqual([]);
  });

  it('refuses an unknown category, a missing body, and shows form errors on the page with the typed URL', async () => {
    const res = await h.inject({ method: 'POST', url: '/api/subscriptions', payload: { url: server.url('/list.txt'), category: 'nope' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().issues[0].path).toEqual(['category']);
    expect((await h.inject({ method: 'POST', url: '/api/subscriptions' })).statusCode).toBe(400);

    const evil = 'ftp://x.test/"><script>alert(1)</script>';
    const page = await h.inject({ method: 'POST', url: '/lists/subscriptions', ...form({ url: evil, category: 'custom' }) });
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('Please check: url: only http: and https: lists can be downloaded, not ftp:');
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).toContain('value="ftp://x.test/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    const fr = await h.inject({ method: 'POST', url: '/lists/subscriptions', lang: 'fr', ...form({ url: 'file:///etc/passwd', category: 'custom' }) });
    expect(fr.statusCode).toBe(400);
    expect(fr.body).toContain('Vérifiez : url:');
  });

  it('unsubscribes: the copy is deleted and the list unloaded; unknown ids are 404', async () => {
    const added = (await h.inject({ method: 'POST', url: '/api/subscriptions', payload: { url: server.url('/list.txt'), category: 'custom' } })).json();
    const id: string = added.subscription.id;
    const res = await h.inject({ method: 'DELETE', url: `/api/subscriptions/${id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json().removed.id).toBe(id);
    expect(existsSync(lastGoodListPath(subscriptionListsDir(h.config.dataDir), id))).toBe(false);
    expect(h.ctx.policy.catalog.lists.some((l) => l.id === `subscription-${id}`)).toBe(false);
    expect(h.policy.built.fallback.decide('evil-one.test', h.now)).toBeNull();
    expect((await h.inject({ method: 'DELETE', url: `/api/subscriptions/${id}` })).statusCode).toBe(404);
    expect((await h.inject({ method: 'POST', url: '/api/subscriptions/000000000000/refresh' })).statusCode).toBe(404);
    expect((await h.inject({ method: 'POST', url: '/lists/subscriptions/zzz/remove', ...form({}) })).statusCode).toBe(404);

    const again = (await h.inject({ method: 'POST', url: '/api/subscriptions', payload: { url: server.url('/list.txt'), category: 'custom' } })).json();
    const formRemove = await h.inject({ method: 'POST', url: `/lists/subscriptions/${again.subscription.id}/remove`, ...form({}) });
    expect(formRemove.statusCode).toBe(303);
    expect(createSubscriptionStore({ db: h.db }).list()).toEqual([]);
  });

  it('escapes a hostile subscription URL and error from the network', async () => {
    const sub = createSubscriptionStore({ db: h.db }).add({ url: 'https://lists.test/x', category: 'custom' });
    h.db.prepare('UPDATE subscriptions SET url = ?, last_error = ? WHERE id = ?').run('https://lists.test/"><script>alert(1)</script>', '<img src=x onerror=alert(1)>', sub.id);
    const page = await h.inject({ method: 'GET', url: '/lists' });
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).toContain('https://lists.test/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).toContain('&lt;img src&#61;x onerror&#61;alert(1)&gt;');
  });

  it('needs the CSRF token for every change', async () => {
    expect((await h.inject({ method: 'POST', url: '/api/subscriptions', csrf: false, payload: { url: server.url('/list.txt'), category: 'custom' } })).statusCode).toBe(403);
    expect((await h.inject({ method: 'POST', url: '/lists/subscriptions', csrf: false, ...form({ url: server.url('/list.txt'), category: 'custom' }) })).statusCode).toBe(403);
    expect((await h.inject({ method: 'POST', url: '/api/rules', csrf: false, payload: { name: 'a.test', kind: 'block' } })).statusCode).toBe(403);
    expect(server.requests).toEqual([]);
    expect(createCustomRulesStore({ db: h.db }).list()).toEqual([]);
  });
});

describe('lists: local list files', () => {
  it('shows lists loaded from VIGIE_EXTRA_LISTS with their entries, names escaped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-extra-'));
    const file = join(dir, 'school-block.txt');
    writeFileSync(file, 'one.test\ntwo.test\nthree.test\n');
    const h = await createAdminHarness([listsRoutes], { VIGIE_EXTRA_LISTS: file });
    try {
      const page = await h.inject({ method: 'GET', url: '/lists' });
      expect(page.body).toContain('Local list files');
      expect(page.body).toMatch(/<span class="name">school-block<\/span> <span class="muted">\(custom\)<\/span> <span class="badge ok">3 names<\/span>/);
    } finally {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
