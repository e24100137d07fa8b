/**
 * What the policy commands (`vigie devices`, `profiles`, `schedules`, `pause`) share: config.db
 * opened for the command's duration, the mapping of errors to exit codes, comma lists, and the
 * category ids a parent may name.
 */
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { LoadedCatalog } from '../blocklists/load-catalog.js';
import { createSubscriptionStore } from '../blocklists/subscriptions/subscription-store.js';
import { loadConfig, type Config } from '../config.js';
import { isAppError } from '../errors.js';
import { CONFIG_DB_FILE, openConfigDatabase } from '../store/config-database.js';
import { escapeForTerminal } from './lists.js';

/** What a command body gets: the config, an open config.db, and the time it started. */
export interface ConfigCommandContext {
  readonly config: Config;
  readonly db: Database.Database;
  readonly now: number;
}

/**
 * Runs a command body and turns expected failures into a message and an exit code:
 * a bad option or AppError 'VALIDATION' → `vigie <command>: message` and 2 (the usage text too
 * for a bad option); 'NOT_FOUND' and 'CONFLICT' → 1. Anything else is rethrown (cli.ts reports it).
 */
export async function runCommand(command: string, usage: string, body: () => number | Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`vigie ${command}: ${(err as Error).message}\n\n${usage}`);
      return 2;
    }
    if (!isAppError(err) || !['VALIDATION', 'NOT_FOUND', 'CONFLICT'].includes(err.code)) throw err;
    process.stderr.write(`vigie ${command}: ${escapeForTerminal(err.message)}\n`);
    return err.code === 'VALIDATION' ? 2 : 1;
  }
}

/** Loads the config, opens config.db (created on first use), runs `body`, closes it. */
export async function withConfigDb<T>(body: (ctx: ConfigCommandContext) => T | Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = openConfigDatabase({ file: join(config.dataDir, CONFIG_DB_FILE) });
  try {
    return await body({ config, db, now: Date.now() });
  } finally {
    db.close();
  }
}

/** `a, b,c` → ['a', 'b', 'c'] (empty parts dropped). */
export function splitList(text: string | undefined): string[] {
  return (text ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** Category ids a parent may name: the catalog's, the loaded lists' and the subscriptions'. */
export function knownCategoryIds(loaded: Pick<LoadedCatalog, 'catalog' | 'compiled'>, db: Database.Database): string[] {
  const ids = new Set<string>();
  for (const entry of loaded.catalog) ids.add(entry.category);
  for (const list of loaded.compiled) ids.add(list.category);
  for (const sub of createSubscriptionStore({ db }).list()) ids.add(sub.category);
  return [...ids].sort();
}
