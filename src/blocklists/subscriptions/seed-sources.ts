/**
 * Makes every shipped source of the catalog a subscription row (`source` = its list id) at start,
 * so the refresher keeps it fresh — unless the parents removed it: removals are remembered in
 * config.db `settings` (key `removed_sources`, a JSON array of list ids) and forgotten when they
 * subscribe to the same URL again.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { removeListFiles, subscriptionListsDir } from './list-files.js';
import { readShippedSources, sourceRefresherOptions, type ShippedSource } from './shipped-sources.js';
import { createSubscriptionStore, DEFAULT_SUBSCRIPTION_CATEGORIES, type Subscription } from './subscription-store.js';

const REMOVED_KEY = 'removed_sources';
const removedSchema = z.array(z.string().max(100)).max(1000);

/** The shipped sources the parents removed (list ids). Unreadable → none. */
export function readRemovedSources(db: Database.Database): string[] {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(REMOVED_KEY) as { value?: unknown } | undefined;
  if (typeof row?.value !== 'string') return [];
  try {
    const parsed = removedSchema.safeParse(JSON.parse(row.value));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

function writeRemoved(db: Database.Database, ids: readonly string[]): void {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(REMOVED_KEY, JSON.stringify([...new Set(ids)].sort()));
}

/**
 * A subscription row was removed by the parents (`vigie lists remove`, the admin page): when it
 * was a shipped source, remember it so the next start does not bring it back.
 */
export function noteSubscriptionRemoved(db: Database.Database, removed: Subscription): void {
  if (removed.source !== null) writeRemoved(db, [...readRemovedSources(db), removed.source]);
}

/**
 * The parents subscribed to `url`: when it is a shipped source's, forget its removal. Returns the
 * source (its id and category are what the new row should carry), or undefined.
 */
export function noteSourceSubscribed(db: Database.Database, source: ShippedSource | undefined): ShippedSource | undefined {
  if (source === undefined) return undefined;
  const removed = readRemovedSources(db);
  if (removed.includes(source.id)) writeRemoved(db, removed.filter((id) => id !== source.id));
  return source;
}

/** What {@link seedShippedSources} changed (list ids). */
export interface SeedResult {
  readonly added: string[];
  /** Rows the parents had subscribed to themselves, now marked as the source they are. */
  readonly adopted: string[];
  /** Rows of sources the catalog no longer ships (or whose URL moved): removed with their copy. */
  readonly dropped: string[];
}

/**
 * Brings the subscription rows in line with the catalog's shipped sources, in one transaction.
 * `sources` null (catalog unreadable) changes nothing. `listsDir` is `$dataDir/lists` (kept copies).
 */
export function seedShippedSources(deps: { db: Database.Database; sources: readonly ShippedSource[] | null; listsDir: string; clock?: () => number }): SeedResult {
  const result: SeedResult = { added: [], adopted: [], dropped: [] };
  const { db, sources } = deps;
  if (sources === null) return result;
  const categories = [...new Set([...DEFAULT_SUBSCRIPTION_CATEGORIES, ...sources.map((s) => s.category)])];
  const store = createSubscriptionStore({ db, categories, ...(deps.clock ? { clock: deps.clock } : {}) });
  const drop = (row: Subscription) => {
    store.remove(row.id);
    removeListFiles(deps.listsDir, row.id);
    result.dropped.push(row.source ?? row.id);
  };
  db.transaction(() => {
    const removed = new Set(readRemovedSources(db));
    const byId = new Map(sources.map((s) => [s.id, s]));
    for (const row of store.list()) {
      // A source the catalog dropped, or whose upstream moved (the copy is of another file).
      if (row.source !== null && byId.get(row.source)?.url !== row.url) drop(row);
    }
    for (const src of sources) {
      const rows = store.list();
      const mine = rows.find((r) => r.source === src.id);
      if (mine !== undefined) {
        if (mine.category !== src.category) store.setSource(mine.id, src.id, src.category);
        continue;
      }
      if (removed.has(src.id)) continue;
      const same = rows.find((r) => r.url === src.url);
      if (same !== undefined) {
        store.setSource(same.id, src.id, src.category);
        result.adopted.push(src.id);
      } else {
        store.add({ url: src.url, category: src.category, source: src.id });
        result.added.push(src.id);
      }
    }
  })();
  return result;
}

/**
 * At `vigie serve` start: reads the catalog's shipped sources and seeds their rows. Never throws
 * (a problem is logged; filtering starts anyway with the shipped snapshots). Returns the sources
 * and the refresher options that depend on them.
 */
export function seedAtStart(deps: { config: Config; db: Database.Database; clock: () => number; logger: { info(o: object, m: string): void; warn(o: object, m: string): void } }): { sources: ShippedSource[] | null; refresherOptions: ReturnType<typeof sourceRefresherOptions> } {
  const sources = readShippedSources(deps.config.listsDir);
  try {
    const seeded = seedShippedSources({ db: deps.db, sources, listsDir: subscriptionListsDir(deps.config.dataDir), clock: deps.clock });
    if (seeded.added.length + seeded.adopted.length + seeded.dropped.length > 0) deps.logger.info({ ...seeded }, 'shipped public lists: subscription rows updated');
  } catch (err) {
    deps.logger.warn({ err }, 'could not record the shipped public lists as subscriptions; their snapshots are used');
  }
  return { sources, refresherOptions: sourceRefresherOptions(sources) };
}
