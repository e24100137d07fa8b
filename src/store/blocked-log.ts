import type Database from 'better-sqlite3';
import type { Clock } from '../resolver/types.js';
import { silentStoreLogger, type StoreLogger } from './store-logger.js';

/** One blocked DNS query, as logged. */
export interface BlockedAttempt {
  /** Milliseconds since the epoch (integer). */
  readonly time: number;
  /** Client IP address (or device id once devices are identified). */
  readonly client: string;
  /** Query name, lower case, no trailing dot. */
  readonly name: string;
  /** Query type mnemonic, e.g. `A`, `AAAA`, `HTTPS`. */
  readonly qtype: string;
  readonly category: string;
  readonly list: string;
  readonly rule: string;
  /** Device id (`mac:…` / `ip:…`); default `ip:<client>`. */
  readonly device?: string;
  /** Profile the decision was made under; default ''. */
  readonly profile?: string;
}

/** Counters of a {@link BlockedLog}. */
export interface BlockedLogStats {
  /** Rows waiting in memory. */
  readonly buffered: number;
  /** Rows committed since creation. */
  readonly written: number;
  /** Rows not kept because the buffer was full (the flooding source's own rows first; see add). */
  readonly dropped: number;
  /** Rows discarded because SQLite refused them (constraint or binding error). */
  readonly rejected: number;
  /** Flushes that failed (rows kept for the next try). */
  readonly failedFlushes: number;
  /** Duration of the last successful flush, ms (by the injected clock). */
  readonly lastFlushMs: number;
}

/** The buffered blocked-attempt log. */
export interface BlockedLog {
  /**
   * Buffers one entry. Hot path: no I/O. When full, the source holding the most rows loses its
   * newest one to a source under its share; a source that is itself the heaviest loses the new
   * entry. Either way the drop is counted per source and written as a flood marker.
   */
  add(entry: BlockedAttempt): void;
  /** Writes every buffered entry in one transaction. Never throws; returns rows written (0 on failure). */
  flush(): number;
  /** Starts the periodic flush (unref'ed timer). Idempotent. */
  start(): void;
  /** Stops the timer, flushes, then `wal_checkpoint(TRUNCATE)`. Does not close the database. */
  stop(): void;
  stats(): BlockedLogStats;
}

/** A timer handle as returned by `setInterval`; `unref` is called when present. */
export interface IntervalHandle {
  unref?(): unknown;
}

/** Dependencies of {@link createBlockedLog}. */
export interface BlockedLogDeps {
  /** An open log database with migrations applied (see openDatabase). Owned by the caller. */
  readonly db: Database.Database;
  readonly clock: Clock;
  /** Default 1000 ms. */
  readonly flushIntervalMs?: number;
  /** Buffer capacity, default 50,000 rows (a few MB); also bounds rows kept across failed flushes. */
  readonly maxBuffered?: number;
  readonly logger?: StoreLogger;
  setInterval?(fn: () => void, ms: number): IntervalHandle;
  clearInterval?(handle: IntervalHandle): void;
}

/** Log a failure streak once, then once per this many failed flushes. */
const FAILURE_LOG_EVERY = 60;

