/**
 * Which compiled lists a profile blocks with, and the matcher over them. A list is on when the
 * profile chose its category explicitly, else when its catalog entry is on in the profile's base
 * preset; lists outside the catalog (VIGIE_EXTRA_LISTS, subscriptions filed under a category of
 * their own) are on for every profile unless it switched their category off.
 *
 * Services refine categories: a service the profile blocks is blocked as a whole (its own list)
 * even when its category is off; a service it allows has every domain allowed, even when its
 * category or a downloaded source would block it. A device's own rules (allow or block a service
 * or a name) are added on top for that device only.
 */
import { createBlocklist, type Blocklist, type BlocklistList, type CustomRule } from '../blocklists/blocklist.js';
import { protectiveCategories } from '../blocklists/catalog-schema.js';
import type { CatalogEntry, LoadedCatalog } from '../blocklists/load-catalog.js';
import type { DeviceRule, Profile, ProfileRule } from './model.js';

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

/** Whether `serviceId` is blocked for `profile` before windows: its explicit choice, else its category's. */
export function isServiceOn(serviceId: string, profile: Profile, loaded: Pick<LoadedCatalog, 'compiled' | 'catalog' | 'services'>): boolean {
  const explicit = profile.services[serviceId];
  if (explicit !== undefined) return explicit;
  const service = loaded.services.get(serviceId);
  if (service === undefined) return false;
  return loaded.compiled.some((l) => l.category === service.category && isListOn(l, profile, loaded.catalog));
}

/** Where an allow rule comes from, for explanations (`vigie check --client`). */
export interface AllowOrigin {
  readonly scope: 'device' | 'profile' | 'everyone';
  /** The service allowed as a whole, when the rule is one of its domains. */
  readonly service?: string;
  readonly rule: CustomRule;
}

/** Builds matchers for one profile: its own lists plus any extra categories a window switches on. */
export interface ProfileMatchers {
  /** The matcher with `extra` categories or services also blocked; built once per distinct set. */
  matcherFor(extra: readonly string[]): Blocklist;
  /** The matcher of a pause (reward time): only protective categories and their services. */
  paused(): Blocklist;
  /** Every allow rule in force, most specific scope first (device, profile, everyone). */
  readonly allowOrigins: readonly AllowOrigin[];
}

const toRule = (r: { name: string; subdomains: boolean }): CustomRule => ({ name: r.name, subdomains: r.subdomains });

/** Creates the memoized matcher builder for `profile` over the loaded lists and rules. */
export function createProfileMatchers(loaded: LoadedCatalog, profile: Profile, rules: readonly ProfileRule[], deviceRules: readonly DeviceRule[] = []): ProfileMatchers {
  const { services } = loaded;
  const serviceChoice = (id: string): boolean | undefined => {
    const own = deviceRules.find((r) => r.targetType === 'service' && r.target === id);
    return own !== undefined ? own.kind === 'block' : profile.services[id];
  };
  const origins: AllowOrigin[] = [];
  const addAllow = (scope: AllowOrigin['scope'], rule: CustomRule, service?: string): void => {
    origins.push(service === undefined ? { scope, rule } : { scope, rule, service });
  };
  for (const r of deviceRules) {
    if (r.kind !== 'allow') continue;
    if (r.targetType === 'service') for (const rule of services.rulesOf(r.target)) addAllow('device', rule, r.target);
    else addAllow('device', toRule({ name: r.target, subdomains: r.subdomains }));
  }
  for (const [id, blocked] of Object.entries(profile.services)) {
    if (!blocked && serviceChoice(id) === false) for (const rule of services.rulesOf(id)) addAllow('profile', rule, id);
  }
  for (const r of rules) if (r.kind === 'allow') addAllow('profile', toRule(r));
  for (const r of loaded.customAllow) addAllow('everyone', toRule(r));
  const customAllow = origins.map((o) => o.rule);
  const customBlock = [
    ...loaded.customBlock,
    ...rules.filter((r) => r.kind === 'block').map(toRule),
    ...deviceRules.filter((r) => r.kind === 'block' && r.targetType === 'name').map((r) => toRule({ name: r.target, subdomains: r.subdomains })),
  ];
  const blockedServices = services.services.filter((s) => serviceChoice(s.id) === true).map((s) => s.id);
  const serviceList = (id: string): BlocklistList[] => services.lists.filter((l) => l.id === `service:${id}`);

  const memo = new Map<string, Blocklist>();
  let pausedMatcher: Blocklist | null = null;
  return {
    allowOrigins: origins,
    matcherFor(extra) {
      const key = [...new Set(extra)].sort().join(',');
      let matcher = memo.get(key);
      if (matcher === undefined) {
        const wanted = new Set(extra);
        const lists = [
          ...loaded.compiled.filter((l) => wanted.has(l.category) || isListOn(l, profile, loaded.catalog)),
          ...[...new Set([...blockedServices, ...extra.filter((id) => services.get(id) !== undefined)])].flatMap(serviceList),
        ];
        matcher = createBlocklist(lists, { neverBlock: loaded.neverBlock, customAllow, customBlock });
        memo.set(key, matcher);
      }
      return matcher;
    },
    paused() {
      if (pausedMatcher === null) {
        const protective = protectiveCategories(loaded.catalog);
        const lists = [
          ...loaded.compiled.filter((l) => protective.has(l.category) && isListOn(l, profile, loaded.catalog)),
          ...blockedServices.filter((id) => protective.has(services.get(id)?.category ?? '')).flatMap(serviceList),
        ];
        pausedMatcher = createBlocklist(lists, { neverBlock: loaded.neverBlock, customAllow });
      }
      return pausedMatcher;
    },
  };
}
