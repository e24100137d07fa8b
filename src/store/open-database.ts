import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Clock } from '../resolver/types.js';
import { runMigrations } from './migrations.js';
import { quarantineDatabaseFile } from './quarantine-database-file.js';
import { silentStoreLogger, type StoreLogger } from './store-logger.js';

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** Path of the log database, e.g. `data/logs.db`. Its directory is created if missing. */
  readonly file: string;
  readonly logger?: StoreLogger;
  /** Wall clock for the quarantine file name; defaults to `Date.now`. */
  readonly clock?: Clock;
  /**
   * How long a write waits for another connection's lock before SQLITE_BUSY. Every wait blocks
   * the event loop that answers DNS, so keep it short (Pi-hole FTL caps its busy wait at 1 s).
   * Default 1000 ms.
   */
  readonly busyTimeoutMs?: number;
  /** Size the `-wal` file is truncated back to after a checkpoint. Default 16 MiB. */
  readonly journalSizeLimitBytes?: number;
}

/** Raised internally when `PRAGMA quick_check` reports problems. */
class QuickCheckFailed extends Error {
  readonly code = 'SQLITE_CORRUPT_QUICK_CHECK';
}

/**
 * Opens (or creates) the blocked-attempt log database, ready to use:
 * - `journal_mode=WAL`, `synchronous=NORMAL` (a power cut may lose the last commits, an
 *   application crash loses none, and the file stays consistent), `busy_timeout`,
 *   `journal_size_limit`;
 * - `PRAGMA quick_check` first: a corrupt or non-SQLite file is renamed aside
 *   (`<file>.corrupt-<timestamp>`, with its `-wal`), a warning is logged and a fresh database is
 *   created. The log is never worth refusing to start for, and the evidence is never deleted;
 * - then the migrations (see migrations.ts).
 *
 * This recovery policy suits the log database only: a config database must be restored from a
 * backup instead, not replaced by an empty one.
 * @throws SchemaTooNewError if the file was written by a newer Vigie (the file is left as is).
 * @throws the underlying error for anything that is not corruption (permissions, I/O).
 */
export function openDatabase(options: OpenDatabaseOptions): Database.Database {
  const { file, logger = silentStoreLogger, clock = Date.now } = options;
  const busyTimeoutMs = options.busyTimeoutMs ?? 1000;
  mkdirSync(dirname(file), { recursive: true });
  try {
    checkExisting(file, busyTimeoutMs);
  } catch (err) {
    if (!isCorruption(err)) throw err;
    const movedTo = quarantineDatabaseFile(file, clock());
    logger.warn({ err, file, movedTo }, 'log database is corrupt: moved it aside and started a fresh one');
  }
  const db = openWal(file, busyTimeoutMs);
  try {
    db.pragma('synchronous = NORMAL');
    db.pragma(`journal_size_limit = ${options.journalSizeLimitBytes ?? 16 * 1024 * 1024}`);
    const result = runMigrations(db);
    if (result.applied.length > 0) {
      logger.info({ file, from: result.from, to: result.to }, 'log database migrated');
    }
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Runs `quick_check` on an existing file through a READ-ONLY connection: a read-write connection
 * would, on close, checkpoint and delete a `-wal` it could not use, destroying the evidence.
 */
function checkExisting(file: string, busyTimeoutMs: number): void {
  if (!existsSync(file)) return;
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
  try {
    const check: unknown = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new QuickCheckFailed(`quick_check: ${String(check).slice(0, 500)}`);
  } finally {
    db.close();
  }
}

/** Opens the file read-write and switches it to WAL; closes it again if that fails. */
function openWal(file: string, busyTimeoutMs: number): Database.Database {
  const db = new Database(file, { timeout: busyTimeoutMs });
  try {
    const mode: unknown = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`could not switch ${file} to WAL (journal_mode=${String(mode)})`);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** True for errors that mean "this file is damaged", as opposed to I/O or permission errors. */
function isCorruption(err: unknown): boolean {
  if (err instanceof QuickCheckFailed) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(code);
}
