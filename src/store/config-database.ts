import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../errors.js';
import { configMigrations } from './config-migrations.js';
import { runMigrations } from './migrations.js';
import { silentStoreLogger, type StoreLogger } from './store-logger.js';

/** Name of the settings database inside the data directory. */
export const CONFIG_DB_FILE = 'config.db';

/** Options of {@link openConfigDatabase}. */
export interface OpenConfigDatabaseOptions {
  /** Path of the settings database, e.g. `data/config.db`. Its directory is created if missing. */
  readonly file: string;
  readonly logger?: StoreLogger;
  /** How long a write waits for another connection's lock (e.g. the CLI while serve runs). Default 2000 ms. */
  readonly busyTimeoutMs?: number;
}

/**
 * Opens (or creates) the small settings database (`config.db`): subscriptions today, devices and
 * profiles later. `journal_mode=WAL` so `vigie serve` and the CLI can use it at the same time, and
 * `synchronous=FULL`: these are rare, parent-made changes that must survive a power cut (G10).
 * Then its own numbered migrations (config-migrations.ts).
 *
 * Unlike the log database, a damaged file is NEVER replaced by an empty one (that would silently
 * drop the parents' settings): it is reported as `AppError('CONFIG_DB_CORRUPT')` and left in place
 * for a restore from backup.
 * @throws AppError `CONFIG_DB_CORRUPT` if the file fails `quick_check` or is not SQLite.
 * @throws SchemaTooNewError if the file was written by a newer Vigie.
 */
export function openConfigDatabase(options: OpenConfigDatabaseOptions): Database.Database {
  const { file, logger = silentStoreLogger } = options;
  const timeout = options.busyTimeoutMs ?? 2000;
  mkdirSync(dirname(file), { recursive: true });
  const existed = existsSync(file);
  let db: Database.Database;
  try {
    db = new Database(file, { timeout });
  } catch (err) {
    throw corrupt(file, err);
  }
  try {
    if (existed) quickCheck(db, file);
    const mode: unknown = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`could not switch ${file} to WAL (journal_mode=${String(mode)})`);
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const result = runMigrations(db, configMigrations);
    if (result.applied.length > 0) logger.info({ file, from: result.from, to: result.to }, 'config database migrated');
    return db;
  } catch (err) {
    db.close();
    throw isCorruption(err) ? corrupt(file, err) : err;
  }
}

function quickCheck(db: Database.Database, file: string): void {
  const check: unknown = db.pragma('quick_check', { simple: true });
  if (check !== 'ok') throw corrupt(file, new Error(`quick_check: ${String(check).slice(0, 500)}`));
}

function corrupt(file: string, cause: unknown): AppError {
  if (cause instanceof AppError) return cause;
  return new AppError('CONFIG_DB_CORRUPT', `the settings database ${file} is damaged; restore it from a backup (${(cause as Error).message})`, { cause });
}

function isCorruption(err: unknown): boolean {
  if (err instanceof AppError && err.code === 'CONFIG_DB_CORRUPT') return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(code);
}
