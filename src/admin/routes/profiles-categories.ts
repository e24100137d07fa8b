/**
 * The categories a profile page offers: the catalog's, grouped by category (a category may hold
 * several catalog entries, e.g. `bypass`), then those of lists outside the catalog (extra lists,
 * subscriptions). For each: its title and description in the page language, whether it is blocked
 * now, the parent's explicit choice and what the base preset would do.
 */
import type Database from 'better-sqlite3';
import type { LoadedCatalog } from '../../blocklists/load-catalog.js';
import { createSubscriptionStore } from '../../blocklists/subscriptions/subscription-store.js';
import type { Profile } from '../../policy/model.js';
import { categoriesOn, isListOn } from '../../policy/profile-matchers.js';
import type { Lang } from '../page/i18n.js';
import type { ServiceChoice, ServiceGroup } from '../views/profiles-services.js';

/** One category as a profile page shows it. */
export interface CategoryChoice {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** false for a category only lists outside the catalog use. */
  readonly inCatalog: boolean;
  /** Blocked for this profile now (before schedule windows). */
  readonly blocked: boolean;
  /** The parent's explicit choice, or null when the preset decides. */
  readonly explicit: boolean | null;
  /** What the profile's base preset does with it. */
  readonly presetDefault: boolean;
}

/** Every category id a parent may name: the catalog's, the loaded lists' and the subscriptions'. */
export function knownCategoryIds(loaded: Pick<LoadedCatalog, 'catalog' | 'compiled'>, db: Database.Database): string[] {
  const ids = new Set<string>();
  for (const entry of loaded.catalog) ids.add(entry.category);
  for (const list of loaded.compiled) ids.add(list.category);
  for (const sub of createSubscriptionStore({ db }).list()) ids.add(sub.category);
  return [...ids];
}

/** Whether `category` is blocked for `profile` (the rule of isListOn, at category level). */
function categoryOn(category: string, profile: Profile, loaded: Pick<LoadedCatalog, 'catalog'>): boolean {
  // A list id no catalog entry has: the decision falls to the category's entries, else on.
  return isListOn({ id: '\u0000', category }, profile, loaded.catalog);
}

/** The categories of the profile page, catalog first (in catalog order), then the others by id. */
export function profileCategories(profile: Profile, loaded: Pick<LoadedCatalog, 'catalog' | 'compiled'>, db: Database.Database, lang: Lang): CategoryChoice[] {
  const presetOnly: Profile = { ...profile, categories: {} };
  const choice = (id: string, title: string, description: string, inCatalog: boolean): CategoryChoice => ({
    id, title, description, inCatalog,
    blocked: categoryOn(id, profile, loaded),
    explicit: profile.categories[id] ?? null,
    presetDefault: categoryOn(id, presetOnly, loaded),
  });
  const groups = new Map<string, Array<(typeof loaded.catalog)[number]>>();
  for (const entry of loaded.catalog) groups.set(entry.category, [...(groups.get(entry.category) ?? []), entry]);
  const fromCatalog = [...groups].map(([id, entries]) =>
    choice(id, entries[0]!.title[lang], entries.map((e) => e.description[lang]).join(' '), true));
  const others = knownCategoryIds(loaded, db).filter((id) => !groups.has(id)).sort().map((id) => choice(id, id, '', false));
  return [...fromCatalog, ...others];
}

/** The catalog's services grouped by category (groups by title, services by name), with what the profile does with each. */
export function serviceGroups(profile: Profile, loaded: Pick<LoadedCatalog, 'catalog' | 'compiled' | 'services'>, lang: Lang): ServiceGroup[] {
  const on = new Set(categoriesOn(profile, loaded));
  const byCategory = new Map<string, ServiceChoice[]>();
  for (const service of [...loaded.services.services].sort((a, b) => a.name[lang].localeCompare(b.name[lang], lang))) {
    const list = byCategory.get(service.category) ?? [];
    list.push({ service, explicit: profile.services[service.id] ?? null, categoryBlocked: on.has(service.category) });
    byCategory.set(service.category, list);
  }
  return [...byCategory].map(([category, services]) => ({ title: categoryTitle(category, loaded, lang), services })).sort((a, b) => a.title.localeCompare(b.title, lang));
}

/** The localized title of a category id (the catalog's first entry of it), else the id. */
export function categoryTitle(id: string, loaded: Pick<LoadedCatalog, 'catalog'>, lang: Lang): string {
  return loaded.catalog.find((e) => e.category === id)?.title[lang] ?? id;
}