const INSERT_SQL = `INSERT INTO blocked_attempts (time, client, name, qtype, category, list, rule, device, profile)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;
// One marker per source and minute: later drops in the same minute add up.
const FLOOD_SQL = `INSERT INTO blocked_floods (client, minute, device, first, last, dropped) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (client, minute) DO UPDATE SET first = min(first, excluded.first), last = max(last, excluded.last), dropped = dropped + excluded.dropped`;

/** Rows a source lost in the current flush window. */
interface Drops {
  device: string;
  first: number;
  last: number;
  count: number;
}

/**
 * Creates the buffered log of blocked attempts. `add` only writes into per-source lists (the
 * DNS path never touches SQLite); a timer flushes it about every second in ONE transaction.
 *
 * Durability: a commit is atomic, so a crash (even `kill -9`) loses at most the entries still
 * buffered and never leaves a half-written batch. A failing flush (SQLITE_FULL, SQLITE_BUSY, …)
 * is logged, its rows stay buffered (bounded by `maxBuffered`) and the next tick tries again.
 */
export function createBlockedLog(deps: BlockedLogDeps): BlockedLog {
  const { db, clock, logger = silentStoreLogger } = deps;
  const flushIntervalMs = deps.flushIntervalMs ?? 1000;
  const capacity = deps.maxBuffered ?? 50_000;
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('maxBuffered must be ≥ 1');
  const setTimer = deps.setInterval ?? ((fn, ms) => setInterval(fn, ms));
  const clearTimer = deps.clearInterval ?? ((h) => clearInterval(h as NodeJS.Timeout));
  const insert = db.prepare(INSERT_SQL);
  const insertFlood = db.prepare(FLOOD_SQL);

  // Rows per source (client address), in arrival order within a source. A flood from one source
  // fills only its own list, and it is that list that loses rows when the buffer is full.
  const bySource = new Map<string, BlockedAttempt[]>();
  const drops = new Map<string, Drops>();
  let size = 0;
  /** The source with the most rows (kept incrementally: within one row of the true maximum). */
  let heaviest: BlockedAttempt[] | null = null;
  let written = 0;
  let dropped = 0;
  let rejected = 0;
  let failedFlushes = 0;
  let failureStreak = 0;
  let lastFlushMs = 0;
  let timer: IntervalHandle | undefined;

  /** Inserts the whole buffer and the flood markers; rows SQLite refuses individually are skipped. Returns the skip count. */
  const insertAll = db.transaction((): number => {
    let skipped = 0;
    for (const rows of bySource.values()) {
      for (const e of rows) {
        try {
          insert.run(Math.trunc(e.time), e.client, e.name, e.qtype, e.category, e.list, e.rule, e.device ?? `ip:${e.client}`, e.profile ?? '');
        } catch (err) {
          // A bad row must not block the log forever; anything else (FULL, BUSY, IOERR) aborts the
          // whole transaction so the batch is kept for the next try.
          if (!isBadRowError(err)) throw err;
          skipped += 1;
        }
      }
    }
    for (const [client, d] of drops) insertFlood.run(client, Math.floor(d.first / 60_000), d.device, Math.trunc(d.first), Math.trunc(d.last), d.count);
    return skipped;
  });

  function noteDrop(e: BlockedAttempt): void {
    dropped += 1;
    const d = drops.get(e.client);
    if (d === undefined) drops.set(e.client, { device: e.device ?? `ip:${e.client}`, first: e.time, last: e.time, count: 1 });
    else {
      d.count += 1;
      if (e.time < d.first) d.first = e.time;
      if (e.time > d.last) d.last = e.time;
    }
  }

  function add(entry: BlockedAttempt): void {
    let rows = bySource.get(entry.client);
    if (size === capacity) {
      // Full: a source over its share (the heaviest, holding more than this one would after
      // taking a row) gives up its newest row; otherwise the new entry is the one dropped. The
      // first rows of each source in the interval are kept: they show when a flood started.
      if (heaviest === null || heaviest === rows || heaviest.length <= (rows?.length ?? 0) + 1) {
        noteDrop(entry);
        return;
      }
      noteDrop(heaviest.pop()!);
      size -= 1;
    }
    if (rows === undefined) {
      rows = [];
      bySource.set(entry.client, rows);
    }
    rows.push(entry);
    size += 1;
    if (heaviest === null || rows.length > heaviest.length) heaviest = rows;
  }

  function flush(): number {
    if (size === 0 && drops.size === 0) return 0;
    const started = clock();
    let skipped: number;
    try {
      skipped = insertAll.immediate();
    } catch (err) {
      failedFlushes += 1;
      failureStreak += 1;
      if (failureStreak % FAILURE_LOG_EVERY === 1) {
        logger.error({ err, buffered: size, failures: failureStreak, dropped }, 'blocked log flush failed; rows kept');
      }
      return 0;
    }
    const count = size - skipped;
    if (skipped > 0) logger.warn({ rejected: skipped }, 'blocked log rows refused by SQLite were discarded');
    if (failureStreak > 0) logger.info({ failures: failureStreak, dropped }, 'blocked log flush recovered');
    bySource.clear();
    drops.clear();
    heaviest = null;
    size = 0;
    written += count;
    rejected += skipped;
    failureStreak = 0;
    lastFlushMs = clock() - started;
    return count;
  }

  function tick(): void {
    try {
      flush();
    } catch {
      // flush() already catches; this only guards a throwing logger. A timer must never throw.
    }
  }

  return {
    add,
    flush,
    start() {
      if (timer !== undefined) return;
      timer = setTimer(tick, flushIntervalMs);
      timer.unref?.(); // the log must never keep the process alive
    },
    stop() {
      if (timer !== undefined) clearTimer(timer);
      timer = undefined;
      flush();
      try {
        db.pragma('wal_checkpoint(TRUNCATE)');
      } catch (err) {
        logger.warn({ err }, 'blocked log checkpoint at stop failed');
      }
    },
    stats: () => ({ buffered: size, written, dropped, rejected, failedFlushes, lastFlushMs }),
  };
}

/** Errors caused by the row itself (constraint, value binding), not by the database's state. */
function isBadRowError(err: unknown): boolean {
  if (err instanceof TypeError || err instanceof RangeError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG');
}
