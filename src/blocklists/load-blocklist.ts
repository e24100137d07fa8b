/**
 * Everything that decides what is blocked, read in one place for the server and `vigie check`:
 * the shipped catalog (child preset), local list files (VIGIE_EXTRA_LISTS), the kept copies of the
 * parents' subscriptions and their custom allow/block rules (config.db).
 */
import { existsSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { Config } from '../config.js';
import { createCustomRulesStore } from './custom-rules.js';
import { loadCatalog, type CompiledListCache, type ExtraList, type LoadedCatalog } from './load-catalog.js';
import { lastGoodListPath, subscriptionListsDir } from './subscriptions/list-files.js';
import { createSubscriptionStore } from './subscriptions/subscription-store.js';

/** The list id a subscription's rules carry in decisions and the blocked-attempt log. */
export function subscriptionListId(id: string): string {
  return `subscription-${id}`;
}

/**
 * Loads and compiles every source. `configDb` may be null (config.db unreadable): the shipped
 * lists still load, so filtering never stops because the parents' settings could not be read.
 */
export async function loadBlocklist(config: Config, configDb: Database.Database | null, compiledCache?: CompiledListCache): Promise<LoadedCatalog> {
  const extraLists: ExtraList[] = config.extraLists.map((path) => ({ path }));
  if (configDb === null) return loadCatalog(config.listsDir, { extraLists, ...(compiledCache ? { compiledCache } : {}) });
  const listsDir = subscriptionListsDir(config.dataDir);
  const sourceCopies = new Map<string, string>();
  for (const sub of createSubscriptionStore({ db: configDb }).list()) {
    const file = lastGoodListPath(listsDir, sub.id);
    // Not downloaded yet (or removed meanwhile): nothing to load; the refresher will fetch it.
    if (!sub.enabled || !existsSync(file)) continue;
    // A shipped source's fresh copy replaces its snapshot (same list id, category and filters).
    if (sub.source !== null) sourceCopies.set(sub.source, file);
    else extraLists.push({ path: file, id: subscriptionListId(sub.id), category: sub.category });
  }
  const rules = createCustomRulesStore({ db: configDb }).list();
  return loadCatalog(config.listsDir, {
    extraLists,
    customAllow: rules.filter((r) => r.kind === 'allow'),
    customBlock: rules.filter((r) => r.kind === 'block'),
    sourceCopies,
    ...(compiledCache ? { compiledCache } : {}),
  });
}
