import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DownloadRequest, DownloadResult } from '../../src/blocklists/subscriptions/downloader.js';
import { countListLines, createRefresher } from '../../src/blocklists/subscriptions/refresher.js';
import { createSubscriptionStore, type SubscriptionStore } from '../../src/blocklists/subscriptions/subscription-store.js';
import { openConfigDatabase } from '../../src/store/config-database.js';
import { useTempDir } from '../store/temp-dir.js';
import { sendList, startListServer, type ListServer } from './list-server.js';

const dir = useTempDir('vigie-refresh-');
let db: Database.Database;
let store: SubscriptionStore;
let server: ListServer;
let now = 1_800_000_000_000;
const clock = () => now;

beforeEach(async () => {
  db = openConfigDatabase({ file: join(dir(), 'config.db') });
  store = createSubscriptionStore({ db, clock });
  server = await startListServer();
});
afterEach(async () => {
  db.close();
  await server.close();
});

const LIST = '# good list\ncoco.gg\n\n! adblock comment\nomegle.example\n';
const listsDir = () => join(dir(), 'lists');

function setup() {
  const changes: string[] = [];
  const refresher = createRefresher({ store, listsDir: listsDir(), clock, onChange: (id) => changes.push(id), download: { timeoutMs: 2000 } });
  return { refresher, changes };
}

describe('refresher against a real HTTP server', () => {
  it('stores the first copy atomically with its meta, then handles a 304', async () => {
    server.handle((req, res) => (req.headers['if-none-match'] === '"v1"' ? res.writeHead(304).end() : sendList(res, LIST, { etag: '"v1"' })));
    const sub = store.add({ url: server.url('/l.txt'), category: 'dating' });
    const { refresher, changes } = setup();

    expect(await refresher.refreshOne(sub.id)).toEqual({ id: sub.id, url: sub.url, outcome: 'updated', entries: 2 });
    expect(readFileSync(refresher.lastGoodPath(sub.id), 'utf8')).toBe(LIST);
    const meta = JSON.parse(readFileSync(join(listsDir(), `${sub.id}.json`), 'utf8')) as Record<string, unknown>;
    expect(meta).toMatchObject({ id: sub.id, url: sub.url, category: 'dating', etag: '"v1"', entries: 2, bytes: LIST.length, fetchedAt: now });
    expect(store.get(sub.id)).toMatchObject({ etag: '"v1"', entries: 2, lastRefresh: now, lastSuccess: now, lastError: null });
    expect(changes).toEqual([sub.id]);

    now += 1000;
    expect(await refresher.refreshOne(sub.id)).toMatchObject({ outcome: 'not-modified', entries: 2 });
    expect(server.requests[1]!.headers['if-none-match']).toBe('"v1"');
    expect(store.get(sub.id)).toMatchObject({ lastRefresh: now, entries: 2 });
    expect(changes).toEqual([sub.id]);
  });

  it('does not send validators when the kept copy is gone (a 304 must not leave us with nothing)', async () => {
    server.handle((req, res) => (req.headers['if-none-match'] ? res.writeHead(304).end() : sendList(res, LIST, { etag: '"v1"' })));
    const sub = store.add({ url: server.url('/l.txt'), category: 'dating' });
    const { refresher } = setup();
    await refresher.refreshOne(sub.id);
    rmSync(refresher.lastGoodPath(sub.id));
    expect(await refresher.refreshOne(sub.id)).toMatchObject({ outcome: 'updated' });
    expect(server.requests[1]!.headers['if-none-match']).toBeUndefined();
    expect(existsSync(refresher.lastGoodPath(sub.id))).toBe(true);
  });

  it.each([
    ['an HTML error page', (res: import('node:http').ServerResponse) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Service unavailable</body></html>'), /HTML/],
    ['HTTP 500', (res: import('node:http').ServerResponse) => res.writeHead(500).end('oops'), /HTTP 500/],
    ['an empty body', (res: import('node:http').ServerResponse) => res.writeHead(200).end(''), /empty/],
    ['only comments', (res: import('node:http').ServerResponse) => res.writeHead(200).end('# nothing here\n'), /no entries|no rule/],
  ])('keeps the previous copy untouched after %s and records the error', async (_name, bad, message) => {
    const sub = store.add({ url: server.url('/l.txt'), category: 'dating' });
    const { refresher, changes } = setup();
    server.handle((_q, res) => sendList(res, LIST, { etag: '"v1"' }));
    await refresher.refreshOne(sub.id);
    const metaBefore = readFileSync(join(listsDir(), `${sub.id}.json`), 'utf8');

    server.handle((_q, res) => bad(res));
    now += 1000;
    const outcome = await refresher.refreshOne(sub.id);
    expect(outcome).toMatchObject({ outcome: 'failed', error: expect.stringMatching(message) });
    expect(readFileSync(refresher.lastGoodPath(sub.id), 'utf8')).toBe(LIST);
    expect(readFileSync(join(listsDir(), `${sub.id}.json`), 'utf8')).toBe(metaBefore);
    expect(store.get(sub.id)).toMatchObject({ etag: '"v1"', entries: 2, lastRefresh: now, lastSuccess: now - 1000, lastError: expect.stringMatching(message) });
    expect(changes).toEqual([sub.id]);
  });

  it('a 200 with the same bytes is "unchanged" and does not call onChange', async () => {
    server.handle((_q, res) => sendList(res, LIST));
    const sub = store.add({ url: server.url('/l.txt'), category: 'dating' });
    const { refresher, changes } = setup();
    await refresher.refreshOne(sub.id);
    expect(await refresher.refreshOne(sub.id)).toMatchObject({ outcome: 'unchanged', entries: 2 });
    expect(changes).toEqual([sub.id]);
  });

  it('refreshAll: one list at a time, disabled lists skipped, onChange once per changed list', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    server.handle((req, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        if (req.url === '/broken') res.writeHead(500).end();
        else sendList(res, `${req.url!.slice(1)}.example\n`);
      }, 20);
    });
    const subs = ['/a', '/b', '/broken', '/c', '/off'].map((p) => store.add({ url: server.url(p), category: 'custom' }));
    store.setEnabled(subs[4]!.id, false);
    const { refresher, changes } = setup();
    const progress: string[] = [];
    const [all, single] = await Promise.all([
      refresher.refreshAll({ onProgress: (p) => progress.push(`${p.done}/${p.total}`) }),
      refresher.refreshOne(subs[0]!.id),
    ]);
    expect(maxInFlight).toBe(1);
    expect(all.map((o) => o.outcome)).toEqual(['updated', 'updated', 'failed', 'updated']);
    expect(single.outcome).toBe('unchanged');
    expect(progress).toEqual(['0/4', '1/4', '2/4', '3/4', '4/4']);
    expect(changes).toEqual([subs[0]!.id, subs[1]!.id, subs[3]!.id]);
    expect(server.requests.map((r) => r.path)).toEqual(['/a', '/b', '/broken', '/c', '/a']);
  });
});

