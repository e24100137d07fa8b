/**
 * Flood markers (logs.db `blocked_floods`, written by the blocked-attempt log): a source whose
 * blocked attempts were not all logged because it sent more than its share of a flush window.
 * One row per source and minute; read back through zod for the report and the overview.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';

const rowSchema = z.object({
  client: z.string(),
  device: z.string(),
  first: z.number().int(),
  last: z.number().int(),
  dropped: z.number().int().min(0),
});

/** One source's flood over a span: attempts not logged between `first` and `last` (ms). */
export type FloodMarker = z.infer<typeof rowSchema>;

/**
 * Floods that overlap [from, to), one entry per source (its minutes added up), largest first;
 * at most `limit` sources.
 */
export function listFloods(db: Database.Database, range: { from: number; to: number; limit?: number }): FloodMarker[] {
  const rows = db.prepare(`SELECT client, max(device) AS device, min(first) AS first, max(last) AS last, sum(dropped) AS dropped
    FROM blocked_floods WHERE last >= ? AND first < ? GROUP BY client ORDER BY sum(dropped) DESC, client LIMIT ?`)
    .all(range.from, range.to, range.limit ?? 20);
  return rows.map((r) => rowSchema.parse(r));
}
