/**
 * Searching the blocked-attempt log for the admin page (activity, overview): filters by device,
 * category, a time range and a text in the name, newest first, one bounded page at a time with a
 * (time, id) cursor. Every value is a bound parameter; the text search is a LIKE with its own
 * wildcards escaped, so `%` and `_` typed by a parent match themselves.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { blockedAttemptRowSchema } from './blocked-attempts-query.js';

/** Most rows one call returns. */
export const MAX_SEARCH_LIMIT = 500;

/** Where the previous page stopped: rows strictly older than (time, id) come next. */
export interface SearchCursor {
  readonly time: number;
  readonly id: number;
}

/** Filters of {@link searchBlockedAttempts}; all optional. */
export interface BlockedAttemptsSearch {
  readonly device?: string;
  readonly category?: string;
  /** Inclusive lower bound, ms since the epoch. */
  readonly from?: number;
  /** Exclusive upper bound, ms since the epoch. */
  readonly to?: number;
  /** Text the name must contain (case-insensitive for ASCII, wildcards literal). */
  readonly text?: string;
  readonly before?: SearchCursor;
  /** 1..{@link MAX_SEARCH_LIMIT}; default 50. */
  readonly limit?: number;
}

const rowSchema = blockedAttemptRowSchema.extend({ id: z.number().int() });

/** One logged attempt with its row id (for the cursor). */
export type FoundAttempt = z.infer<typeof rowSchema>;

/** One page of results; `next` is the cursor of the following (older) page, null on the last. */
export interface SearchPage {
  readonly rows: FoundAttempt[];
  readonly next: SearchCursor | null;
}

/** Escapes LIKE wildcards (and the escape character itself) for `LIKE … ESCAPE '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * One page of blocked attempts, newest first (ties: last inserted first). Served by the
 * (device, time) index when a device is given, else by the (time) index; both end with the rowid,
 * so `ORDER BY time DESC, id DESC` and the cursor walk the index backwards without sorting.
 * Category and text are checked on the rows of that index range (the date range bounds it).
 * @throws RangeError when `limit` is not an integer in 1..500 or a bound is not a finite number.
 */
export function searchBlockedAttempts(db: Database.Database, search: BlockedAttemptsSearch = {}): SearchPage {
  const { limit = 50 } = search;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) throw new RangeError(`limit must be an integer in 1..${MAX_SEARCH_LIMIT}`);
  for (const n of [search.from, search.to, search.before?.time, search.before?.id]) {
    if (n !== undefined && !Number.isFinite(n)) throw new RangeError('time bounds must be finite numbers');
  }
  const where: string[] = [];
  const params: Record<string, string | number> = { limit: limit + 1 };
  if (search.device !== undefined) {
    where.push('device = @device');
    params.device = search.device;
  }
  if (search.category !== undefined) {
    where.push('category = @category');
    params.category = search.category;
  }
  if (search.from !== undefined) {
    where.push('time >= @from');
    params.from = search.from;
  }
  if (search.to !== undefined) {
    where.push('time < @to');
    params.to = search.to;
  }
  if (search.before !== undefined) {
    // `time <= @bt` is the index range; the OR only breaks ties within one millisecond.
    where.push('time <= @bt AND (time < @bt OR id < @bid)');
    params.bt = search.before.time;
    params.bid = search.before.id;
  }
  if (search.text !== undefined && search.text !== '') {
    where.push("name LIKE @text ESCAPE '\\'");
    params.text = `%${escapeLike(search.text)}%`;
  }
  const sql = `SELECT id, time, client, name, qtype, category, list, rule, device, profile FROM blocked_attempts
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY time DESC, id DESC LIMIT @limit`;
  const rows = z.array(rowSchema).parse(db.prepare(sql).all(params));
  if (rows.length <= limit) return { rows, next: null };
  const page = rows.slice(0, limit);
  const last = page[page.length - 1] as FoundAttempt;
  return { rows: page, next: { time: last.time, id: last.id } };
}

/** Blocked attempts per device in [from, to), most first (served by the (time) index). */
export function countBlockedByDevice(db: Database.Database, range: { from: number; to: number }): Array<{ device: string; count: number }> {
  const rows = db
    .prepare('SELECT device, COUNT(*) AS count FROM blocked_attempts WHERE time >= ? AND time < ? GROUP BY device ORDER BY count DESC, device')
    .all(range.from, range.to);
  return z.array(z.object({ device: z.string(), count: z.number().int() })).parse(rows);
}
