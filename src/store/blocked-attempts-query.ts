import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { BlockedAttempt } from './blocked-log.js';

/** Filters of {@link listBlockedAttempts}. */
export interface BlockedAttemptsQuery {
  /** Maximum rows, 1..10,000; default 50. */
  readonly limit?: number;
  /** Only this client address. */
  readonly client?: string;
  /** Only this device id. */
  readonly device?: string;
  /** Only attempts at or after this time (ms since the epoch). */
  readonly since?: number;
}

/** Upper bound on `limit`: one call must stay a short, bounded read. */
export const MAX_BLOCKED_ATTEMPTS_LIMIT = 10_000;

/** A `blocked_attempts` row as read back (without its id). */
export const blockedAttemptRowSchema = z.object({
  time: z.number().int(),
  client: z.string(),
  name: z.string(),
  qtype: z.string(),
  category: z.string(),
  list: z.string(),
  rule: z.string(),
  device: z.string(),
  profile: z.string(),
});
const rowsSchema = z.array(blockedAttemptRowSchema);

/**
 * Lists logged blocked attempts, newest first (ties: last inserted first), optionally for one
 * client and/or since a time. Rows are validated with zod: a row that does not match the schema
 * throws rather than reaching the page.
 * @throws RangeError if `limit` is not an integer in 1..10,000 or `since` is not a finite number.
 */
export function listBlockedAttempts(
  db: Database.Database,
  query: BlockedAttemptsQuery = {},
): BlockedAttempt[] {
  const { limit = 50, client, device, since } = query;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_BLOCKED_ATTEMPTS_LIMIT) {
    throw new RangeError(`limit must be an integer in 1..${MAX_BLOCKED_ATTEMPTS_LIMIT}`);
  }
  if (since !== undefined && !Number.isFinite(since)) throw new RangeError('since must be a finite number');
  const where: string[] = [];
  const params: Record<string, string | number> = { limit };
  if (client !== undefined) {
    where.push('client = @client');
    params.client = client;
  }
  if (device !== undefined) {
    where.push('device = @device');
    params.device = device;
  }
  if (since !== undefined) {
    where.push('time >= @since');
    params.since = since;
  }
  // Both filters are served by the (client, time) or (time) index; ORDER BY time DESC walks it backwards.
  const sql = `SELECT time, client, name, qtype, category, list, rule, device, profile FROM blocked_attempts
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY time DESC, id DESC LIMIT @limit`;
  return rowsSchema.parse(db.prepare(sql).all(params));
}
