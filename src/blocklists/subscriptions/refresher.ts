/**
 * Keeps the subscribed lists fresh: one download at a time, build-then-swap on disk, and never
 * fail open (F4): whatever goes wrong, the last good copy stays where the server loads it from.
 */
import { applyExclusions } from './source-filter.js';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { AppError } from '../../errors.js';
import type { Clock } from '../../resolver/types.js';
import { downloadList, type DownloadRequest, type DownloadResult } from './downloader.js';
import { lastGoodListPath, listMetaPath, writeFileAtomically } from './list-files.js';
import { planRefreshes, SOURCE_REFRESH_INTERVAL_MS, type PlannedRefresh } from './refresh-schedule.js';
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
  /** Period between scheduled refreshes of the parents' own subscriptions. Default 24 h. */
  readonly intervalMs?: number;
  /** Period of the shipped sources (rows with `source` set). Default a week. */
  readonly sourceIntervalMs?: number;
  /**
   * Entries of the shipped snapshot of catalog list `source` (manifest `entries`, or the snapshot
   * file's lines): what a first download of that source must not shrink below half of.
   */
  readonly snapshotEntries?: (source: string) => number | null;
  /** A shipped source's reviewed exclusions (exact names), dropped from each copy before it is kept. */
  readonly exclusionsOf?: (source: string) => ReadonlySet<string>;
  /** Random number in [0, 1) for the schedule jitter (see refresh-schedule.ts). Default Math.random. */
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
  /** Schedules the periodic refresh (each list when it is due, jittered: see refresh-schedule.ts). */
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
   * sync rather than `vigie lists add`), each at most once per {@link MISSING_RETRY_MS}. Shipped
   * sources are left to their schedule: their snapshot is a good copy meanwhile.
   * Resolves with their outcomes; never rejects.
   */
  refreshMissing(): Promise<RefreshOutcome[]>;
}

/**
 * A next run further away than this (longer than any period + jitter) means the clock went back;
 * Node fires timers over 2^31 ms (24.8 days) at once, so the schedule looks again after a day.
 */
const MAX_TIMER_MS = 20 * 24 * 60 * 60_000;
const RECHECK_MS = 24 * 60 * 60_000;

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

/** 18204 → "18,204": counts in messages the parents read. */
const formatCount = (n: number): string => n.toLocaleString('en-US');

/** Creates the refresher. Nothing runs until start(), refreshAll() or refreshOne(). */
export function createRefresher(deps: RefresherDeps): Refresher {
  const { store, listsDir, clock = Date.now, intervalMs = DEFAULT_REFRESH_INTERVAL_MS, sourceIntervalMs = SOURCE_REFRESH_INTERVAL_MS, random = Math.random } = deps;
  const download = deps.downloader ?? downloadList;
  const setTimer = deps.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms).unref());
  const clearTimer = deps.clearTimer ?? ((h: unknown) => clearTimeout(h as NodeJS.Timeout));
  const countEntries = deps.countEntries ?? countListLines;
  // One download at a time (peak memory = one list): every refresh is chained on this tail.
  let queue: Promise<unknown> = Promise.resolve();
  let timer: unknown;
  let running = false;
  let startedAt = 0;
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

  function keep(sub: Subscription, downloaded: Extract<DownloadResult, { status: 'ok' }>, at: number): RefreshOutcome {
    const file = lastGoodListPath(listsDir, sub.id);
    // A shipped source goes through its reviewed exclusions, as its snapshot did (UT1 chat lists Teams).
    const result = sub.source === null || deps.exclusionsOf === undefined ? downloaded : { ...downloaded, body: applyExclusions(downloaded.body, deps.exclusionsOf(sub.source)).body };
    const sha256 = createHash('sha256').update(result.body).digest('hex');
    const entries = countEntries(result.body);
    if (entries === 0) return failed(sub, at, 'the list has no entries');
    const shrunk = shrinkProblem(sub, entries);
    if (shrunk !== null) return failed(sub, at, shrunk);
    const same = existsSync(file) && readMetaSha(sub.id) === sha256;
    if (!same) writeFileAtomically(file, result.body);
    const meta = { id: sub.id, url: sub.url, category: sub.category, etag: result.etag, lastModified: result.lastModified, fetchedAt: at, bytes: result.body.byteLength, entries, sha256 };
    writeFileAtomically(listMetaPath(listsDir, sub.id), `${JSON.stringify(meta, null, 2)}\n`);
    store.recordSuccess(sub.id, { at, etag: result.etag, lastModified: result.lastModified, entries });
    deps.logger?.info({ list: sub.id, entries, changed: !same }, 'subscribed list refreshed');
    if (!same) deps.onChange?.(sub.id);
    return { id: sub.id, url: sub.url, outcome: same ? 'unchanged' : 'updated', entries };
  }

  /**
   * A copy with less than half the entries of the one it would replace is refused (F4): an
   * upstream that truncates its file, or a mirror serving a stub, must not unblock half a category.
   * What it would replace: the kept copy, or for a shipped source without one, its snapshot.
   */
  function shrinkProblem(sub: Subscription, entries: number): string | null {
    const kept = existsSync(lastGoodListPath(listsDir, sub.id));
    const before = kept ? sub.entries : sub.source === null ? null : (deps.snapshotEntries?.(sub.source) ?? null);
    if (before === null || entries * 2 >= before) return null;
    const what = kept ? 'kept: the previous copy stays' : 'in the shipped snapshot: the shipped snapshot stays';
    return `the new copy has ${formatCount(entries)} entries, less than half of the ${formatCount(before)} ${what}`;
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

  /** Next run: when the soonest list is due; the lists due by then are refreshed together. */
  function schedule(): void {
    if (!running) return;
    const now = clock();
    const plan = planRefreshes(store.list(), { now, startedAt, intervalMs, sourceIntervalMs, random, hasCopy: (id) => existsSync(lastGoodListPath(listsDir, id)) });
    const first = plan[0];
    const fireAt = first?.at ?? now + intervalMs;
    if (fireAt - now > MAX_TIMER_MS) {
      // A clock that went back (a Pi without a real-time clock boots in 1970) puts the next run
      // years away; a timer that long would fire at once (Node caps it). Look again in a day.
      timer = setTimer(() => {
        timer = undefined;
        schedule();
      }, RECHECK_MS);
      return;
    }
    const due = plan.filter((p) => p.at <= fireAt);
    timer = setTimer(() => {
      timer = undefined;
      void refreshPlanned(due).catch(() => undefined).finally(schedule);
    }, fireAt - now);
  }

  const refreshPlanned = (due: readonly PlannedRefresh[]) =>
    serial(async () => {
      for (const { id } of due) {
        const sub = store.get(id);
        // Removed or switched off meanwhile: nothing to do.
        if (sub?.enabled && running) await refresh(sub);
      }
    });

  return {
    start() {
      if (running) return;
      running = true;
      startedAt = clock();
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
        const missing = store.list().filter((s) => s.enabled && s.source === null && !existsSync(lastGoodListPath(listsDir, s.id)) && (s.lastRefresh === null || now - s.lastRefresh >= MISSING_RETRY_MS));
        const outcomes: RefreshOutcome[] = [];
        for (const sub of missing) outcomes.push(await refresh(sub));
        return outcomes;
      }).catch(() => []),
  };
}
