/**
 * What the lists page and API read and change: the catalog by category (with the profiles that
 * block each one), suggested and current subscriptions, and the global custom rules. Downloads go
 * through the same refresher as `vigie lists update` (http(s) only, its own timeout and size cap,
 * one at a time, never replacing a good copy with a bad one); every change ends with ctx.changed().
 */
import { createCustomRulesStore, type CustomRule } from '../../blocklists/custom-rules.js';
import { subscriptionListId } from '../../blocklists/load-blocklist.js';
import type { CatalogEntry } from '../../blocklists/load-catalog.js';
import { removeListFiles, subscriptionListsDir } from '../../blocklists/subscriptions/list-files.js';
import { createRefresher, type RefreshOutcome } from '../../blocklists/subscriptions/refresher.js';
import { noteSourceSubscribed, noteSubscriptionRemoved } from '../../blocklists/subscriptions/seed-sources.js';
import { readShippedSources, shippedSourceForUrl, sourceRefresherOptions } from '../../blocklists/subscriptions/shipped-sources.js';
import { shippedSourceStatus, type SourceStatus } from '../../blocklists/subscriptions/source-status.js';
import { createSubscriptionStore, DEFAULT_SUBSCRIPTION_CATEGORIES, type Subscription } from '../../blocklists/subscriptions/subscription-store.js';
import { AppError } from '../../errors.js';
import { categoriesOn } from '../../policy/profile-matchers.js';
import { createProfileStore } from '../../policy/profile-store.js';
import type { AdminContext } from '../context.js';
import { SUBSCRIPTION_ID, subscriptionAddSchemaFor, type ruleAddSchema, type ruleRemoveSchema } from '../schemas/lists.js';
import type { z } from 'zod';

/** One catalog entry with how it loaded. */
export interface CatalogItem {
  readonly id: string;
  readonly title: CatalogEntry['title'];
  readonly description: CatalogEntry['description'];
  /** A suggested subscription URL (entries without a shipped file). */
  readonly subscription: string | null;
  readonly shipped: boolean;
  /** Entries and skipped lines of the loaded list; null when nothing is loaded for it. */
  readonly loaded: { readonly entries: number; readonly issues: number } | null;
}

/** One category of the catalog. */
export interface CategoryItem {
  readonly id: string;
  readonly title: CatalogEntry['title'];
  readonly entries: readonly CatalogItem[];
  /** Profiles blocking this category (before schedule windows). */
  readonly profiles: ReadonlyArray<{ readonly id: string; readonly name: string }>;
}

/** A subscription with the entries of its loaded copy. */
export type SubscriptionItem = Subscription & { readonly loadedEntries: number | null };

/** A shipped public list (catalog kind "source") and its state, for the page and GET /api/lists. */
export interface ShippedItem {
  readonly id: string;
  readonly title: { readonly en: string; readonly fr: string } | null;
  readonly category: string;
  readonly url: string;
  /** SPDX id of the upstream's licence, and where the entries come from (attribution). */
  readonly licence: string | null;
  readonly sources: readonly string[];
  readonly snapshotDate: string | null;
  /** `kept-copy` (refreshed) or `snapshot` (the file shipped with Vigie). */
  readonly inUse: SourceStatus['inUse'];
  readonly entries: number | null;
  /** Its subscription row id; null when the parents removed it (not refreshed). */
  readonly subscriptionId: string | null;
  readonly lastRefresh: number | null;
  readonly lastSuccess: number | null;
  readonly lastError: string | null;
  readonly keepingPrevious: boolean;
}

/** Everything GET /lists and GET /api/lists show. */
export interface ListsData {
  /** The shipped public lists Vigie keeps fresh, and whether automatic updates are on. */
  readonly shipped: readonly ShippedItem[];
  readonly listUpdates: 'on' | 'off';
  readonly categories: readonly CategoryItem[];
  readonly loaded: ReadonlyArray<{ readonly id: string; readonly category: string; readonly entries: number; readonly issues: number }>;
  readonly suggested: ReadonlyArray<{ readonly id: string; readonly category: string; readonly title: CatalogEntry['title']; readonly description: CatalogEntry['description']; readonly url: string; readonly subscribed: boolean }>;
  readonly subscriptions: readonly SubscriptionItem[];
  /** Categories a subscription may feed. */
  readonly categoryChoices: readonly string[];
}

/** Categories a subscription may feed: the catalog's plus the defaults (custom …). */
export function subscriptionCategories(catalog: readonly CatalogEntry[]): string[] {
  return [...new Set([...catalog.map((e) => e.category), ...DEFAULT_SUBSCRIPTION_CATEGORIES])];
}

/** The lists service of one admin app (one refresher: downloads run one at a time). */
export interface ListsService {
  read(): ListsData;
  rules(): CustomRule[];
  addSubscription(body: unknown): Promise<{ subscription: Subscription; refresh: RefreshOutcome }>;
  removeSubscription(id: string): Promise<Subscription>;
  refreshSubscription(id: string): Promise<{ subscription: Subscription; refresh: RefreshOutcome }>;
  addRule(rule: z.output<typeof ruleAddSchema>): Promise<CustomRule>;
  removeRule(rule: z.output<typeof ruleRemoveSchema>): Promise<number>;
}

