/**
 * The real `startVigie`: shipped sources are seeded at start, and VIGIE_LIST_UPDATES decides
 * whether anything is downloaded by itself. A parent's subscription without a kept copy is fetched
 * on the next rebuild when updates are on (observable at once on the loopback list server), and
 * never when they are off.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastGoodListPath, removeListFiles, subscriptionListsDir, writeFileAtomically } from '../../src/blocklists/subscriptions/list-files.js';
import { createSubscriptionStore } from '../../src/blocklists/subscriptions/subscription-store.js';
import { openConfigDatabase } from '../../src/store/config-database.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestVigie, type TestVigie } from '../helpers/start-vigie.js';
import { sendList, startListServer, type ListServer } from '../subscriptions/list-server.js';
import { ADULT_SOURCE, DATING_SOURCE, listOf, writeSourceCatalog } from '../subscriptions/source-fixtures.js';

let upstream: FakeUpstream;
let server: ListServer;
let listsDir: string;

beforeAll(async () => {
  upstream = await startFakeUpstream({});
  server = await startListServer((_q, res) => sendList(res, 'own-one.example\nown-two.example\n'));
  listsDir = writeSourceCatalog(mkdtempSync(join(tmpdir(), 'vigie-updates-lists-')), [ADULT_SOURCE, DATING_SOURCE]);
});
afterAll(async () => {
  await server.close();
  await upstream.close();
  rmSync(listsDir, { recursive: true, force: true });
});

/** Adds a subscription (no kept copy yet) to a running Vigie and asks it to rebuild its policy. */
async function addOwnAndRebuild(vigie: TestVigie, path: string): Promise<void> {
  const db = openConfigDatabase({ file: join(vigie.dataDir, 'config.db') });
  try {
    createSubscriptionStore({ db }).add({ url: server.url(path), category: 'dating' });
  } finally {
    db.close();
  }
  await vigie.reloadLists();
}

async function requestFor(path: string, tries = 50): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (server.requests.some((r) => r.path === path)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe('a refreshed copy of a shipped source', () => {
  it('replaces its snapshot in the running server once kept, and the snapshot comes back when the parents stop its updates', async () => {
    const vigie = await startTestVigie({ VIGIE_UPSTREAMS: upstream.url, VIGIE_LISTS_DIR: listsDir, VIGIE_LIST_UPDATES: 'off' });
    try {
      const entriesOf = () => vigie.catalog.lists.find((l) => l.id === 'tiny-dating')?.entries;
      expect(entriesOf()).toBe(DATING_SOURCE.entries);
      const db = openConfigDatabase({ file: join(vigie.dataDir, 'config.db') });
      const store = createSubscriptionStore({ db });
      const row = store.list().find((s) => s.source === 'tiny-dating')!;
      // What the refresher does on success: the copy (atomically), then its status.
      writeFileAtomically(lastGoodListPath(subscriptionListsDir(vigie.dataDir), row.id), listOf(7, 'fresh'));
      store.recordSuccess(row.id, { at: Date.now(), etag: null, lastModified: null, entries: 7 });
      await vigie.reloadLists();
      expect(entriesOf()).toBe(7);
      expect(vigie.policyService.built.fallback.decide('n3.fresh.example', Date.now())).toMatchObject({ list: 'tiny-dating' });
      // "Stop updating" (vigie lists remove / the admin button): the row and its copy go.
      store.remove(row.id);
      removeListFiles(subscriptionListsDir(vigie.dataDir), row.id);
      db.close();
      await vigie.reloadLists();
      expect(entriesOf()).toBe(DATING_SOURCE.entries);
    } finally {
      await vigie.close();
    }
  });
});

describe('VIGIE_LIST_UPDATES', () => {
  it('off: the shipped sources are seeded, and nothing is downloaded by itself', async () => {
    const vigie = await startTestVigie({ VIGIE_UPSTREAMS: upstream.url, VIGIE_LISTS_DIR: listsDir, VIGIE_LIST_UPDATES: 'off' });
    try {
      const db = openConfigDatabase({ file: join(vigie.dataDir, 'config.db') });
      const rows = createSubscriptionStore({ db }).list().map((s) => [s.source, s.url]);
      db.close();
      expect(rows).toEqual([['tiny-adult', ADULT_SOURCE.url], ['tiny-dating', DATING_SOURCE.url]]);
      await addOwnAndRebuild(vigie, '/off.txt');
      // The same rebuild downloads within a moment when updates are on (next test): give it 2 s.
      expect(await requestFor('/off.txt', 20)).toBe(false);
    } finally {
      await vigie.close();
    }
    expect(server.requests).toEqual([]);
  });

  it('on: the same rebuild fetches a subscription without a copy at once', async () => {
    // A catalog without any shipped source: nothing but the loopback server can be asked.
    const noSources = writeSourceCatalog(mkdtempSync(join(tmpdir(), 'vigie-updates-none-')), []);
    const vigie = await startTestVigie({ VIGIE_UPSTREAMS: upstream.url, VIGIE_LISTS_DIR: noSources, VIGIE_LIST_UPDATES: 'on' });
    try {
      await addOwnAndRebuild(vigie, '/on.txt');
      expect(await requestFor('/on.txt')).toBe(true);
    } finally {
      await vigie.close();
      rmSync(noSources, { recursive: true, force: true });
    }
  });
});
