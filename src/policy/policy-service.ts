/**
 * Owns the live policy: loads the lists and the parents' settings, builds the snapshot, and
 * rebuilds it on every change (build then swap; the old one stays if a build fails). One rebuild
 * at a time; a change during a rebuild triggers exactly one more.
 */
import type Database from 'better-sqlite3';
import { loadBlocklist } from '../blocklists/load-blocklist.js';
import type { CompiledListCache, LoadedCatalog } from '../blocklists/load-catalog.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Clock } from '../resolver/types.js';
import { buildPolicySnapshot, type BuiltPolicy } from './build-snapshot.js';
import { readPolicyInputs } from './read-policy.js';
import { createPolicyHolder, type PolicyHolder } from './snapshot.js';

export interface PolicyService {
  readonly holder: PolicyHolder;
  /** The lists as last loaded. */
  readonly catalog: LoadedCatalog;
  /** The snapshot in force, with what explanations need. */
  readonly built: BuiltPolicy;
  /** Rebuilds from the lists and config.db and swaps; resolves when done (never rejects). */
  reload(): Promise<void>;
  /** Resolves when no rebuild is running. */
  idle(): Promise<void>;
}

export interface PolicyServiceDeps {
  readonly config: Config;
  readonly db: Database.Database | null;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called after each successful rebuild and swap (e.g. to apply changed upstreams). */
  readonly onRebuilt?: () => void;
}

/** Loads everything once, then returns the service (rejects if the first load fails). */
export async function createPolicyService(deps: PolicyServiceDeps): Promise<PolicyService> {
  const { config, db, clock, logger } = deps;
  // Compiled lists are kept between reloads and reused while their file is unchanged, so a
  // profile or device edit does not recompile (nor briefly hold twice) a 1M-line list.
  const compiledCache: CompiledListCache = new Map();
  const build = async (): Promise<{ catalog: LoadedCatalog; built: BuiltPolicy }> => {
    const catalog = await loadBlocklist(config, db, compiledCache);
    const built = buildPolicySnapshot(readPolicyInputs({ config, db, loaded: catalog, clock }));
    return { catalog, built };
  };
  let current = await build();
  reportLists(current.catalog, logger);
  const holder = createPolicyHolder(current.built);

  let running: Promise<void> | null = null;
  let again = false;
  const reload = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          const next = await build();
          holder.swap(next.built);
          current = next;
          reportLists(next.catalog, logger);
          deps.onRebuilt?.();
        } catch (err) {
          logger.error({ err }, 'rebuilding the policy failed: the previous lists and settings stay in force');
        }
      } while (again);
    })().finally(() => {
      running = null;
    });
    return running;
  };
  return {
    holder,
    get catalog() {
      return current.catalog;
    },
    get built() {
      return current.built;
    },
    reload,
    idle: async () => {
      await running;
    },
  };
}

function reportLists(catalog: LoadedCatalog, log: Logger): void {
  for (const list of catalog.lists) {
    if (list.issues.length > 0) {
      log.warn({ list: list.id, issues: list.issues.length, first: list.issues.slice(0, 3) }, 'list has lines that were skipped');
    }
  }
  log.info({ rules: catalog.blocklist.size, lists: catalog.lists.map((l) => `${l.id}:${l.entries}`) }, 'lists loaded');
}
