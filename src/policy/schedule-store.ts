/**
 * Schedule windows in config.db (`schedules`), per profile. Rows are read back through zod; the
 * day set is stored as a 7-bit mask (bit 0 = Monday).
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { SCHEDULE_MODES, type ScheduleWindow } from './model.js';
import { daysToMask, maskToDays } from './schedule.js';

const jsonStrings = z.string().transform((text, ctx) => {
  try {
    return z.array(z.string()).parse(JSON.parse(text));
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not a JSON array of strings' });
    return z.NEVER;
  }
});

const row = z.object({
  id: z.number().int(),
  profile_id: z.string(),
  label: z.string(),
  days: z.number().int().min(1).max(127),
  start_min: z.number().int().min(0).max(1439),
  end_min: z.number().int().min(0).max(1439),
  mode: z.enum(SCHEDULE_MODES),
  categories: jsonStrings,
  allow: jsonStrings,
  enabled: z.union([z.literal(0), z.literal(1)]),
});

/** A window as written (no id yet). */
export type NewScheduleWindow = Omit<ScheduleWindow, 'id'>;

export interface ScheduleStore {
  /** Every window, or one profile's, in id order. */
  list(profileId?: string): ScheduleWindow[];
  get(id: number): ScheduleWindow | null;
  add(window: NewScheduleWindow): ScheduleWindow;
  /** Replaces a window's fields (not its id). */
  replace(id: number, window: NewScheduleWindow): ScheduleWindow;
  setEnabled(id: number, enabled: boolean): ScheduleWindow;
  remove(id: number): boolean;
}

function toWindow(value: unknown): ScheduleWindow {
  const r = row.parse(value);
  return {
    id: r.id, profileId: r.profile_id, label: r.label, days: maskToDays(r.days), start: r.start_min, end: r.end_min,
    mode: r.mode, categories: r.categories, allow: r.allow, enabled: r.enabled === 1,
  };
}

/** Creates the store over an open, migrated config.db. */
export function createScheduleStore(deps: { db: Database.Database }): ScheduleStore {
  const { db } = deps;
  const insert = db.prepare('INSERT INTO schedules (profile_id, label, days, start_min, end_min, mode, categories, allow, enabled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const update = db.prepare('UPDATE schedules SET profile_id = ?, label = ?, days = ?, start_min = ?, end_min = ?, mode = ?, categories = ?, allow = ?, enabled = ? WHERE id = ?');
  const selectOne = db.prepare('SELECT * FROM schedules WHERE id = ?');
  const values = (w: NewScheduleWindow): unknown[] => [
    w.profileId, w.label, daysToMask(w.days), w.start, w.end, w.mode, JSON.stringify(w.categories), JSON.stringify(w.allow), w.enabled ? 1 : 0,
  ];
  const get = (id: number): ScheduleWindow | null => {
    const found = selectOne.get(id);
    return found === undefined ? null : toWindow(found);
  };
  const must = (id: number): ScheduleWindow => get(id) ?? (() => { throw new AppError('NOT_FOUND', `no schedule window ${id}`); })();
  const guard = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new AppError('NOT_FOUND', 'no such profile', { cause: err });
      throw err;
    }
  };
  return {
    list(profileId) {
      const rows = profileId === undefined
        ? db.prepare('SELECT * FROM schedules ORDER BY id').all()
        : db.prepare('SELECT * FROM schedules WHERE profile_id = ? ORDER BY id').all(profileId);
      return rows.map(toWindow);
    },
    get,
    add(window) {
      const info = guard(() => insert.run(...values(window)));
      return must(Number(info.lastInsertRowid));
    },
    replace(id, window) {
      must(id);
      guard(() => update.run(...values(window), id));
      return must(id);
    },
    setEnabled(id, enabled) {
      const current = must(id);
      update.run(...values({ ...current, enabled }), id);
      return must(id);
    },
    remove: (id) => db.prepare('DELETE FROM schedules WHERE id = ?').run(id).changes > 0,
  };
}
