/**
 * Per-device tallies the weekly aggregation fills row by row, then turns into a DeviceWeek
 * (aggregate.ts). Mutable on purpose: one pass over each query's rows, no intermediate copies.
 */
import type { CategoryCount, DeviceWeek, FirstAttempt, LocalizedTitle, ServiceCount } from './weekly-report.js';

/** Tallies of one category. */
export interface CategoryTally {
  count: number;
  prev: number;
  readonly byDay: number[];
}

/** Tallies of one (category, service). */
export interface ServiceTally {
  readonly service: string;
  readonly category: string;
  count: number;
  readonly names: Map<string, number>;
}

/** Everything counted for one device. */
export interface DeviceTally {
  readonly id: string;
  blocked: number;
  prevBlocked: number;
  queries: number;
  readonly queriesByDay: number[];
  readonly byDay: number[];
  readonly heatmap: number[][];
  readonly categories: Map<string, CategoryTally>;
  /** category → service → tally (nested: no key string built per row). */
  readonly services: Map<string, Map<string, ServiceTally>>;
  readonly firstEver: FirstAttempt[];
}

const zeros = (n: number): number[] => new Array<number>(n).fill(0);

/** A device with nothing counted yet. */
export function emptyTally(id: string): DeviceTally {
  return {
    id, blocked: 0, prevBlocked: 0, queries: 0, queriesByDay: zeros(7), byDay: zeros(7),
    heatmap: Array.from({ length: 7 }, () => zeros(24)), categories: new Map(), services: new Map(), firstEver: [],
  };
}

/** The category's tally in `t`, created on first use. */
export function categoryTally(t: DeviceTally, category: string): CategoryTally {
  let c = t.categories.get(category);
  if (c === undefined) {
    c = { count: 0, prev: 0, byDay: zeros(7) };
    t.categories.set(category, c);
  }
  return c;
}

/** Adds `n` attempts on `name` to the (category, service) tally of `t`. */
export function addToService(t: DeviceTally, category: string, service: string, name: string, n: number): void {
  let inCategory = t.services.get(category);
  if (inCategory === undefined) {
    inCategory = new Map();
    t.services.set(category, inCategory);
  }
  let s = inCategory.get(service);
  if (s === undefined) {
    s = { service, category, count: 0, names: new Map() };
    inCategory.set(service, s);
  }
  s.count += n;
  s.names.set(name, (s.names.get(name) ?? 0) + n);
}

/** Change from `previous` to `current` in percent, rounded; null when `previous` is 0. */
export function percentChange(current: number, previous: number): number | null {
  return previous === 0 ? null : Math.round(((current - previous) / previous) * 100);
}

/** Most first, then by key: a stable order for equal counts. */
function byCountThenKey<T>(count: (x: T) => number, key: (x: T) => string): (a: T, b: T) => number {
  return (a, b) => count(b) - count(a) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

/** Categories of a tally as report rows, most blocked first (then previous week, then id). */
export function categoryRows(categories: Map<string, CategoryTally>, titleOf: (category: string) => LocalizedTitle): CategoryCount[] {
  return [...categories]
    .map(([category, c]) => ({ category, title: titleOf(category), count: c.count, prev: c.prev, byDay: c.byDay }))
    .sort((a, b) => b.count - a.count || b.prev - a.prev || (a.category < b.category ? -1 : a.category > b.category ? 1 : 0));
}

/** The top `limit` services, each with its top 3 names. */
export function topServices(services: Iterable<ServiceTally>, limit: number): ServiceCount[] {
  return [...services]
    .sort(byCountThenKey((s) => s.count, (s) => `${s.service}\n${s.category}`))
    .slice(0, limit)
    .map((s) => ({
      service: s.service,
      category: s.category,
      count: s.count,
      names: [...s.names].sort(byCountThenKey(([, n]) => n, ([name]) => name)).slice(0, 3).map(([name]) => name),
    }));
}

/** What identifies a device in the report, from config.db when it knows the device. */
export interface DeviceInfo {
  readonly label: string;
  readonly profileId: string | null;
  readonly firstSeen: number | null;
}

/** Turns a tally into its report object. */
export function toDeviceWeek(
  t: DeviceTally,
  info: DeviceInfo,
  ctx: { readonly start: number; readonly end: number; readonly bypassCategory: string; readonly titleOf: (category: string) => LocalizedTitle },
): DeviceWeek {
  const all = [...t.services.values()].flatMap((m) => [...m.values()]);
  const bypass = [...(t.services.get(ctx.bypassCategory)?.values() ?? [])];
  return {
    id: t.id,
    label: info.label,
    profileId: info.profileId,
    newDevice: info.firstSeen !== null && info.firstSeen >= ctx.start && info.firstSeen < ctx.end,
    firstSeen: info.firstSeen,
    totals: { blocked: t.blocked, queries: t.queries, queriesByDay: t.queriesByDay, trend: { current: t.blocked, previous: t.prevBlocked, percent: percentChange(t.blocked, t.prevBlocked) } },
    byCategory: categoryRows(t.categories, ctx.titleOf),
    byDay: t.byDay,
    heatmap: t.heatmap,
    topServices: topServices(all, 10),
    bypass: {
      count: bypass.reduce((n, s) => n + s.count, 0),
      byService: topServices(bypass, 10).map((s) => ({ service: s.service, count: s.count })),
    },
    firstEver: [...t.firstEver].sort((a, b) => a.time - b.time || (a.category < b.category ? -1 : 1)),
  };
}
