/**
 * Keeps logs.db within its retention: blocked attempts, and the flood markers beside them, older
 * than the retention (90 days by default, changeable in the admin settings) are deleted in small
 * batches, each its own short
 * transaction with the event loop free in between, so pruning a large backlog never stalls DNS
 * (DESIGN §3: "retention pruned in small chunks").
 */
import type Database from 'better-sqlite3';
import type { Clock } from '../resolver/types.js';
import { createBatchPruner, type BatchPruner } from './batch-pruner.js';

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

/** The blocked-attempt pruner (see {@link BatchPruner}). */
export type LogPruner = BatchPruner;

const DAY_MS = 24 * 60 * 60_000;

/** Creates the pruner (timers start with start()). */
export function createLogPruner(deps: LogPrunerDeps): LogPruner {
  // The (time) index finds the oldest rows; deleting by rowid keeps each batch bounded.
  const deleteBatch = deps.db.prepare('DELETE FROM blocked_attempts WHERE id IN (SELECT id FROM blocked_attempts WHERE time < ? ORDER BY time LIMIT ?)');
  // Flood markers: one row per flooding source and minute, so few; same batches, same cutoff.
  const deleteFloods = deps.db.prepare('DELETE FROM blocked_floods WHERE (client, minute) IN (SELECT client, minute FROM blocked_floods WHERE last < ? LIMIT ?)');
  return createBatchPruner({
    prune: async (deleteInBatches) => {
      const cutoff = deps.clock() - deps.retentionDays() * DAY_MS;
      return (await deleteInBatches(deleteBatch, cutoff)) + (await deleteInBatches(deleteFloods, cutoff));
    },
    ...(deps.batchRows !== undefined ? { batchRows: deps.batchRows } : {}),
    ...(deps.intervalMs !== undefined ? { intervalMs: deps.intervalMs } : {}),
    ...(deps.onError ? { onError: deps.onError } : {}),
  });
}
