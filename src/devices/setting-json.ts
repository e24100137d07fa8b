/**
 * A JSON value in config.db's `settings` table, written by the running server and read by the
 * admin page or `vigie doctor` (another process): read back through zod, null when absent or bad.
 */
import type Database from 'better-sqlite3';
import type { z } from 'zod';

/** Stores `value` as JSON under `key`. */
export function writeSettingJson(db: Database.Database, key: string, value: unknown): void {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value));
}

/** The value under `key` when it parses with `schema`, else null. */
export function readSettingJson<S extends z.ZodType>(db: Database.Database, key: string, schema: S): z.output<S> | null {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value?: unknown } | undefined;
  if (typeof row?.value !== 'string') return null;
  try {
    const parsed = schema.safeParse(JSON.parse(row.value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
