/**
 * The admin lists page with shipped public lists: licence and attribution, which copy is in use,
 * failures in the error style, stop and resume — the real app (harness), a real config.db and the
 * real refresher against a loopback HTTP server. Every URL is on 127.0.0.1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listsRoutes } from '../../src/admin/routes/lists.js';
import { subscriptionListsDir } from '../../src/blocklists/subscriptions/list-files.js';
import { readRemovedSources, seedShippedSources } from '../../src/blocklists/subscriptions/seed-sources.js';
import { readShippedSources } from '../../src/blocklists/subscriptions/shipped-sources.js';
import { createSubscriptionStore } from '../../src/blocklists/subscriptions/subscription-store.js';
import { sendList, startListServer, type ListServer } from '../subscriptions/list-server.js';
import { listOf, writeSourceCatalog } from '../subscriptions/source-fixtures.js';
import { createAdminHarness, type AdminHarness } from './harness.js';

const form = (fields: Record<string, string>) => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
/** The page's entry of one shipped list. */
const entryOf = (body: string, id: string) => new RegExp(`<li class="panel" id="shipped-${id}">([\\s\\S]*?)</li>`).exec(body)?.[1] ?? '';

describe('lists page: shipped public lists', () => {
  let h: AdminHarness;
  let server: ListServer;
  let listsDir: string;
  let body = '';
  beforeEach(async () => {
    server = await startListServer((_q, res) => (body.startsWith('<') ? res.writeHead(200, { 'content-type': 'text/html' }).end(body) : sendList(res, body)));
    // tiny-adult's upstream is https on the loopback server, which speaks plain HTTP: its downloads
    // fail (a TLS error) without leaving the machine. tiny-dating is refreshed from a row below.
    listsDir = writeSourceCatalog(mkdtempSync(join(tmpdir(), 'vigie-admin-shipped-')), [
      { id: 'tiny-adult', category: 'adult', url: server.url('/adult').replace('http:', 'https:'), entries: 40 },
      { id: 'tiny-dating', category: 'dating', url: 'https://lists.example/dating.txt', entries: 10 },
    ]);
    h = await createAdminHarness([listsRoutes], { VIGIE_LISTS_DIR: listsDir });
  });
  afterEach(async () => {
    await h.close();
    await server.close();
    rmSync(listsDir, { recursive: true, force: true });
  });

  it('shows licence, attribution and the copy in use; a refused or broken update in the error style, a good one as up to date (en and fr)', async () => {
    // The row as seeding makes it, but downloading from the loopback server over plain http.
    const sub = createSubscriptionStore({ db: h.db }).add({ url: server.url('/dating.txt'), category: 'dating', source: 'tiny-dating' });
    let page = (await h.inject({ method: 'GET', url: '/lists' })).body;
    expect(page).toContain('Public lists kept up to date');
    let entry = entryOf(page, 'tiny-dating');
    expect(entry).toContain('Tiny dating list');
    expect(entry).toContain('Licence: CC-BY-SA-4.0');
    expect(entry).toContain('Source: example/tiny-dating');
    expect(entry).toContain('In use: the copy shipped with Vigie, of 2026-12-01 (10 names).');
    expect(entry).toContain('<span class="badge warn">Not refreshed yet</span>');

    body = listOf(3, 'dating');
    const refused = await h.inject({ method: 'POST', url: `/lists/subscriptions/${sub.id}/refresh`, ...form({}) });
    expect(refused.headers.location).toBe('/lists?refreshed=failed#subs-title');
    page = (await h.inject({ method: 'GET', url: '/lists' })).body;
    entry = entryOf(page, 'tiny-dating');
    expect(entry).toContain('<span class="badge danger">Last update failed</span>');
    expect(entry).toContain('<p class="field-error">The last update failed: the new copy has 3 entries, less than half of the 10 in the shipped snapshot: the shipped snapshot stays. Vigie keeps the previous copy.</p>');
    expect(entry).not.toContain('badge ok');
    const fr = entryOf((await h.inject({ method: 'GET', url: '/lists', lang: 'fr' })).body, 'tiny-dating');
    expect(fr).toContain('Dernière mise à jour ratée');
    expect(fr).toContain('En service : la copie fournie avec Vigie, du 2026-12-01 (10 noms).');
    expect(fr).toContain('Licence : CC-BY-SA-4.0');

    body = listOf(8, 'dating');
    h.now += 60_000;
    await h.inject({ method: 'POST', url: `/lists/subscriptions/${sub.id}/refresh`, ...form({}) });
    entry = entryOf((await h.inject({ method: 'GET', url: '/lists' })).body, 'tiny-dating');
    expect(entry).toContain('<span class="badge ok">Up to date</span>');
    expect(entry).toMatch(/In use: the copy downloaded on [^<]+ \(8 names\)\./);
    expect(entry).not.toContain('field-error');

    body = '<!doctype html><title>Rate limited</title>';
    h.now += 60_000;
    await h.inject({ method: 'POST', url: `/lists/subscriptions/${sub.id}/refresh`, ...form({}) });
    entry = entryOf((await h.inject({ method: 'GET', url: '/lists' })).body, 'tiny-dating');
    expect(entry).toContain('<span class="badge danger">Last update failed</span>');
    expect(entry).toContain('an HTML page, not a list');
    expect(entry).toMatch(/\(8 names\)/); // the previous copy stays in use

    const api = (await h.inject({ method: 'GET', url: '/api/lists' })).json() as { shipped: Array<Record<string, unknown>>; listUpdates: string };
    expect(api.listUpdates).toBe('off');
    expect(api.shipped.find((s) => s.id === 'tiny-dating')).toMatchObject({ licence: 'CC-BY-SA-4.0', sources: ['example/tiny-dating'], inUse: 'kept-copy', entries: 8, keepingPrevious: true, subscriptionId: sub.id });
    // The shipped rows are not repeated in the table of the parents' own subscriptions.
    expect(page).toContain('No subscribed list yet.');
  });

  it('stop updating is remembered; "update it again" brings the row back in its category', async () => {
    seedShippedSources({ db: h.db, sources: readShippedSources(listsDir), listsDir: subscriptionListsDir(h.config.dataDir) });
    const store = createSubscriptionStore({ db: h.db });
    const adult = store.list().find((s) => s.source === 'tiny-adult')!;
    const page = (await h.inject({ method: 'GET', url: '/lists' })).body;
    expect(page).toContain('Automatic updates are off (VIGIE_LIST_UPDATES&#61;off)'); // '=' escaped
    expect(entryOf(page, 'tiny-adult')).toContain(`action="/lists/subscriptions/${adult.id}/remove"`);

    const stop = await h.inject({ method: 'POST', url: `/lists/subscriptions/${adult.id}/remove`, ...form({}) });
    expect(stop.statusCode).toBe(303);
    expect(readRemovedSources(h.db)).toEqual(['tiny-adult']);
    const stopped = entryOf((await h.inject({ method: 'GET', url: '/lists' })).body, 'tiny-adult');
    expect(stopped).toContain('<span class="badge warn">Not updated (you stopped it)</span>');
    expect(stopped).toContain(`<input type="hidden" name="url" value="${adult.url}">`);

    const resume = await h.inject({ method: 'POST', url: '/lists/subscriptions', ...form({ url: adult.url, category: 'custom' }) });
    expect(resume.statusCode).toBe(303);
    expect(readRemovedSources(h.db)).toEqual([]);
    expect(store.get(adult.id)).toMatchObject({ source: 'tiny-adult', category: 'adult', lastError: expect.stringMatching(/network error/) });
    const back = entryOf((await h.inject({ method: 'GET', url: '/lists' })).body, 'tiny-adult');
    expect(back).toContain('<span class="badge danger">Last update failed</span>');
    expect(back).toContain('In use: the copy shipped with Vigie, of 2026-12-01 (40 names).');
  });
});
