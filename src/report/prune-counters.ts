/**
 * Keeps logs.db's `daily_counts` within a year (366 days by default): older days are deleted in
 * small batches, each its own short transaction with the event loop free in between, like the
 * blocked-attempt pruner (src/store/log-pruner.ts), so a large backlog never stalls DNS.
 * `first_attempts` (one row per device and category) goes the same way for devices gone quiet:
 * a first attempt older than the retention whose device has no blocked attempt left in the log.
 */
import type Database from 'better-sqlite3';
import { localDateParts } from '../policy/local-time.js';
import type { Clock } from '../resolver/types.js';
import { createBatchPruner, type BatchPruner } from '../store/batch-pruner.js';

/** Dependencies of {@link createCounterPruner}. */
export interface CounterPrunerDeps {
  readonly db: Database.Database;
  readonly clock: Clock;
  /** IANA zone the days are local to (VIGIE_TZ). */
  readonly timeZone: string;
  /** Local days kept, today included in the count of days back. Default 366. */
  readonly retentionDays?: () => number;
  /** Rows per batch. Default 2,000. */
  readonly batchRows?: number;
  /** Between runs. Default one hour. */
  readonly intervalMs?: number;
  readonly onError?: (err: unknown) => void;
}

/** The counter pruner (see {@link BatchPruner}); a run's count covers both tables. */
export type CounterPruner = BatchPruner;

const DAY_MS = 86_400_000;

/** Default retention of the daily counters: a year (a leap year's worth). */
export const DEFAULT_COUNTER_RETENTION_DAYS = 366;

/**
 * `YYYY-MM-DD` of the local date `days` calendar days before the local date of `now`: rows with a
 * `day` before it are past the retention. Calendar arithmetic on the date, so DST never shifts it.
 */
export function counterCutoffDay(now: number, days: number, timeZone: string): string {
  const p = localDateParts(now, timeZone);
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day - days));
  return d.toISOString().slice(0, 10);
}

/** Creates the pruner (timers start with start()). */
export function createCounterPruner(deps: CounterPrunerDeps): CounterPruner {
  const retention = deps.retentionDays ?? (() => DEFAULT_COUNTER_RETENTION_DAYS);
  // The primary key (day, device) finds the oldest rows; the LIMIT keeps each batch short.
  const deleteBatch = deps.db.prepare(
    'DELETE FROM daily_counts WHERE (day, device) IN (SELECT day, device FROM daily_counts WHERE day < ? ORDER BY day LIMIT ?)',
  );
  // A small table (devices × categories); each row is one probe of the (device, time) index.
  const deleteFirsts = deps.db.prepare(
    'DELETE FROM first_attempts WHERE time < ? AND NOT EXISTS (SELECT 1 FROM blocked_attempts AS b WHERE b.device = first_attempts.device)',
  );
  return createBatchPruner({
    prune: async (deleteInBatches) => {
      const now = deps.clock();
      const firsts = deleteFirsts.run(now - retention() * DAY_MS).changes;
      return firsts + (await deleteInBatches(deleteBatch, counterCutoffDay(now, retention(), deps.timeZone)));
    },
    ...(deps.batchRows !== undefined ? { batchRows: deps.batchRows } : {}),
    ...(deps.intervalMs !== undefined ? { intervalMs: deps.intervalMs } : {}),
    ...(deps.onError ? { onError: deps.onError } : {}),
  });
}