describe('subscriptions without a kept copy (after a restore or a sync)', () => {
  it('are fetched by refreshMissing, each at most once per 10 minutes while failing', async () => {
    let fail = true;
    server.handle((_req, res) => (fail ? res.writeHead(503).end() : sendList(res, LIST)));
    const sub = store.add({ url: server.url('/restored.txt'), category: 'dating' });
    const { refresher } = setup();
    expect(await refresher.refreshMissing()).toMatchObject([{ id: sub.id, outcome: 'failed' }]);
    fail = false;
    now += 5 * 60_000;
    expect(await refresher.refreshMissing()).toEqual([]); // tried 5 min ago: not yet
    now += 5 * 60_000;
    expect(await refresher.refreshMissing()).toMatchObject([{ id: sub.id, outcome: 'updated', entries: 2 }]);
    expect(existsSync(refresher.lastGoodPath(sub.id))).toBe(true);
    now += 60 * 60_000;
    expect(await refresher.refreshMissing()).toEqual([]); // has its copy now
    expect(server.requests).toHaveLength(2);
  });
});

describe('refresher with an injected downloader', () => {
  it('a downloader that throws fails that list only', async () => {
    const a = store.add({ url: 'https://lists.example/a.txt', category: 'custom' });
    const b = store.add({ url: 'https://lists.example/b.txt', category: 'custom' });
    const downloader = async (r: DownloadRequest): Promise<DownloadResult> => {
      if (r.url === a.url) throw new Error('boom');
      return { status: 'ok', body: new TextEncoder().encode('b.example\n'), etag: null, lastModified: null, url: r.url };
    };
    const refresher = createRefresher({ store, listsDir: listsDir(), downloader, clock });
    const outcomes = await refresher.refreshAll();
    expect(outcomes).toEqual([
      { id: a.id, url: a.url, outcome: 'failed', error: 'download failed: boom' },
      { id: b.id, url: b.url, outcome: 'updated', entries: 1 },
    ]);
    expect(store.get(a.id)?.lastError).toBe('download failed: boom');
  });
});

