/** Shipped sources through the real refresher, a real loopback HTTP server and a real config.db. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRefresher } from '../../src/blocklists/subscriptions/refresher.js';
import { ADULT_FIRST_MS, planRefreshes, SOURCE_REFRESH_INTERVAL_MS, SOURCE_RETRY_MS, SOURCE_SETTLE_JITTER_MS, SOURCE_SETTLE_MS } from '../../src/blocklists/subscriptions/refresh-schedule.js';
import { createSubscriptionStore, type SubscriptionStore } from '../../src/blocklists/subscriptions/subscription-store.js';
import { openConfigDatabase } from '../../src/store/config-database.js';
import { useTempDir } from '../store/temp-dir.js';
import { sendList, startListServer, type ListServer } from './list-server.js';
import { listOf } from './source-fixtures.js';

const dir = useTempDir('vigie-shipped-');
let db: Database.Database;
let store: SubscriptionStore;
let server: ListServer;
let body = '';
let now = 1_800_000_000_000;
const clock = () => now;
const listsDir = () => join(dir(), 'lists');
const DAY = 24 * 3_600_000;

beforeEach(async () => {
  db = openConfigDatabase({ file: join(dir(), 'config.db') });
  store = createSubscriptionStore({ db, clock });
  server = await startListServer((_q, res) => (body.startsWith('<') ? res.writeHead(200, { 'content-type': 'text/html' }).end(body) : sendList(res, body)));
});
afterEach(async () => {
  db.close();
  await server.close();
});

function refresherFor(snapshot: number | null) {
  const changes: string[] = [];
  const refresher = createRefresher({ store, listsDir: listsDir(), clock, onChange: (id) => changes.push(id), snapshotEntries: () => snapshot, download: { timeoutMs: 2000 } });
  return { refresher, changes };
}

describe('a shipped source is never replaced by a much smaller or broken copy', () => {
  it('first download vs the snapshot, then vs the kept copy: shrinking by more than half and HTML keep the previous copy; a good one replaces it', async () => {
    const sub = store.add({ url: server.url('/adult/hosts'), category: 'adult', source: 'tiny-adult' });
    const { refresher, changes } = refresherFor(18_204);
    const kept = () => readFileSync(refresher.lastGoodPath(sub.id), 'utf8');

    body = listOf(412, 'a');
    expect(await refresher.refreshOne(sub.id)).toMatchObject({ outcome: 'failed', error: 'the new copy has 412 entries, less than half of the 18,204 in the shipped snapshot: the shipped snapshot stays' });
    expect(existsSync(refresher.lastGoodPath(sub.id))).toBe(false);
    expect(store.get(sub.id)).toMatchObject({ lastRefresh: now, lastSuccess: null, lastError: expect.stringContaining('412 entries') });

    now += 1000;
    body = listOf(10_000, 'b');
    expect(await refresher.refreshOne(sub.id)).toMatchObject({ outcome: 'updated', entries: 10_000 });
    expect(kept()).toBe(body);
    expect(store.get(sub.id)).toMatchObject({ entries: 10_000, lastSuccess: now, lastError: null });

    now += 1000;
    const good = body;
    body = listOf(4_999, 'c');
    expect(await refresher.refreshOne(sub.id)).toMatchObject({ outcome: 'failed', error: 'the new copy has 4,999 entries, less than half of the 10,000 kept: the previous copy stays' });
    expect(kept()).toBe(good);
    expect(store.get(sub.id)).toMatchObject({ entries: 10_000, lastSuccess: now - 1000, lastRefresh: now });

    now += 1000;
    body = '<!doctype html><title>Rate limited</title>';
    expect(await refresher.refreshOne(sub.id)).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/an HTML page, not a list/) });
    expect(kept()).toBe(good);
    expect(store.get(sub.id)?.lastError).toMatch(/HTML/);

    now += 1000;
    body = listOf(5_000, 'd'); // exactly half: accepted
    expect(await refresher.refreshOne(sub.id)).toMatchObject({ outcome: 'updated', entries: 5_000 });
    expect(kept()).toBe(body);
    expect(store.get(sub.id)).toMatchObject({ entries: 5_000, lastError: null, lastSuccess: now });
    expect(changes).toEqual([sub.id, sub.id]);
  });

  it('a parent’s own subscription is held to the same rule against its kept copy', async () => {
    const sub = store.add({ url: server.url('/own.txt'), category: 'dating' });
    const { refresher } = refresherFor(null);
    body = listOf(100, 'own');
    await refresher.refreshOne(sub.id);
    body = listOf(3, 'own');
    expect(await refresher.refreshOne(sub.id)).toMatchObject({ outcome: 'failed', error: 'the new copy has 3 entries, less than half of the 100 kept: the previous copy stays' });
    expect(readFileSync(refresher.lastGoodPath(sub.id), 'utf8')).toBe(listOf(100, 'own'));
  });

  it('refreshMissing leaves shipped sources to their schedule (their snapshot is a good copy)', async () => {
    store.add({ url: server.url('/src'), category: 'dating', source: 'tiny-dating' });
    const own = store.add({ url: server.url('/own'), category: 'dating' });
    body = listOf(5, 'x');
    const { refresher } = refresherFor(5);
    expect((await refresher.refreshMissing()).map((o) => o.id)).toEqual([own.id]);
    expect(server.requests.map((r) => r.path)).toEqual(['/own']);
  });
});

describe('schedule of shipped sources', () => {
  function timers() {
    const list: { fn: () => void; ms: number }[] = [];
    return { list, setTimer: (fn: () => void, ms: number) => list.push({ fn, ms }), clearTimer: () => {} };
  }
  const start = (random: number) => {
    const t = timers();
    let changed: (id: string) => void = () => {};
    const nextChange = new Promise<string>((resolve) => (changed = resolve));
    const refresher = createRefresher({ store, listsDir: listsDir(), clock, setTimer: t.setTimer, clearTimer: t.clearTimer, random: () => random, onChange: (id) => changed(id), download: { timeoutMs: 2000 } });
    refresher.start();
    return { t, refresher, nextChange };
  };

  it('never sooner than 10 minutes after start (jittered up to 10 more)', async () => {
    store.add({ url: server.url('/dating'), category: 'dating', source: 'tiny-dating' });
    const early = start(0);
    expect(early.t.list[0]!.ms).toBe(SOURCE_SETTLE_MS);
    await early.refresher.stop();
    const late = start(0.5);
    expect(late.t.list[0]!.ms).toBe(SOURCE_SETTLE_MS + SOURCE_SETTLE_JITTER_MS / 2);
    await late.refresher.stop();
  });

  it('the adult list without a kept copy comes after about a minute; with one, it waits like the others', async () => {
    const adult = store.add({ url: server.url('/adult'), category: 'adult', source: 'tiny-adult' });
    const first = start(0.5);
    expect(first.t.list[0]!.ms).toBe(ADULT_FIRST_MS * 1.25);
    body = listOf(20, 'adult');
    first.t.list[0]!.fn();
    expect(await first.nextChange).toBe(adult.id);
    await first.refresher.stop();
    expect(server.requests.map((r) => r.path)).toEqual(['/adult']);
    expect(existsSync(first.refresher.lastGoodPath(adult.id))).toBe(true);
    now += 8 * DAY; // a week later, the next boot: it has a kept copy now, so it waits like the others
    const again = start(0);
    expect(again.t.list[0]!.ms).toBe(SOURCE_SETTLE_MS);
    await again.refresher.stop();
  });

  it('weekly once refreshed, daily after a failure; a parent’s own subscription keeps its daily period and is refreshed alone', async () => {
    const src = store.add({ url: server.url('/dating'), category: 'dating', source: 'tiny-dating' });
    const own = store.add({ url: server.url('/own'), category: 'custom' });
    store.recordSuccess(src.id, { at: now - 3_600_000, etag: null, lastModified: null, entries: 5 });
    store.recordSuccess(own.id, { at: now - 3_600_000, etag: null, lastModified: null, entries: 5 });
    const context = { now, startedAt: now - DAY, intervalMs: DAY, sourceIntervalMs: SOURCE_REFRESH_INTERVAL_MS, hasCopy: () => true, random: () => 0 };
    expect(planRefreshes(store.list(), context)).toEqual([{ id: own.id, at: now - 3_600_000 + DAY }, { id: src.id, at: now - 3_600_000 + SOURCE_REFRESH_INTERVAL_MS }]);
    store.recordFailure(src.id, now, 'the server answered HTTP 503');
    expect(planRefreshes(store.list(), context)[1]).toEqual({ id: src.id, at: now + SOURCE_RETRY_MS });

    const { t, refresher, nextChange } = start(0);
    expect(t.list[0]!.ms).toBe(DAY - 3_600_000);
    body = listOf(5, 'own');
    t.list[0]!.fn();
    expect(await nextChange).toBe(own.id);
    await refresher.stop();
    expect(server.requests.map((r) => r.path)).toEqual(['/own']);
  });

  it('a clock that went back (a Pi booting in 1970) never makes a timer fire at once: it looks again in a day', async () => {
    const src = store.add({ url: server.url('/dating'), category: 'dating', source: 'tiny-dating' });
    store.recordSuccess(src.id, { at: now, etag: null, lastModified: null, entries: 5 });
    const saved = now;
    now = Date.UTC(1970, 0, 1, 0, 5);
    try {
      const { t, refresher } = start(0);
      expect(t.list[0]!.ms).toBe(DAY);
      t.list[0]!.fn(); // nothing due: it only plans again
      expect(t.list).toHaveLength(2);
      expect(t.list[1]!.ms).toBe(DAY);
      await refresher.stop();
      expect(server.requests).toEqual([]);
    } finally {
      now = saved;
    }
  });
});
