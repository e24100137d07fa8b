/**
 * Wall-clock time in a configured IANA time zone: the minute-of-week the schedules run on (hot
 * path, memoized) and the calendar helpers the weekly report needs (local midnights, ISO weeks),
 * all DST-correct. Everything is computed with `Intl.DateTimeFormat`; no offsets are hard-coded.
 * Invalid zone names make `Intl` throw a RangeError (validate beforehand with `isValidTimeZone`
 * from config-schema.ts).
 */
import { MINUTES_PER_WEEK } from './model.js';

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
/** Local weekday names as `Intl` writes them in en-US, index 0 = Monday (as WEEKDAYS). */
const SHORT_WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** A local calendar date and wall-clock time. */
export interface LocalDateParts {
  readonly year: number;
  /** 1-12. */
  readonly month: number;
  /** 1-31. */
  readonly day: number;
  /** 0 = Monday … 6 = Sunday (index into WEEKDAYS). */
  readonly weekday: number;
  /** 0-23. */
  readonly hour: number;
  readonly minute: number;
}

/** An ISO 8601 week: `week` 1-53 of the ISO week-numbering `year` (which can differ from the calendar year). */
export interface IsoWeek {
  readonly year: number;
  readonly week: number;
}

type PartMap = Partial<Record<Intl.DateTimeFormatPartTypes, string>>;

function partMap(format: Intl.DateTimeFormat, ms: number): PartMap {
  const map: PartMap = {};
  for (const p of format.formatToParts(ms)) map[p.type] = p.value;
  return map;
}

/**
 * Returns a clock giving the minute-of-week in `timeZone` (Monday 00:00 local = 0 … 10079) of an
 * epoch-ms instant, with wall-clock semantics: in the repeated autumn hour the minutes repeat, the
 * skipped spring hour never occurs. Called on every DNS query, so the formatter is created once and
 * the last result is kept for its UTC minute (UTC offsets change only at whole minutes; historic
 * local-mean-time offsets with seconds, before ~1900, are outside its contract).
 * @throws RangeError when `timeZone` is not a known IANA zone (at creation), or for a NaN instant.
 */
export function createLocalWeekClock(timeZone: string): (ms: number) => number {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', weekday: 'short', hour: '2-digit', minute: '2-digit' });
  let cachedUtcMinute = Number.NaN;
  let cachedValue = 0;
  return (ms: number): number => {
    const utcMinute = Math.floor(ms / MS_PER_MINUTE);
    if (utcMinute === cachedUtcMinute) return cachedValue;
    const p = partMap(format, utcMinute * MS_PER_MINUTE);
    const weekday = SHORT_WEEKDAYS.indexOf(p.weekday ?? '');
    if (weekday < 0) throw new RangeError(`unexpected weekday ${String(p.weekday)} from Intl for ${timeZone}`);
    cachedValue = (weekday * 1440 + Number(p.hour) * 60 + Number(p.minute)) % MINUTES_PER_WEEK;
    cachedUtcMinute = utcMinute;
    return cachedValue;
  };
}

/** One formatter per call: these helpers serve reports and the CLI, not the query path. */
function calendarFormat(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  });
}

/** Weekday (0 = Monday) of a proleptic Gregorian date given as UTC-midnight ms. */
function weekdayOfUtcDate(utcDateMs: number): number {
  return (new Date(utcDateMs).getUTCDay() + 6) % 7;
}

/** The local wall clock of `ms` written as if it were UTC (ms precision dropped to seconds). */
function wallClockMs(format: Intl.DateTimeFormat, ms: number): number {
  const p = partMap(format, ms);
  return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
}

/**
 * The first instant whose local wall clock reads `wallMs` (a wall time written as UTC); the
 * earlier one in a repeated hour. When that wall time is skipped (a spring-forward gap), the
 * instant the gap ends, i.e. the first instant whose wall clock is past it.
 */
function firstInstantOfWall(format: Intl.DateTimeFormat, wallMs: number): number {
  // The real instant is wallMs − offset with offset within ±18 h: offsets around it are candidates.
  const offsets = [-18, 0, 18].map((h) => wallClockMs(format, wallMs + h * 3_600_000) - (wallMs + h * 3_600_000));
  const candidates = [...new Set(offsets)].map((o) => wallMs - o).sort((a, b) => a - b);
  const exact = candidates.find((t) => wallClockMs(format, t) === wallMs);
  if (exact !== undefined) return exact;
  // Gap: bisect for the first second whose wall clock is at or past wallMs.
  let lo = Math.floor((candidates[0] ?? wallMs) / 1000);
  let hi = Math.ceil((candidates[candidates.length - 1] ?? wallMs) / 1000);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallClockMs(format, mid * 1000) >= wallMs) hi = mid;
    else lo = mid;
  }
  return hi * 1000;
}

