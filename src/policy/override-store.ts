/**
 * Temporary per-device overrides in config.db (`overrides`): "pause for 30 minutes" (reward time:
 * schedules and optional groups lifted, risky services still blocked), "turn everything off for
 * 30 minutes" or "block everything for 1 hour". One per device; each ends by itself at `until`
 * (the query path compares with the query's time, so no timer has to fire), and expired rows are
 * pruned on the next change.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { Clock } from '../resolver/types.js';
import type { Override } from './model.js';

const row = z.object({
  device_id: z.string(),
  kind: z.enum(['pause', 'block', 'off']),
  until: z.number().int(),
  created_at: z.number().int(),
});

/** Longest override a parent can set: one week. */
export const MAX_OVERRIDE_MINUTES = 7 * 24 * 60;

export interface OverrideStore {
  /** Overrides still in force at the store's clock. */
  list(): Override[];
  /** Sets (replaces) the device's override for `minutes` from now. */
  set(deviceId: string, kind: Override['kind'], minutes: number): Override;
  /** Ends the device's override now; false if it had none. */
  clear(deviceId: string): boolean;
}

/** Creates the store over an open, migrated config.db. */
export function createOverrideStore(deps: { db: Database.Database; clock?: Clock }): OverrideStore {
  const { db } = deps;
  const clock = deps.clock ?? Date.now;
  const prune = db.prepare('DELETE FROM overrides WHERE until <= ?');
  const upsert = db.prepare('INSERT INTO overrides (device_id, kind, until, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET kind = excluded.kind, until = excluded.until, created_at = excluded.created_at');
  return {
    list: () =>
      db.prepare('SELECT * FROM overrides WHERE until > ? ORDER BY until').all(clock()).map((value) => {
        const r = row.parse(value);
        return { deviceId: r.device_id, kind: r.kind, until: r.until, createdAt: r.created_at };
      }),
    set(deviceId, kind, minutes) {
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_OVERRIDE_MINUTES) {
        throw new AppError('VALIDATION', `minutes must be a whole number from 1 to ${MAX_OVERRIDE_MINUTES}`);
      }
      const now = clock();
      const until = now + minutes * 60_000;
      try {
        db.transaction(() => {
          prune.run(now);
          upsert.run(deviceId, kind, until, now);
        })();
      } catch (err) {
        if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new AppError('NOT_FOUND', `no device '${deviceId}'`, { cause: err });
        throw err;
      }
      return { deviceId, kind, until, createdAt: now };
    },
    clear(deviceId) {
      prune.run(clock());
      return db.prepare('DELETE FROM overrides WHERE device_id = ?').run(deviceId).changes > 0;
    },
  };
}
