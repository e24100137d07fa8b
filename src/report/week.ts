/**
 * The report's week: an ISO 8601 week (Monday to Sunday) in the configured time zone, from local
 * Monday 00:00 to the next local Monday 00:00. Across a DST change the week lasts 167 or 169 h,
 * and one of its days 23 or 25 h; every boundary comes from src/policy/local-time.ts (Intl, no
 * hard-coded offsets).
 */
import { addLocalDays, isoWeekOf, localDateParts, startOfIsoWeek, type IsoWeek } from '../policy/local-time.js';

/** One report week, with its local day boundaries. */
export interface ReportWeek {
  /** `2026-W48`. */
  readonly id: string;
  /** ISO week-numbering year (may differ from the calendar year of some of its days). */
  readonly year: number;
  /** 1-53. */
  readonly week: number;
  /** Epoch ms of Monday 00:00 local. */
  readonly start: number;
  /** Epoch ms of the next Monday 00:00 local (exclusive). */
  readonly end: number;
  /** The 7 local dates, Monday first, as `YYYY-MM-DD`. */
  readonly days: readonly string[];
  /** 8 instants: the local midnight starting each day, then `end`. */
  readonly dayStarts: readonly number[];
}

const WEEK_ID = /^(\d{4})-W(\d{2})$/;

/** `2026-W48` for week 48 of ISO year 2026 (week padded to two digits). */
export function formatWeekId(week: IsoWeek): string {
  return `${String(week.year).padStart(4, '0')}-W${String(week.week).padStart(2, '0')}`;
}

/**
 * Parses `YYYY-Www` (ISO week; `2026-W48`). Does not check that the week exists in that year: see
 * {@link reportWeek}.
 * @throws RangeError when the text is not of that form.
 */
export function parseWeekId(text: string): IsoWeek {
  const m = WEEK_ID.exec(text.trim());
  if (!m) throw new RangeError(`'${text}' is not an ISO week such as 2026-W48`);
  return { year: Number(m[1]), week: Number(m[2]) };
}

/** `YYYY-MM-DD` of a local date. */
export function formatLocalDate(ms: number, timeZone: string): string {
  const p = localDateParts(ms, timeZone);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/**
 * The report week of ISO week `week` of ISO year `year` in `timeZone`.
 * @throws RangeError when that week does not exist (W53 of a 52-week year, W00) or the zone is unknown.
 */
export function reportWeek(year: number, week: number, timeZone: string): ReportWeek {
  const start = startOfIsoWeek(year, week, timeZone);
  const dayStarts = [start];
  for (let i = 1; i <= 7; i += 1) dayStarts.push(addLocalDays(start, i, timeZone));
  const days = dayStarts.slice(0, 7).map((ms) => formatLocalDate(ms, timeZone));
  return { id: formatWeekId({ year, week }), year, week, start, end: dayStarts[7] as number, days, dayStarts };
}

/** The report week containing the instant `ms` (its local date) in `timeZone`. */
export function weekContaining(ms: number, timeZone: string): ReportWeek {
  const { year, week } = isoWeekOf(ms, timeZone);
  return reportWeek(year, week, timeZone);
}

/** The week before `week` (what trends compare with). */
export function previousWeek(week: ReportWeek, timeZone: string): ReportWeek {
  return weekContaining(week.start - 1, timeZone);
}

/**
 * Resolves what a parent typed: `YYYY-Www`, `this` (the week in progress at `now`) or `last` (the
 * last complete week; also the default).
 * @throws RangeError for anything else, or a week that does not exist.
 */
export function resolveWeek(text: string | undefined, now: number, timeZone: string): ReportWeek {
  const current = weekContaining(now, timeZone);
  if (text === undefined || text === 'last') return previousWeek(current, timeZone);
  if (text === 'this') return current;
  const { year, week } = parseWeekId(text);
  return reportWeek(year, week, timeZone);
}

/**
 * Maps fixed-size UTC buckets of a week to local (weekday, hour). SQL groups attempts by
 * `(time - start) / bucketMs`; each bucket then gets the local day and hour of its first instant.
 * This is exact when every UTC offset in force during the week and every offset change is a
 * multiple of `bucketMs`: whole hours for Europe and the Americas (bucket = 1 h), 15 minutes for
 * India (+5:30), Nepal (+5:45) or Lord Howe (a 30-min DST shift), which get 15-min buckets.
 */
export interface WeekBuckets {
  readonly bucketMs: number;
  /** Local weekday (0 = Monday) of bucket i. */
  readonly day: Uint8Array;
  /** Local hour (0-23) of bucket i. */
  readonly hour: Uint8Array;
}

const HOUR_MS = 3_600_000;
const QUARTER_MS = 900_000;

/** Builds the bucket map of `week` (one Intl formatter; about 170 or 680 buckets). */
export function weekBuckets(week: ReportWeek, timeZone: string): WeekBuckets {
  const wholeHours = week.dayStarts.every((ms) => ms % HOUR_MS === 0);
  const bucketMs = wholeHours ? HOUR_MS : QUARTER_MS;
  const count = Math.ceil((week.end - week.start) / bucketMs);
  const day = new Uint8Array(count);
  const hour = new Uint8Array(count);
  const format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', hour: '2-digit' });
  let d = 0;
  for (let i = 0; i < count; i += 1) {
    const at = week.start + i * bucketMs;
    while (d < 6 && at >= (week.dayStarts[d + 1] as number)) d += 1;
    day[i] = d;
    hour[i] = Number(format.format(at)) % 24;
  }
  return { bucketMs, day, hour };
}
