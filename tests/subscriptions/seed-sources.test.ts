/** Seeding the shipped sources as subscription rows: real catalog files, real config.db, restarts. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { noteSourceSubscribed, noteSubscriptionRemoved, readRemovedSources, seedShippedSources } from '../../src/blocklists/subscriptions/seed-sources.js';
import { readShippedSources, shippedSourceForUrl, type ShippedSource } from '../../src/blocklists/subscriptions/shipped-sources.js';
import { createSubscriptionStore } from '../../src/blocklists/subscriptions/subscription-store.js';
import { openConfigDatabase } from '../../src/store/config-database.js';
import { useTempDir } from '../store/temp-dir.js';
import { ADULT_SOURCE, DATING_SOURCE, writeSourceCatalog } from './source-fixtures.js';

const dir = useTempDir('vigie-seed-');
let db: Database.Database;
const open = () => (db = openConfigDatabase({ file: join(dir(), 'config.db') }));
const catalogDir = () => join(dir(), 'catalog');
const keptDir = () => join(dir(), 'data-lists');
const sources = () => readShippedSources(catalogDir());
const seed = (s: readonly ShippedSource[] | null = sources()) => seedShippedSources({ db, sources: s, listsDir: keptDir(), clock: () => 1_800_000_000_000 });
const rows = () => createSubscriptionStore({ db }).list().map((r) => [r.source, r.category, r.url]);

beforeEach(() => {
  writeSourceCatalog(catalogDir(), [ADULT_SOURCE, DATING_SOURCE]);
  open();
});
afterEach(() => db.close());

describe('reading the shipped sources', () => {
  it('finds the kind-"source" entries with their URL, licence, attribution, snapshot date and entries', () => {
    expect(sources()).toEqual([
      { id: 'tiny-adult', category: 'adult', url: ADULT_SOURCE.url, title: { en: 'Tiny adult list', fr: 'Petite liste adult' }, licence: 'CC-BY-SA-4.0', sources: ['example/tiny-adult'], snapshotDate: '2026-12-01', snapshotEntries: 40, exclude: null },
      expect.objectContaining({ id: 'tiny-dating', snapshotEntries: 10 }),
    ]);
    expect(shippedSourceForUrl(sources()!, 'HTTPS://Lists.Example/dating.txt')?.id).toBe('tiny-dating');
  });

  it('reads catalog v2 ({version, lists, services}) with the loader schema; counts the snapshot lines without a manifest; null when unreadable', () => {
    const v2 = join(dir(), 'v2');
    mkdirSync(v2);
    mkdirSync(join(v2, 'snapshots'));
    writeFileSync(join(v2, 'snapshots', 'snap.txt'), '# header\na.example\nb.example\n\nc.example\n');
    const entry = (id: string, kind: string, more: object) => ({
      id, category: 'bypass', file: null, action: 'sinkhole', kind, title: { en: id, fr: id }, description: { en: id, fr: id },
      defaultOn: { child: true, teen: true, adult: false, unfiltered: false }, sources: ['x/y'], ...more,
    });
    writeFileSync(join(v2, 'catalog.json'), JSON.stringify({ version: 2, services: [], lists: [
      entry('snap', 'source', { file: 'snapshots/snap.txt', subscription: 'https://Lists.Example/snap.txt' }),
      entry('chat', 'services', { file: 'bypass.txt' }),
      entry('suggested', 'source', { subscription: 'https://lists.example/only-suggested.txt', kind: undefined }),
    ] }));
    expect(readShippedSources(v2)).toEqual([{ id: 'snap', category: 'bypass', url: 'https://lists.example/snap.txt', title: { en: 'snap', fr: 'snap' }, licence: null, sources: ['x/y'], snapshotDate: null, snapshotEntries: 3, exclude: null }]);
    writeFileSync(join(v2, 'catalog.json'), '{ not json');
    expect(readShippedSources(v2)).toBeNull();
  });
});

describe('seeding', () => {
  it('creates one row per source once, and the same rows after a restart', () => {
    expect(seed()).toEqual({ added: ['tiny-adult', 'tiny-dating'], adopted: [], dropped: [] });
    expect(rows()).toEqual([['tiny-adult', 'adult', ADULT_SOURCE.url], ['tiny-dating', 'dating', DATING_SOURCE.url]]);
    expect(seed()).toEqual({ added: [], adopted: [], dropped: [] });
    db.close();
    open();
    expect(seed()).toEqual({ added: [], adopted: [], dropped: [] });
    expect(rows()).toHaveLength(2);
  });

  it('respects a removal across restarts, until the parents subscribe to the same URL again', () => {
    seed();
    const store = createSubscriptionStore({ db });
    noteSubscriptionRemoved(db, store.remove(DATING_SOURCE.url)!);
    expect(readRemovedSources(db)).toEqual(['tiny-dating']);
    db.close();
    open();
    expect(seed()).toEqual({ added: [], adopted: [], dropped: [] });
    expect(rows().map((r) => r[0])).toEqual(['tiny-adult']);

    // `vigie lists add` of the same URL: a parent's row at first, marked as the source by the next start.
    const again = noteSourceSubscribed(db, shippedSourceForUrl(sources()!, DATING_SOURCE.url));
    expect(again?.id).toBe('tiny-dating');
    expect(readRemovedSources(db)).toEqual([]);
    createSubscriptionStore({ db }).add({ url: DATING_SOURCE.url, category: 'custom' });
    expect(seed()).toEqual({ added: [], adopted: ['tiny-dating'], dropped: [] });
    expect(rows()).toContainEqual(['tiny-dating', 'dating', DATING_SOURCE.url]);
  });

  it('a parent’s own row is never counted as removed; a source the catalog drops or moves goes; an unreadable catalog changes nothing', () => {
    seed();
    noteSubscriptionRemoved(db, createSubscriptionStore({ db }).add({ url: 'https://own.example/l.txt', category: 'custom' }));
    expect(readRemovedSources(db)).toEqual([]);
    expect(seed(null)).toEqual({ added: [], adopted: [], dropped: [] });
    const moved = { ...sources()![1]!, url: 'https://lists.example/dating-v2.txt' };
    expect(seed([moved])).toEqual({ added: ['tiny-dating'], adopted: [], dropped: ['tiny-adult', 'tiny-dating'] });
    expect(rows()).toEqual([[null, 'custom', 'https://own.example/l.txt'], ['tiny-dating', 'dating', 'https://lists.example/dating-v2.txt']]);
  });

  it('an unreadable removed_sources setting counts as none', () => {
    db.prepare("INSERT INTO settings (key, value) VALUES ('removed_sources', '{oops')").run();
    expect(readRemovedSources(db)).toEqual([]);
    expect(seed().added).toHaveLength(2);
  });
});