describe('refresher schedule', () => {
  function fakeTimers() {
    const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
    return {
      timers,
      setTimer: (fn: () => void, ms: number) => {
        const t = { fn, ms, cleared: false };
        timers.push(t);
        return t;
      },
      clearTimer: (h: unknown) => void ((h as { cleared: boolean }).cleared = true),
    };
  }

  it('schedules when the stalest list is due, with up to 10 % jitter, and refreshes then', async () => {
    const calls: DownloadRequest[] = [];
    const downloader = async (r: DownloadRequest): Promise<DownloadResult> => {
      calls.push(r);
      return { status: 'ok', body: new TextEncoder().encode('a.example\n'), etag: null, lastModified: null, url: r.url };
    };
    const t = fakeTimers();
    const sub = store.add({ url: 'https://lists.example/a.txt', category: 'custom' });
    store.recordSuccess(sub.id, { at: now - 3_600_000, etag: null, lastModified: null, entries: 1 });
    const refresher = createRefresher({ store, listsDir: listsDir(), downloader, clock, setTimer: t.setTimer, clearTimer: t.clearTimer, intervalMs: 86_400_000, random: () => 0.5 });
    refresher.start();
    expect(t.timers).toHaveLength(1);
    expect(t.timers[0]!.ms).toBe(86_400_000 - 3_600_000 + 4_320_000);
    t.timers[0]!.fn();
    await new Promise((r) => setTimeout(r, 50));
    expect(calls.map((c) => c.url)).toEqual([sub.url]);
    expect(t.timers).toHaveLength(2); // rescheduled after the run
    await refresher.stop();
    expect(t.timers[1]!.cleared).toBe(true);
  });

  it('a never-refreshed list is due within minutes, not a day', () => {
    const t = fakeTimers();
    store.add({ url: 'https://lists.example/a.txt', category: 'custom' });
    const refresher = createRefresher({ store, listsDir: listsDir(), clock, setTimer: t.setTimer, clearTimer: t.clearTimer, random: () => 0 });
    refresher.start();
    expect(t.timers[0]!.ms).toBe(60_000);
    void refresher.stop();
  });
});

describe('countListLines', () => {
  it.each([
    ['', 0],
    ['# c\n! c\n\n   \n', 0],
    ['a.example\r\nb.example\n# c\n', 2],
    ['0.0.0.0 a.example\n||b.example^\n', 2],
    ['[Adblock Plus 2.0]\n||a.example^\n  ! note\n\t||b.example^\r\n', 2],
    ['a.example\r\n\r\nb.example', 2],
  ])('%j → %i', (text, n) => expect(countListLines(Buffer.from(text))).toBe(n));
});

describe('a shipped source refreshed from a real HTTP server', () => {
  it('goes through its reviewed exclusions: Teams and Skype from a new UT1 chat copy never reach the kept copy', async () => {
    const body = '# ut1 chat\ncoco.gg\nteams.microsoft.us\nskype.net\nchat-avenue.example\n';
    server.handle((_req, res) => sendList(res, body));
    const sub = store.add({ url: server.url('/chat/domains'), category: 'anonymous-chat', source: 'ut1-chat' });
    const refresher = createRefresher({
      store, listsDir: listsDir(), clock, download: { timeoutMs: 2000 },
      exclusionsOf: (source) => new Set(source === 'ut1-chat' ? ['teams.microsoft.us', 'skype.net'] : []),
    });
    expect(await refresher.refreshOne(sub.id)).toMatchObject({ outcome: 'updated', entries: 2 });
    expect(readFileSync(refresher.lastGoodPath(sub.id), 'utf8')).toBe('# ut1 chat\ncoco.gg\nchat-avenue.example\n');
  });
});
