import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { createSubscriptionStore, subscriptionId, type SubscriptionStore } from '../../src/blocklists/subscriptions/subscription-store.js';
import { openConfigDatabase } from '../../src/store/config-database.js';
import { useTempDir } from '../store/temp-dir.js';

const dir = useTempDir('vigie-subs-');
let db: Database.Database;
let store: SubscriptionStore;
let now = 1_800_000_000_000;

beforeEach(() => {
  db = openConfigDatabase({ file: join(dir(), 'config.db') });
  store = createSubscriptionStore({ db, categories: ['dating', 'custom'], clock: () => now });
});
afterEach(() => db.close());

describe('subscription store', () => {
  it('adds with a stable short id, normalises the URL and lists it back', () => {
    const added = store.add({ url: '  HTTPS://Lists.Example.org/a.txt ', category: 'dating' });
    expect(added).toEqual({
      id: subscriptionId('https://lists.example.org/a.txt'), url: 'https://lists.example.org/a.txt', category: 'dating', enabled: true,
      addedAt: now, etag: null, lastModified: null, lastRefresh: null, lastSuccess: null, lastError: null, entries: null, source: null,
    });
    expect(added.id).toMatch(/^[0-9a-f]{12}$/);
    expect(subscriptionId('https://lists.example.org/a.txt')).toBe(added.id);
    expect(store.list()).toEqual([added]);
  });

  it.each([
    ['file:///etc/shadow', 'custom', /http/],
    ['gopher://x/', 'custom', /http/],
    ['http://u:p@x.example/', 'custom', /password/],
    ['nope', 'custom', /valid/],
    [`https://x.example/${'a'.repeat(2100)}`, 'custom', /2048/],
    ['https://x.example/l.txt', 'adult-ish', /must be one of: dating, custom/],
  ])('rejects %s / %s with VALIDATION', (url, category, message) => {
    let caught: unknown;
    try {
      store.add({ url, category });
    } catch (err) {
      caught = err;
    }
    expect(isAppError(caught, 'VALIDATION')).toBe(true);
    expect((caught as Error).message).toMatch(message);
    expect(store.list()).toEqual([]);
  });

  it('refuses the same URL twice', () => {
    store.add({ url: 'https://x.example/l.txt', category: 'custom' });
    expect(() => store.add({ url: 'https://X.EXAMPLE/l.txt', category: 'dating' })).toThrow(/already subscribed/);
  });

  it('removes by id or by URL', () => {
    const a = store.add({ url: 'https://a.example/l.txt', category: 'custom' });
    const b = store.add({ url: 'https://b.example/l.txt', category: 'custom' });
    expect(store.remove(a.id)?.url).toBe(a.url);
    expect(store.remove('https://B.example/l.txt')?.id).toBe(b.id);
    expect(store.remove('missing')).toBeUndefined();
    expect(store.list()).toEqual([]);
  });

  it('records success, 304 and failure', () => {
    const { id } = store.add({ url: 'https://a.example/l.txt', category: 'custom' });
    store.recordSuccess(id, { at: 10, etag: '"e"', lastModified: 'lm', entries: 42 });
    expect(store.get(id)).toMatchObject({ etag: '"e"', lastModified: 'lm', entries: 42, lastRefresh: 10, lastSuccess: 10, lastError: null });
    store.recordFailure(id, 20, 'the server answered HTTP 500');
    expect(store.get(id)).toMatchObject({ etag: '"e"', entries: 42, lastRefresh: 20, lastSuccess: 10, lastError: 'the server answered HTTP 500' });
    store.recordNotModified(id, 30);
    expect(store.get(id)).toMatchObject({ entries: 42, lastRefresh: 30, lastSuccess: 30, lastError: null });
    store.setEnabled(id, false);
    expect(store.get(id)?.enabled).toBe(false);
  });

  it('reads rows back through zod (a bad row is an error, not garbage)', () => {
    db.prepare("INSERT INTO subscriptions (id, url, category, added_at, entries) VALUES ('x', 'http://a/', 'custom', 1, 'many')").run();
    expect(() => store.list()).toThrow();
  });
});
