/**
 * The weekly report's reads of logs.db, each over one time range (bound parameters, served by the
 * (time) index). The week itself is read in ONE pass (scan) and folded in JS: measured on 1M rows,
 * four GROUP BY queries over the same week (hours, days, names, categories) cost about twice as
 * much, each paying for the index walk and a sort. Local days and hours are not computed in SQL
 * (see week.ts weekBuckets). Small results are read back through zod.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';

const totalRows = z.array(z.object({ device: z.string(), category: z.string(), n: z.number().int() }));
const firstRows = z.array(z.object({ device: z.string(), category: z.string(), time: z.number().int(), name: z.string() }));
const dailyRows = z.array(z.object({ device: z.string(), day: z.string(), queries: z.number().int(), blocked: z.number().int() }));

/** One blocked attempt as scanned: [time, device, category, rule, name]. */
export type ScanRow = readonly [time: number, device: string, category: string, rule: string, name: string];
/** Blocked attempts of a device per category. */
export type TotalRow = z.infer<typeof totalRows>[number];
/** The earliest attempt of a device on a category. */
export type FirstRow = z.infer<typeof firstRows>[number];
/** One daily counter. */
export type DailyRow = z.infer<typeof dailyRows>[number];

/** The report's reads; every range is [start, end). */
export interface ReportQueries {
  /**
   * Every attempt of the range, in index order (call it per day to bound memory). Each value's
   * type is checked by hand rather than by zod: on 80,000 rows a zod tuple schema costs more than
   * the whole fold (~120 ms in a fresh worker); a mismatch throws a TypeError all the same.
   */
  scan(start: number, end: number): ScanRow[];
  /** Attempts per device and category. */
  totals(start: number, end: number): TotalRow[];
  /** First-ever attempts (per device and category) that fall in the range. */
  firstAttempts(start: number, end: number): FirstRow[];
  /** Daily counters of the local dates `fromDay`..`toDay` (inclusive, `YYYY-MM-DD`). */
  daily(fromDay: string, toDay: string): DailyRow[];
  /** Runs `body` in one read transaction: every query sees the same snapshot of the log. */
  snapshot<T>(body: () => T): T;
}

function checkScanRow(row: unknown[]): void {
  const [time, device, category, rule, name] = row;
  if (typeof time !== 'number' || !Number.isInteger(time) || typeof device !== 'string' || typeof category !== 'string' || typeof rule !== 'string' || typeof name !== 'string') {
    throw new TypeError(`unexpected blocked_attempts row: ${JSON.stringify(row).slice(0, 200)}`);
  }
}

/**
 * Prepares the queries over an open logs.db (read-only is enough). A file whose schema predates
 * version 3 (no daily_counts / first_attempts yet) reads as having no counters and, for first
 * attempts, falls back to a scan of the earlier rows of each (device, category) seen in the range.
 */
export function createReportQueries(db: Database.Database): ReportQueries {
  const has = (table: string): boolean => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
  const range = 'FROM blocked_attempts WHERE time >= @start AND time < @end';
  const scan = db.prepare(`SELECT time, device, category, rule, name ${range}`).raw();
  const totals = db.prepare(`SELECT device, category, count(*) AS n ${range} GROUP BY device, category`);
  const firsts = has('first_attempts')
    ? db.prepare('SELECT device, category, time, name FROM first_attempts WHERE time >= @start AND time < @end')
    : db.prepare(`SELECT b.device, b.category, min(b.time) AS time, b.name FROM blocked_attempts AS b
        WHERE b.time >= @start AND b.time < @end GROUP BY b.device, b.category
        HAVING NOT EXISTS (SELECT 1 FROM blocked_attempts AS e WHERE e.device = b.device AND e.category = b.category AND e.time < @start)`);
  const daily = has('daily_counts')
    ? db.prepare('SELECT device, day, queries, blocked FROM daily_counts WHERE day >= ? AND day <= ?')
    : null;
  return {
    scan(start, end) {
      const rows = scan.all({ start, end }) as unknown[][];
      for (const row of rows) checkScanRow(row);
      return rows as unknown as ScanRow[];
    },
    totals: (start, end) => totalRows.parse(totals.all({ start, end })),
    firstAttempts: (start, end) => firstRows.parse(firsts.all({ start, end })),
    daily: (fromDay, toDay) => (daily === null ? [] : dailyRows.parse(daily.all(fromDay, toDay))),
    snapshot: (body) => db.transaction(body).deferred(),
  };
}
