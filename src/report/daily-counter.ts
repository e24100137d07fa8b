/**
 * Lookups and blocked answers per device and local day (logs.db `daily_counts`): the weekly
 * report's "total lookups" without keeping a query log. `count` runs on the DNS path, so it only
 * bumps two numbers in memory; a timer writes them about once a minute in ONE transaction of
 * UPSERTs (`queries = queries + ?`), so a crash loses at most the last minute of counts.
 */
import type Database from 'better-sqlite3';
import { addLocalDays, startOfLocalDay } from '../policy/local-time.js';
import type { Clock } from '../resolver/types.js';
import { formatLocalDate } from './week.js';

/** Dependencies of {@link createDailyCounter}. */
export interface DailyCounterDeps {
  /** logs.db with migrations applied (owned by the caller). */
  readonly db: Database.Database;
  /** Times the flushes (stats only); counted instants are given to `count`. */
  readonly clock: Clock;
  /** IANA zone of the local days (VIGIE_TZ). */
  readonly timeZone: string;
  /** Default 60,000 ms. */
  readonly flushMs?: number;
  /** Distinct devices held per day between two flushes; more are dropped and counted. Default 10,000. */
  readonly maxDevices?: number;
  readonly onError?: (err: unknown) => void;
}

/** Counters of a {@link DailyCounter}. */
export interface DailyCounterStats {
  /** Devices with counts waiting to be written. */
  readonly pending: number;
  /** Queries not counted because `maxDevices` was reached. */
  readonly dropped: number;
  /** (day, device) rows written since creation. */
  readonly written: number;
  readonly failedFlushes: number;
  /** Duration of the last successful flush, ms. */
  readonly lastFlushMs: number;
}

/** The daily counter. */
export interface DailyCounter {
  /** Counts one answered query of `device` at `now`. Hot path: O(1), no allocation for a device already counted today. */
  count(device: string, blocked: boolean, now: number): void;
  /** Writes every pending count in one transaction; returns the rows written (0 on failure, counts kept). Never throws. */
  flush(): number;
  /** Starts the periodic flush (unref'ed timer). Idempotent. */
  start(): void;
  /** Stops the timer and flushes. Does not close the database. */
  stop(): void;
  stats(): DailyCounterStats;
}

interface Cell {
  queries: number;
  blocked: number;
}

/** Days kept in memory while flushes keep failing; older ones are dropped (and counted). */
const MAX_PENDING_DAYS = 8;

const UPSERT_SQL = `INSERT INTO daily_counts (day, device, queries, blocked) VALUES (?, ?, ?, ?)
  ON CONFLICT (day, device) DO UPDATE SET queries = queries + excluded.queries, blocked = blocked + excluded.blocked`;

/** Creates the daily counter (the timer starts with start()). */
export function createDailyCounter(deps: DailyCounterDeps): DailyCounter {
  const { db, clock, timeZone } = deps;
  const maxDevices = deps.maxDevices ?? 10_000;
  const upsert = db.prepare(UPSERT_SQL);
  // The local day is cached as its [start, end) instants: one comparison per query, and the
  // Intl work (a few µs) runs once per local day, or when the clock jumps.
  let dayKey = '';
  let dayStart = 0;
  let dayEnd = -1;
  let cells = new Map<string, Cell>();
  // Every day with counts not yet written, today's included; a clock stepping back across
  // midnight finds its day's map again instead of starting another.
  const days = new Map<string, Map<string, Cell>>();
  let dropped = 0;
  let written = 0;
  let failedFlushes = 0;
  let lastFlushMs = 0;
  let timer: NodeJS.Timeout | undefined;

  /** Slow path of count(): `now` is outside the cached day. Returns false for a NaN/infinite instant. */
  const enterDay = (now: number): boolean => {
    if (!Number.isFinite(now)) return false;
    dayStart = startOfLocalDay(now, timeZone);
    dayEnd = addLocalDays(dayStart, 1, timeZone);
    dayKey = formatLocalDate(dayStart, timeZone);
    cells = days.get(dayKey) ?? new Map<string, Cell>();
    days.set(dayKey, cells);
    for (const [key, old] of days) {
      if (days.size <= MAX_PENDING_DAYS) break;
      if (key === dayKey) continue;
      dropped += sum(old); // flushes kept failing for a week: the oldest day goes
      days.delete(key);
    }
    return true;
  };

  const writeAll = db.transaction((): number => {
    let rows = 0;
    for (const [day, m] of days) {
      for (const [device, c] of m) {
        if (c.queries === 0 && c.blocked === 0) continue;
        upsert.run(day, device, c.queries, c.blocked);
        rows += 1;
      }
    }
    return rows;
  });

  function count(device: string, blocked: boolean, now: number): void {
    if (!(now >= dayStart && now < dayEnd) && !enterDay(now)) {
      dropped += 1;
      return;
    }
    let cell = cells.get(device);
    if (cell === undefined) {
      if (cells.size >= maxDevices) {
        dropped += 1;
        return;
      }
      cell = { queries: 0, blocked: 0 };
      cells.set(device, cell);
    }
    cell.queries += 1;
    if (blocked) cell.blocked += 1;
  }

  function flush(): number {
    const started = clock();
    let rows: number;
    try {
      rows = writeAll.immediate();
    } catch (err) {
      failedFlushes += 1;
      try {
        deps.onError?.(err);
      } catch {
        // a throwing logger must not break the timer
      }
      return 0;
    }
    // Today's cells are zeroed, not deleted: the next query of a known device allocates nothing.
    // When the day's map is full, it is emptied so that new devices can be counted again.
    for (const key of days.keys()) if (key !== dayKey) days.delete(key);
    if (cells.size >= maxDevices) cells.clear();
    else for (const c of cells.values()) c.queries = c.blocked = 0;
    written += rows;
    lastFlushMs = clock() - started;
    return rows;
  }

  return {
    count,
    flush,
    start() {
      if (timer !== undefined) return;
      timer = setInterval(flush, deps.flushMs ?? 60_000);
      timer.unref();
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      flush();
    },
    stats: () => ({ pending: pendingCells(days), dropped, written, failedFlushes, lastFlushMs }),
  };
}

function sum(cells: Map<string, Cell>): number {
  let n = 0;
  for (const c of cells.values()) n += c.queries;
  return n;
}

function pendingCells(days: Map<string, Map<string, Cell>>): number {
  let n = 0;
  for (const m of days.values()) for (const c of m.values()) if (c.queries > 0 || c.blocked > 0) n += 1;
  return n;
}
