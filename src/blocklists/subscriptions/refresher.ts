/**
 * Keeps the subscribed lists fresh: one download at a time, build-then-swap on disk, and never
 * fail open (F4): whatever goes wrong, the last good copy stays where the server loads it from.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { AppError } from '../../errors.js';
import type { Clock } from '../../resolver/types.js';
import { downloadList, type DownloadRequest, type DownloadResult } from './downloader.js';
import { lastGoodListPath, listMetaPath, writeFileAtomically } from './list-files.js';
import type { Subscription, SubscriptionStore } from './subscription-store.js';

/** Default refresh period: once a day. */
export const DEFAULT_REFRESH_INTERVAL_MS = 24 * 60 * 60 * 1000;

/** What happened to one subscription in a refresh. */
export interface RefreshOutcome {
  readonly id: string;
  readonly url: string;
  /** `updated`: a new copy is in place; `unchanged`: 200 with the same bytes; `not-modified`: 304. */
  readonly outcome: 'updated' | 'unchanged' | 'not-modified' | 'failed';
  readonly entries?: number;
  /** Why it failed (partly from the network: escape before printing). */
  readonly error?: string;
}

/** Progress report of {@link Refresher.refreshAll}: called before each list and after the last. */
export type RefreshProgress = (p: { done: number; total: number; current?: Subscription; last?: RefreshOutcome }) => void;

/** Dependencies of {@link createRefresher}. */
export interface RefresherDeps {
  readonly store: SubscriptionStore;
  /** Folder of the kept copies: `$dataDir/lists`. */
  readonly listsDir: string;
  /** Defaults to {@link downloadList}. */
  readonly downloader?: (request: DownloadRequest) => Promise<DownloadResult>;
  readonly clock?: Clock;
  readonly setTimer?: (fn: () => void, ms: number) => unknown;
  readonly clearTimer?: (handle: unknown) => void;
  /** Period between scheduled refreshes. Default 24 h. */
  readonly intervalMs?: number;
  /** Random number in [0, 1) for the schedule jitter (up to +10 % of the period). Default Math.random. */
  readonly random?: () => number;
  /**
   * Entries of a body, stored as the subscription's status right after a download. Default
   * {@link countListLines}: rule lines, counted on the bytes (no decode, no split: a 1M-line list
   * costs a few ms on the DNS thread). The exact count of names is the compiled list's, known once
   * the worker has loaded it (`vigie lists` and the admin page show that one when loaded).
   */
  readonly countEntries?: (body: Uint8Array) => number;
  /** Called once for each list whose kept copy changed. */
  readonly onChange?: (id: string) => void;
  /** Download options passed through (maxBytes, timeoutMs, fetchImpl). */
  readonly download?: Pick<DownloadRequest, 'maxBytes' | 'timeoutMs' | 'fetchImpl'>;
  readonly logger?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/** A Service (start/stop) that also refreshes on demand. */
export interface Refresher {
  /** Schedules the periodic refresh (the first one when the stalest list is due, jittered). */
  start(): void;
  /** Cancels the timer. A refresh in progress finishes. */
  stop(): Promise<void>;
  /** Refreshes every enabled subscription, one at a time. */
  refreshAll(options?: { onProgress?: RefreshProgress }): Promise<RefreshOutcome[]>;
  /** Refreshes one subscription (by id or URL), queued behind any refresh in progress. @throws AppError `SUBSCRIPTION_NOT_FOUND`. */
  refreshOne(idOrUrl: string): Promise<RefreshOutcome>;
  /** Path of the kept copy of `id` (exists only after a first success). */
  lastGoodPath(id: string): string;
  /**
   * Downloads now the enabled subscriptions that have no kept copy yet (added by a restore or a
   * sync rather than `vigie lists add`), each at most once per {@link MISSING_RETRY_MS}.
   * Resolves with their outcomes; never rejects.
   */
  refreshMissing(): Promise<RefreshOutcome[]>;
}

/** A subscription without a kept copy is tried again after this long. */
export const MISSING_RETRY_MS = 10 * 60_000;

/** Counts lines that are neither blank nor comments (`#`, `!`, `[Adblock…]` headers), on the bytes. */
export function countListLines(body: Uint8Array): number {
  let n = 0;
  let atLineStart = true;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === 0x0a) {
      atLineStart = true;
      continue;
    }
    if (!atLineStart || c === 0x20 || c === 0x09 || c === 0x0d) continue;
    atLineStart = false;
    if (c !== 0x23 /* # */ && c !== 0x21 /* ! */ && c !== 0x5b /* [ */) n++;
  }
  return n;
}

