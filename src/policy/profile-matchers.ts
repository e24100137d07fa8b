/**
 * Which compiled lists a profile blocks with, and the matcher over them. A list is on when the
 * profile chose its category explicitly, else when its catalog entry is on in the profile's base
 * preset; lists outside the catalog (VIGIE_EXTRA_LISTS, subscriptions filed under a category of
 * their own) are on for every profile unless it switched their category off.
 */
import { createBlocklist, type Blocklist, type BlocklistList, type CustomRule } from '../blocklists/blocklist.js';
import type { CatalogEntry, LoadedCatalog } from '../blocklists/load-catalog.js';
import type { Profile, ProfileRule } from './model.js';

/** Whether `list` blocks for `profile` (see the file header), before any schedule window. */
export function isListOn(list: Pick<BlocklistList, 'id' | 'category'>, profile: Profile, catalog: readonly CatalogEntry[]): boolean {
  const explicit = profile.categories[list.category];
  if (explicit !== undefined) return explicit;
  const entry = catalog.find((e) => e.id === list.id);
  if (entry) return entry.defaultOn[profile.base];
  const sameCategory = catalog.filter((e) => e.category === list.category);
  if (sameCategory.length > 0) return sameCategory.some((e) => e.defaultOn[profile.base]);
  return true;
}

/** Every category a profile blocks with, before schedule windows (for people: `vigie profiles`). */
export function categoriesOn(profile: Profile, loaded: Pick<LoadedCatalog, 'compiled' | 'catalog'>): string[] {
  const on = new Set<string>();
  for (const list of loaded.compiled) if (isListOn(list, profile, loaded.catalog)) on.add(list.category);
  return [...on].sort();
}

/** Builds matchers for one profile: its own lists plus any extra categories a window switches on. */
export interface ProfileMatchers {
  /** The matcher with `extraCategories` also blocked; built once per distinct set, then reused. */
  matcherFor(extraCategories: readonly string[]): Blocklist;
}

/** Creates the memoized matcher builder for `profile` over the loaded lists and rules. */
export function createProfileMatchers(loaded: LoadedCatalog, profile: Profile, rules: readonly ProfileRule[]): ProfileMatchers {
  const own = (kind: 'allow' | 'block'): CustomRule[] => rules.filter((r) => r.kind === kind).map((r) => ({ name: r.name, subdomains: r.subdomains }));
  const customAllow = [...loaded.customAllow, ...own('allow')];
  const customBlock = [...loaded.customBlock, ...own('block')];
  const memo = new Map<string, Blocklist>();
  return {
    matcherFor(extraCategories) {
      const key = [...new Set(extraCategories)].sort().join(',');
      let matcher = memo.get(key);
      if (matcher === undefined) {
        const extra = new Set(extraCategories);
        const lists = loaded.compiled.filter((l) => extra.has(l.category) || isListOn(l, profile, loaded.catalog));
        matcher = createBlocklist(lists, { neverBlock: loaded.neverBlock, customAllow, customBlock });
        memo.set(key, matcher);
      }
      return matcher;
    },
  };
}
