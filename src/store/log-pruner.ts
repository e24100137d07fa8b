/**
 * Keeps logs.db within its retention: blocked attempts older than the retention (90 days by
 * default, changeable in the admin settings) are deleted in small batches, each its own short
 * transaction with the event loop free in between, so pruning a large backlog never stalls DNS
 * (DESIGN §3: "retention pruned in small chunks").
 */
import type Database from 'better-sqlite3';
import type { Clock } from '../resolver/types.js';

export interface LogPrunerDeps {
  readonly db: Database.Database;
  readonly clock: Clock;
  /** Days to keep, read at each run (the parents may change it). */
  readonly retentionDays: () => number;
  /** Rows per batch. Default 2,000 (a few ms each). */
  readonly batchRows?: number;
  /** Between runs. Default one hour. */
  readonly intervalMs?: number;
  readonly onError?: (err: unknown) => void;
}

export interface LogPruner {
  /** Prunes everything past the retention now, batch by batch; resolves with the rows deleted. */
  run(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60_000;

/** Creates the pruner (timers start with start()). */
export function createLogPruner(deps: LogPrunerDeps): LogPruner {
  const batch = deps.batchRows ?? 2_000;
  // The (time) index finds the oldest rows; deleting by rowid keeps each batch bounded.
  const deleteBatch = deps.db.prepare('DELETE FROM blocked_attempts WHERE id IN (SELECT id FROM blocked_attempts WHERE time < ? ORDER BY time LIMIT ?)');
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  let stopped = false;

  const prune = async (): Promise<number> => {
    const cutoff = deps.clock() - deps.retentionDays() * DAY_MS;
    let total = 0;
    for (;;) {
      if (stopped) return total;
      const { changes } = deleteBatch.run(cutoff, batch);
      total += changes;
      if (changes < batch) return total;
      await new Promise((resolve) => setImmediate(resolve)); // let DNS answers through
    }
  };
  const run = (): Promise<number> => {
    running ??= prune()
      .catch((err: unknown) => {
        deps.onError?.(err);
        return 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  return {
    run,
    start() {
      if (timer !== null) return;
      stopped = false;
      timer = setInterval(() => void run(), deps.intervalMs ?? 60 * 60_000);
      timer.unref();
      void run();
    },
    async stop() {
      stopped = true;
      if (timer !== null) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
