/**
 * buildWeeklyReport: one week of logs.db, per device and for the home. Runs a handful of GROUP BY
 * queries over the week (and the previous week for trends) in one read transaction, then folds
 * their rows in JS. Pure apart from the reads: the week, the devices and the clock are given.
 * Heavy for the DNS thread on a large log (tens of ms): call it through generateWeeklyReport
 * (generate-report.ts), which runs it in a worker thread.
 */
import type Database from 'better-sqlite3';
import type { CatalogEntry } from '../blocklists/load-catalog.js';
import type { Device } from '../policy/model.js';
import { addToService, categoryTally, emptyTally, percentChange, toDeviceWeek, categoryRows, type CategoryTally, type DeviceInfo, type DeviceTally } from './device-accumulator.js';
import { listFloods } from '../store/blocked-floods.js';
import { createReportQueries, type ReportQueries } from './report-queries.js';
import type { ServiceNames } from './service-names.js';
import { previousWeek, weekBuckets, type ReportWeek, type WeekBuckets } from './week.js';
import { BYPASS_CATEGORY, HIGH_RISK_CATEGORIES, type DeviceWeek, type LocalizedTitle, type WeeklyReport } from './weekly-report.js';

/** Inputs of {@link buildWeeklyReport}. */
export interface BuildWeeklyReportOptions {
  /** logs.db (read-only is enough). */
  readonly logsDb: Database.Database;
  /** The devices of config.db (labels, profiles, first/last seen). */
  readonly devices: readonly Device[];
  readonly catalog: readonly CatalogEntry[];
  readonly services: ServiceNames;
  readonly timeZone: string;
  readonly week: ReportWeek;
  /** Stamped as `generatedAt`. */
  readonly now: number;
}

/** Titles of the categories Vigie decides by itself (not in catalog.json). */
const BUILT_IN_TITLES: Readonly<Record<string, LocalizedTitle>> = {
  custom: { en: "Parents' own rules", fr: 'Règles des parents' },
  'block-now': { en: 'Everything blocked by a parent', fr: 'Tout bloqué par un parent' },
  bedtime: { en: 'Bedtime', fr: 'Heure du coucher' },
};

type TitleOf = (category: string) => LocalizedTitle;
type CachedServiceOf = (rule: string, category: string, name: string) => string;
interface Tallies {
  get(id: string): DeviceTally;
  all(): DeviceTally[];
}

/** Title lookup: catalog first (its first entry of a category), then built-ins, then the id. */
function titles(catalog: readonly CatalogEntry[]): TitleOf {
  const map = new Map<string, LocalizedTitle>();
  for (const e of catalog) if (!map.has(e.category)) map.set(e.category, e.title);
  return (category) => map.get(category) ?? BUILT_IN_TITLES[category] ?? { en: category, fr: category };
}

/** serviceOf memoized per (category, rule), or per name for rules that are not names (`*`). */
function cachedServiceOf(services: ServiceNames): CachedServiceOf {
  const cache = new Map<string, Map<string, string>>();
  return (rule, category, name) => {
    let inCategory = cache.get(category);
    if (inCategory === undefined) {
      inCategory = new Map();
      cache.set(category, inCategory);
    }
    const key = rule.includes('.') ? rule : name;
    let service = inCategory.get(key);
    if (service === undefined) {
      service = services.serviceOf(rule, category, name);
      inCategory.set(key, service);
    }
    return service;
  };
}

/** A tally per device id, created on first use. */
function tallies(): Tallies {
  const map = new Map<string, DeviceTally>();
  return {
    get(id) {
      let t = map.get(id);
      if (t === undefined) {
        t = emptyTally(id);
        map.set(id, t);
      }
      return t;
    },
    all: () => [...map.values()],
  };
}

/** Folds the week's attempts into the tallies, one local day (one query) at a time. */
function foldWeek(q: ReportQueries, week: ReportWeek, buckets: WeekBuckets, t: Tallies, serviceOf: CachedServiceOf): void {
  // Day by day: bounded memory, and the local day is the chunk's (exact across DST changes).
  for (let d = 0; d < 7; d += 1) {
    for (const [time, device, category, rule, name] of q.scan(week.dayStarts[d] as number, week.dayStarts[d + 1] as number)) {
      const h = buckets.hour[Math.floor((time - week.start) / buckets.bucketMs)] as number;
      const dev = t.get(device);
      dev.blocked += 1;
      (dev.byDay[d] as number) += 1;
      ((dev.heatmap[d] as number[])[h] as number) += 1;
      const cat = categoryTally(dev, category);
      cat.count += 1;
      (cat.byDay[d] as number) += 1;
      addToService(dev, category, serviceOf(rule, category, name), name, 1);
    }
  }
}

