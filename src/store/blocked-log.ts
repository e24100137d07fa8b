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
  /** Rows not kept because the buffer was full (the newest are dropped; see add). */
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
  /** Buffers one entry. Hot path: no I/O, no allocation; when full the new entry is dropped and counted. */
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

/**
 * Creates the buffered log of blocked attempts. `add` only writes into a fixed ring buffer (the
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

  // Ring buffer: slots[(head + i) % capacity] for i < size, oldest first. Preallocated so that
  // `add` never grows an array on the hot path.
  const slots: (BlockedAttempt | undefined)[] = new Array<BlockedAttempt | undefined>(capacity).fill(undefined);
  let head = 0;
  let size = 0;
  let written = 0;
  let dropped = 0;
  let rejected = 0;
  let failedFlushes = 0;
  let failureStreak = 0;
  let lastFlushMs = 0;
  let timer: IntervalHandle | undefined;

  /** Inserts the whole buffer; rows SQLite refuses individually are skipped. Returns the skip count. */
  const insertAll = db.transaction((): number => {
    let skipped = 0;
    for (let i = 0; i < size; i += 1) {
      const e = slots[(head + i) % capacity] as BlockedAttempt;
      try {
        insert.run(Math.trunc(e.time), e.client, e.name, e.qtype, e.category, e.list, e.rule, e.device ?? `ip:${e.client}`, e.profile ?? '');
      } catch (err) {
        // A bad row must not block the log forever; anything else (FULL, BUSY, IOERR) aborts the
        // whole transaction so the batch is kept for the next try.
        if (!isBadRowError(err)) throw err;
        skipped += 1;
      }
    }
    return skipped;
  });

  function add(entry: BlockedAttempt): void {
    // Full: drop the NEW entry. During a flood the first attempts of each interval are kept (they
    // show when it started) and the rest are only counted, so they die young and never reach the
    // old generation of the garbage collector, which keeps a flood cheap for the DNS thread.
    if (size === capacity) {
      dropped += 1;
      return;
    }
    const at = head + size;
    slots[at >= capacity ? at - capacity : at] = entry;
    size += 1;
  }

  function flush(): number {
    if (size === 0) return 0;
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
    for (let i = 0; i < size; i += 1) slots[(head + i) % capacity] = undefined; // let GC have them
    head = 0;
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
