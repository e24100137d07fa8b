/**
 * The shape every retention pruner shares: a periodic run that deletes in small batches, each its
 * own short transaction, with the event loop free in between (DESIGN §3), one run at a time,
 * errors reported and never thrown. The pruners (log-pruner.ts, report/prune-counters.ts) only
 * say what one run deletes.
 */
import type Database from 'better-sqlite3';

/** A pruner service: `run` now, or every `intervalMs` between start() and stop(). */
export interface BatchPruner {
  /** Runs once now (joins a run under way); resolves with the rows deleted, 0 after an error. */
  run(): Promise<number>;
  start(): void;
  /** Stops the timer; a run under way stops after its current batch. */
  stop(): Promise<void>;
}

/** What one run does, given `deleteInBatches` bound to this pruner's stop flag. */
export type PruneRun = (deleteInBatches: (statement: Database.Statement, ...args: unknown[]) => Promise<number>) => Promise<number>;

/**
 * Creates the service. `deleteInBatches(stmt, ...args)` runs `stmt` with `...args, batchRows`
 * (its last parameter is the batch size) until a batch deletes fewer rows, yielding to the event
 * loop between batches.
 */
export function createBatchPruner(opts: { prune: PruneRun; batchRows?: number; intervalMs?: number; onError?: (err: unknown) => void }): BatchPruner {
  const batch = opts.batchRows ?? 2_000;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  let stopped = false;

  const deleteInBatches = async (statement: Database.Statement, ...args: unknown[]): Promise<number> => {
    let total = 0;
    for (;;) {
      if (stopped) return total;
      const { changes } = statement.run(...args, batch);
      total += changes;
      if (changes < batch) return total;
      await new Promise((resolve) => setImmediate(resolve)); // let DNS answers through
    }
  };
  const run = (): Promise<number> => {
    running ??= opts.prune(deleteInBatches)
      .catch((err: unknown) => {
        opts.onError?.(err);
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
      timer = setInterval(() => void run(), opts.intervalMs ?? 60 * 60_000);
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