/** Adds the previous week's totals, the first attempts and the daily counters. */
function foldOthers(q: ReportQueries, week: ReportWeek, prev: ReportWeek, t: Tallies, titleOf: TitleOf): void {
  for (const r of q.totals(prev.start, prev.end)) {
    const dev = t.get(r.device);
    dev.prevBlocked += r.n;
    categoryTally(dev, r.category).prev += r.n;
  }
  for (const r of q.firstAttempts(week.start, week.end)) {
    if (HIGH_RISK_CATEGORIES.includes(r.category)) t.get(r.device).firstEver.push({ category: r.category, title: titleOf(r.category), name: r.name, time: r.time });
  }
  for (const r of q.daily(week.days[0] as string, week.days[6] as string)) {
    const i = week.days.indexOf(r.day);
    if (i < 0) continue;
    const dev = t.get(r.device);
    dev.queries += r.queries;
    (dev.queriesByDay[i] as number) += r.queries;
  }
}

/**
 * Builds the report of `week`. Devices appear when they have blocked attempts this week or the
 * previous one, lookups this week, or were seen (config.db first/last seen) during the week.
 */
export function buildWeeklyReport(opts: BuildWeeklyReportOptions): WeeklyReport {
  const { week, timeZone } = opts;
  const prev = previousWeek(week, timeZone);
  const titleOf = titles(opts.catalog);
  const q = createReportQueries(opts.logsDb);
  const t = tallies();
  // One read transaction: every query sees the same log while the server keeps writing.
  q.snapshot(() => {
    foldWeek(q, week, weekBuckets(week, timeZone), t, cachedServiceOf(opts.services));
    foldOthers(q, week, prev, t, titleOf);
  });
  const known = new Map(opts.devices.map((d) => [d.id, d]));
  for (const d of opts.devices) if (d.firstSeen < week.end && d.lastSeen >= week.start) t.get(d.id);
  const ctx = { start: week.start, end: week.end, bypassCategory: BYPASS_CATEGORY, titleOf };
  const devices = t.all().map((tally) => toDeviceWeek(tally, infoOf(known.get(tally.id), tally.id), ctx)).sort(byBlockedThenLabel);
  return {
    version: 1,
    generatedAt: opts.now,
    timeZone,
    week: { id: week.id, start: week.start, end: week.end, days: week.days, hours: Math.round((week.end - week.start) / 3_600_000) },
    previousWeek: { id: prev.id, start: prev.start, end: prev.end },
    home: homeTotals(t.all(), devices, titleOf),
    devices,
    newDevices: devices.filter((d) => d.newDevice).map((d) => ({ id: d.id, label: d.label, firstSeen: d.firstSeen as number })).sort((a, b) => a.firstSeen - b.firstSeen),
    floods: weekFloods(opts.logsDb, week, known),
  };
}

/** The week's flood markers (none in a log from before they were recorded). */
function weekFloods(db: Database.Database, week: ReportWeek, known: ReadonlyMap<string, Device>): NonNullable<WeeklyReport['floods']> {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'blocked_floods'").get() !== undefined;
  if (!hasTable) return [];
  return listFloods(db, { from: week.start, to: week.end }).map((f) => ({ device: f.device, label: infoOf(known.get(f.device), f.device).label, first: f.first, last: f.last, dropped: f.dropped }));
}

/** The label shown for a device: the order of deviceLabel (policy/build-snapshot.ts), not imported to keep the worker light. */
function infoOf(device: Device | undefined, id: string): DeviceInfo {
  if (device === undefined) return { label: id.replace(/^(ip|mac):/, ''), profileId: null, firstSeen: null };
  const label = device.name ?? device.hostname ?? device.ip ?? device.mac ?? device.id;
  return { label, profileId: device.profileId, firstSeen: device.firstSeen };
}

function byBlockedThenLabel(a: DeviceWeek, b: DeviceWeek): number {
  return b.totals.blocked - a.totals.blocked || (a.label < b.label ? -1 : a.label > b.label ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function homeTotals(all: readonly DeviceTally[], devices: readonly DeviceWeek[], titleOf: (c: string) => LocalizedTitle): WeeklyReport['home'] {
  const categories = new Map<string, CategoryTally>();
  const byDay = new Array<number>(7).fill(0);
  let blocked = 0;
  let prevBlocked = 0;
  let queries = 0;
  for (const dev of all) {
    blocked += dev.blocked;
    prevBlocked += dev.prevBlocked;
    queries += dev.queries;
    dev.byDay.forEach((n, i) => (byDay[i] = (byDay[i] as number) + n));
    for (const [category, c] of dev.categories) {
      const home = categories.get(category) ?? { count: 0, prev: 0, byDay: new Array<number>(7).fill(0) };
      home.count += c.count;
      home.prev += c.prev;
      c.byDay.forEach((n, i) => (home.byDay[i] = (home.byDay[i] as number) + n));
      categories.set(category, home);
    }
  }
  return {
    blocked,
    queries,
    trend: { current: blocked, previous: prevBlocked, percent: percentChange(blocked, prevBlocked) },
    byCategory: categoryRows(categories, titleOf),
    byDay,
    bypass: devices.reduce((n, d) => n + d.bypass.count, 0),
    firstEver: devices.reduce((n, d) => n + d.firstEver.length, 0),
  };
}