/** Creates the refresher. Nothing runs until start(), refreshAll() or refreshOne(). */
export function createRefresher(deps: RefresherDeps): Refresher {
  const { store, listsDir, clock = Date.now, intervalMs = DEFAULT_REFRESH_INTERVAL_MS, random = Math.random } = deps;
  const download = deps.downloader ?? downloadList;
  const setTimer = deps.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms).unref());
  const clearTimer = deps.clearTimer ?? ((h: unknown) => clearTimeout(h as NodeJS.Timeout));
  const countEntries = deps.countEntries ?? countListLines;
  // One download at a time (peak memory = one list): every refresh is chained on this tail.
  let queue: Promise<unknown> = Promise.resolve();
  let timer: unknown;
  let running = false;
  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const run = queue.then(job, job);
    queue = run.catch(() => undefined);
    return run;
  };

  async function refresh(sub: Subscription): Promise<RefreshOutcome> {
    const file = lastGoodListPath(listsDir, sub.id);
    // Validators only if we still hold the copy they describe: a 304 must never leave us with nothing.
    const hasCopy = existsSync(file);
    let result: DownloadResult;
    try {
      result = await download({ url: sub.url, etag: hasCopy ? sub.etag : null, lastModified: hasCopy ? sub.lastModified : null, ...deps.download });
    } catch (err) {
      // downloadList never throws; an injected downloader might. Still one failed list, not a failed run.
      return failed(sub, clock(), `download failed: ${(err as Error).message}`);
    }
    const at = clock();
    if (result.status === 'not-modified') {
      store.recordNotModified(sub.id, at);
      return { id: sub.id, url: sub.url, outcome: 'not-modified', ...(sub.entries === null ? {} : { entries: sub.entries }) };
    }
    if (result.status === 'error') return failed(sub, at, result.message);
    try {
      return keep(sub, result, at);
    } catch (err) {
      return failed(sub, at, `could not store the list: ${(err as Error).message}`);
    }
  }

  function keep(sub: Subscription, result: Extract<DownloadResult, { status: 'ok' }>, at: number): RefreshOutcome {
    const file = lastGoodListPath(listsDir, sub.id);
    const sha256 = createHash('sha256').update(result.body).digest('hex');
    const entries = countEntries(result.body);
    if (entries === 0) return failed(sub, at, 'the list has no entries');
    const same = existsSync(file) && readMetaSha(sub.id) === sha256;
    if (!same) writeFileAtomically(file, result.body);
    const meta = { id: sub.id, url: sub.url, category: sub.category, etag: result.etag, lastModified: result.lastModified, fetchedAt: at, bytes: result.body.byteLength, entries, sha256 };
    writeFileAtomically(listMetaPath(listsDir, sub.id), `${JSON.stringify(meta, null, 2)}\n`);
    store.recordSuccess(sub.id, { at, etag: result.etag, lastModified: result.lastModified, entries });
    deps.logger?.info({ list: sub.id, entries, changed: !same }, 'subscribed list refreshed');
    if (!same) deps.onChange?.(sub.id);
    return { id: sub.id, url: sub.url, outcome: same ? 'unchanged' : 'updated', entries };
  }

  function readMetaSha(id: string): string | undefined {
    try {
      const meta: unknown = JSON.parse(readFileSync(listMetaPath(listsDir, id), 'utf8'));
      const sha = (meta as { sha256?: unknown } | null)?.sha256;
      return typeof sha === 'string' ? sha : undefined;
    } catch {
      return undefined;
    }
  }

  function failed(sub: Subscription, at: number, error: string): RefreshOutcome {
    store.recordFailure(sub.id, at, error);
    deps.logger?.warn({ list: sub.id, reason: error }, 'subscribed list not refreshed; keeping the previous copy');
    return { id: sub.id, url: sub.url, outcome: 'failed', error };
  }

  const refreshAll = (options: { onProgress?: RefreshProgress } = {}) =>
    serial(async () => {
      const subs = store.list().filter((s) => s.enabled);
      const outcomes: RefreshOutcome[] = [];
      for (const [i, sub] of subs.entries()) {
        options.onProgress?.({ done: i, total: subs.length, current: sub, ...(i > 0 ? { last: outcomes[i - 1]! } : {}) });
        outcomes.push(await refresh(sub));
      }
      options.onProgress?.({ done: subs.length, total: subs.length, ...(subs.length > 0 ? { last: outcomes.at(-1)! } : {}) });
      return outcomes;
    });

  /** Next run: when the stalest enabled list is due (never sooner than a minute), plus up to 10 % jitter. */
  function schedule(): void {
    if (!running) return;
    const subs = store.list().filter((s) => s.enabled);
    const due = subs.length === 0 ? clock() + intervalMs : Math.min(...subs.map((s) => (s.lastRefresh ?? 0) + intervalMs));
    const delay = Math.max(60_000, due - clock()) + Math.floor(random() * intervalMs * 0.1);
    timer = setTimer(() => {
      timer = undefined;
      void refreshAll().catch(() => undefined).finally(schedule);
    }, delay);
  }

  return {
    start() {
      if (running) return;
      running = true;
      schedule();
    },
    async stop() {
      running = false;
      if (timer !== undefined) clearTimer(timer);
      timer = undefined;
      await queue;
    },
    refreshAll,
    refreshOne: (key) =>
      serial(async () => {
        const sub = store.get(key);
        if (sub === undefined) throw new AppError('SUBSCRIPTION_NOT_FOUND', `no subscription ${key}`);
        return refresh(sub);
      }),
    lastGoodPath: (id) => lastGoodListPath(listsDir, id),
    refreshMissing: () =>
      serial(async () => {
        const now = clock();
        const missing = store.list().filter((s) => s.enabled && !existsSync(lastGoodListPath(listsDir, s.id)) && (s.lastRefresh === null || now - s.lastRefresh >= MISSING_RETRY_MS));
        const outcomes: RefreshOutcome[] = [];
        for (const sub of missing) outcomes.push(await refresh(sub));
        return outcomes;
      }).catch(() => []),
  };
}