/** Local date (as UTC-midnight ms of that calendar date) of an instant. */
function localDateMs(format: Intl.DateTimeFormat, ms: number): number {
  const wall = wallClockMs(format, ms);
  return wall - (((wall % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY);
}

/**
 * Local calendar date and wall-clock time of an epoch-ms instant in `timeZone`.
 * @throws RangeError for an unknown zone or a NaN instant.
 */
export function localDateParts(ms: number, timeZone: string): LocalDateParts {
  const d = new Date(wallClockMs(calendarFormat(timeZone), ms));
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    weekday: (d.getUTCDay() + 6) % 7, hour: d.getUTCHours(), minute: d.getUTCMinutes(),
  };
}

/**
 * Epoch ms of the start of the local day containing `ms`: local midnight (the first one if it
 * repeats), or the first existing instant when midnight itself is skipped by a DST change. A local
 * day lasts 23, 24 or 25 h; measure it as `addLocalDays(start, 1) − start`.
 */
export function startOfLocalDay(ms: number, timeZone: string): number {
  const format = calendarFormat(timeZone);
  return firstInstantOfWall(format, localDateMs(format, ms));
}

/** Epoch ms of Monday 00:00 local of the week (Monday-first) containing `ms`; see {@link startOfLocalDay}. */
export function startOfLocalWeek(ms: number, timeZone: string): number {
  const format = calendarFormat(timeZone);
  const date = localDateMs(format, ms);
  return firstInstantOfWall(format, date - weekdayOfUtcDate(date) * MS_PER_DAY);
}

/**
 * Epoch ms of local midnight `n` calendar days (negative: earlier) after the local day containing
 * `startOfDayMs` (normally a {@link startOfLocalDay} result; any instant of the day works).
 * Calendar days, not 24-h steps: across a DST change the gap is 23 or 25 h.
 */
export function addLocalDays(startOfDayMs: number, n: number, timeZone: string): number {
  if (!Number.isInteger(n)) throw new RangeError(`addLocalDays: n must be an integer, got ${n}`);
  const format = calendarFormat(timeZone);
  return firstInstantOfWall(format, localDateMs(format, startOfDayMs) + n * MS_PER_DAY);
}

/** ISO week of a calendar date given as UTC-midnight ms: the week belongs to the year of its Thursday. */
function isoWeekOfUtcDate(dateMs: number): IsoWeek {
  const thursday = new Date(dateMs + (3 - weekdayOfUtcDate(dateMs)) * MS_PER_DAY);
  const year = thursday.getUTCFullYear();
  const dayOfYear = (thursday.getTime() - Date.UTC(year, 0, 1)) / MS_PER_DAY;
  return { year, week: Math.floor(dayOfYear / 7) + 1 };
}

/** ISO 8601 week (Monday-first, week 1 holds the year's first Thursday) of the local date of `ms`. */
export function isoWeekOf(ms: number, timeZone: string): IsoWeek {
  return isoWeekOfUtcDate(localDateMs(calendarFormat(timeZone), ms));
}

/** Number of ISO weeks (52 or 53) in ISO week-numbering year `year`: 28 December is always in the last one. */
export function isoWeeksInYear(year: number): number {
  return isoWeekOfUtcDate(Date.UTC(year, 11, 28)).week;
}

/**
 * Epoch ms of Monday 00:00 local (see {@link startOfLocalDay}) of ISO week `week` of ISO year `year`.
 * @throws RangeError when `week` is not an integer in 1..{@link isoWeeksInYear}(year).
 */
export function startOfIsoWeek(year: number, week: number, timeZone: string): number {
  if (!Number.isInteger(year) || !Number.isInteger(week) || week < 1 || week > isoWeeksInYear(year)) {
    throw new RangeError(`no ISO week ${year}-W${week}`);
  }
  const jan4 = Date.UTC(year, 0, 4); // always in week 1
  const monday = jan4 - weekdayOfUtcDate(jan4) * MS_PER_DAY + (week - 1) * 7 * MS_PER_DAY;
  return firstInstantOfWall(calendarFormat(timeZone), monday);
}
