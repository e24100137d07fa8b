/**
 * The activity filters as typed in the page's form or an API query string: zod schema, and the
 * translation of local dates (VIGIE_TZ) into the log's epoch-ms bounds.
 */
import { z } from 'zod';
import { addLocalDays, localDateParts, startOfLocalDay } from '../../policy/local-time.js';
import { MAX_SEARCH_LIMIT, type BlockedAttemptsSearch, type SearchCursor } from '../../store/blocked-attempts-search.js';

const MS_PER_DAY = 86_400_000;

function isCalendarDate(text: string): boolean {
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d && y >= 2000 && y <= 2999;
}

/** A local calendar date `YYYY-MM-DD`. */
export const localDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date written YYYY-MM-DD' })
  .refine(isCalendarDate, { error: 'is not a calendar date' });

/** Query of GET /activity and GET /api/activity (empty fields are dropped first: see {@link dropEmpty}). */
export const activityQuerySchema = z
  .object({
    device: z.string().max(200).optional().describe('Device id (mac:… or ip:…)'),
    category: z.string().regex(/^[a-z0-9-]{1,60}$/, { error: 'must be a category id' }).optional(),
    from: localDateSchema.optional().describe('First local day (VIGIE_TZ), inclusive'),
    to: localDateSchema.optional().describe('Last local day (VIGIE_TZ), inclusive'),
    q: z.string().max(253, { error: 'at most 253 characters' }).optional().describe('Text the name contains (wildcards are literal)'),
    before: z.string().regex(/^\d{1,15}:\d{1,15}$/, { error: 'must be a cursor returned as `next`' }).optional().describe('Cursor of the next (older) page: `next` of the previous answer'),
    limit: z.coerce.number().int().min(1).max(MAX_SEARCH_LIMIT).default(50),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { path: ['to'], error: 'must not be before the first day' });

export type ActivityQuery = z.output<typeof activityQuerySchema>;

/** A form or query string with its empty fields removed (an empty select means "all"). */
export function dropEmpty(query: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof query !== 'object' || query === null) return out;
  for (const [key, value] of Object.entries(query)) if (value !== '' && value !== undefined) out[key] = value;
  return out;
}

/** Epoch ms of local midnight (VIGIE_TZ) starting the calendar date `YYYY-MM-DD`. */
export function localDayStart(date: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = Date.UTC(y, m - 1, d);
  // Noon UTC is on the same local date in most zones; the correction covers the ±13/14 h ones.
  const start = startOfLocalDay(target + MS_PER_DAY / 2, timeZone);
  const p = localDateParts(start, timeZone);
  const diff = Math.round((target - Date.UTC(p.year, p.month - 1, p.day)) / MS_PER_DAY);
  return diff === 0 ? start : addLocalDays(start, diff, timeZone);
}

/** The local date `YYYY-MM-DD` (VIGIE_TZ) of an instant. */
export function localDateText(ms: number, timeZone: string): string {
  const p = localDateParts(ms, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Cursor text `time:id` ↔ cursor. */
export function cursorText(cursor: SearchCursor): string {
  return `${cursor.time}:${cursor.id}`;
}

/** The store search for validated filters: local days become [midnight, next midnight). */
export function toSearch(query: ActivityQuery, timeZone: string): BlockedAttemptsSearch {
  const [bt, bid] = query.before?.split(':').map(Number) ?? [];
  return {
    limit: query.limit,
    ...(query.device !== undefined ? { device: query.device } : {}),
    ...(query.category !== undefined ? { category: query.category } : {}),
    ...(query.q !== undefined ? { text: query.q } : {}),
    ...(query.from !== undefined ? { from: localDayStart(query.from, timeZone) } : {}),
    ...(query.to !== undefined ? { to: addLocalDays(localDayStart(query.to, timeZone), 1, timeZone) } : {}),
    ...(bt !== undefined && bid !== undefined ? { before: { time: bt, id: bid } } : {}),
  };
}