/** Creates the service over the context's databases and lists folder. */
export function createListsService(ctx: AdminContext): ListsService {
  const store = createSubscriptionStore({ db: ctx.db, clock: ctx.clock });
  const rulesStore = createCustomRulesStore({ db: ctx.db, clock: ctx.clock });
  const listsDir = subscriptionListsDir(ctx.config.dataDir);
  const sources = () => readShippedSources(ctx.config.listsDir);
  const refresher = createRefresher({ store, listsDir, clock: ctx.clock, logger: ctx.logger, ...sourceRefresherOptions(sources()) });
  const mustGet = (id: string): Subscription => {
    const found = SUBSCRIPTION_ID.test(id) ? store.get(id) : undefined;
    if (found === undefined) throw new AppError('NOT_FOUND', `no subscription '${id}'`);
    return found;
  };
  const refresh = async (id: string) => {
    const outcome = await refresher.refreshOne(id);
    if (outcome.outcome === 'updated') await ctx.changed();
    return { subscription: mustGet(id), refresh: outcome };
  };

  return {
    read: () => readLists(ctx, store.list(), shippedSourceStatus(sources(), store.list(), listsDir)),
    rules: () => rulesStore.list(),
    async addSubscription(body) {
      const categories = subscriptionCategories(ctx.policy.catalog.catalog);
      const input = subscriptionAddSchemaFor(categories).parse(body);
      if (store.get(input.url) !== undefined) throw new AppError('CONFLICT', `already subscribed to ${input.url}`);
      // A shipped list's URL: refreshed again (its removal forgotten), in its own category.
      const source = noteSourceSubscribed(ctx.db, shippedSourceForUrl(sources() ?? [], input.url));
      const row = source === undefined ? input : { url: input.url, category: source.category, source: source.id };
      const added = createSubscriptionStore({ db: ctx.db, clock: ctx.clock, categories: [...categories, ...(source ? [source.category] : [])] }).add(row);
      return refresh(added.id);
    },
    async removeSubscription(id) {
      const sub = mustGet(id);
      store.remove(sub.id);
      noteSubscriptionRemoved(ctx.db, sub);
      removeListFiles(listsDir, sub.id);
      await ctx.changed();
      return sub;
    },
    refreshSubscription: (id) => refresh(mustGet(id).id),
    async addRule(rule) {
      const added = rulesStore.add(rule);
      await ctx.changed();
      return added;
    },
    async removeRule(rule) {
      const removed = rulesStore.remove(rule.name, rule.kind);
      if (removed === 0) throw new AppError('NOT_FOUND', `no rule for ${rule.name}`);
      await ctx.changed();
      return removed;
    },
  };
}

function shippedItem(s: SourceStatus): ShippedItem {
  const sub = s.subscription;
  return {
    id: s.id, title: s.shipped?.title ?? null, category: s.category, url: s.url, licence: s.shipped?.licence ?? null,
    sources: s.shipped?.sources ?? [], snapshotDate: s.shipped?.snapshotDate ?? null, inUse: s.inUse, entries: s.entries,
    subscriptionId: sub?.id ?? null, lastRefresh: sub?.lastRefresh ?? null, lastSuccess: sub?.lastSuccess ?? null,
    lastError: sub?.lastError ?? null, keepingPrevious: s.keepingPrevious,
  };
}

function readLists(ctx: AdminContext, subs: readonly Subscription[], shipped: readonly SourceStatus[]): ListsData {
  const loaded = ctx.policy.catalog;
  const catalog = loaded.catalog;
  const byList = new Map(loaded.lists.map((l) => [l.id, l]));
  const profiles = createProfileStore({ db: ctx.db, clock: ctx.clock }).list().map((p) => ({ id: p.id, name: p.name, on: new Set(categoriesOn(p, loaded)) }));
  const categories: CategoryItem[] = [];
  for (const id of new Set(catalog.map((e) => e.category))) {
    const entries = catalog.filter((e) => e.category === id);
    const head = entries.find((e) => e.id === id) ?? (entries[0] as CatalogEntry);
    categories.push({
      id,
      title: head.title,
      entries: entries.map((e) => {
        const list = byList.get(e.id);
        return {
          id: e.id, title: e.title, description: e.description, subscription: e.subscription ?? null, shipped: e.file !== null,
          loaded: list ? { entries: list.entries, issues: list.issues.length } : null,
        };
      }),
      profiles: profiles.filter((p) => p.on.has(id)).map((p) => ({ id: p.id, name: p.name })),
    });
  }
  const subscribedUrls = new Set(subs.map((s) => s.url));
  return {
    shipped: shipped.map(shippedItem),
    listUpdates: ctx.config.listUpdates,
    categories,
    loaded: loaded.lists.map((l) => ({ id: l.id, category: l.category, entries: l.entries, issues: l.issues.length })),
    suggested: catalog
      .filter((e): e is CatalogEntry & { subscription: string } => e.file === null && e.subscription !== undefined)
      .map((e) => ({ id: e.id, category: e.category, title: e.title, description: e.description, url: e.subscription, subscribed: subscribedUrls.has(new URL(e.subscription).href) })),
    subscriptions: subs.map((s) => ({ ...s, loadedEntries: byList.get(subscriptionListId(s.id))?.entries ?? null })),
    categoryChoices: subscriptionCategories(catalog),
  };
}
