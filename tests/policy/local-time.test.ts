import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  addLocalDays, createLocalWeekClock, isoWeekOf, isoWeeksInYear, localDateParts, startOfIsoWeek, startOfLocalDay, startOfLocalWeek,
} from '../../src/policy/local-time.js';

const H = 3_600_000;
const MIN = 60_000;
const PARIS = 'Europe/Paris';
/** Minute-of-week of a local weekday (0 = Monday) and wall time. */
const mow = (weekday: number, hour: number, minute: number): number => weekday * 1440 + hour * 60 + minute;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createLocalWeekClock', () => {
  it.each([
    // Europe/Paris, spring forward Sun 29 Mar 2026 01:00 UTC: 02:00 CET → 03:00 CEST
    ['before spring forward', PARIS, Date.UTC(2026, 2, 29, 0, 59), mow(6, 1, 59)],
    ['at spring forward', PARIS, Date.UTC(2026, 2, 29, 1, 0), mow(6, 3, 0)],
    ['one minute after spring forward', PARIS, Date.UTC(2026, 2, 29, 1, 1), mow(6, 3, 1)],
    // Europe/Paris, fall back Sun 25 Oct 2026 01:00 UTC: 03:00 CEST → 02:00 CET
    ['first 02:00 of the autumn Sunday', PARIS, Date.UTC(2026, 9, 25, 0, 0), mow(6, 2, 0)],
    ['before fall back', PARIS, Date.UTC(2026, 9, 25, 0, 59), mow(6, 2, 59)],
    ['at fall back (02:00 again)', PARIS, Date.UTC(2026, 9, 25, 1, 0), mow(6, 2, 0)],
    ['after fall back', PARIS, Date.UTC(2026, 9, 25, 2, 0), mow(6, 3, 0)],
    // Week boundaries in Paris (UTC+1 in winter)
    ['Monday 00:00 local', PARIS, Date.UTC(2026, 10, 29, 23, 0), 0],
    ['Sunday 23:59 local', PARIS, Date.UTC(2026, 10, 29, 22, 59), 10079],
    ['Saturday 28 Nov 2026 13:34 local', PARIS, Date.UTC(2026, 10, 28, 12, 34), mow(5, 13, 34)],
    // America/New_York: 8 Mar 2026 07:00 UTC 02:00 EST → 03:00 EDT; 1 Nov 2026 06:00 UTC 02:00 EDT → 01:00 EST
    ['New York before spring forward', 'America/New_York', Date.UTC(2026, 2, 8, 6, 59), mow(6, 1, 59)],
    ['New York at spring forward', 'America/New_York', Date.UTC(2026, 2, 8, 7, 0), mow(6, 3, 0)],
    ['New York before fall back', 'America/New_York', Date.UTC(2026, 10, 1, 5, 59), mow(6, 1, 59)],
    ['New York at fall back', 'America/New_York', Date.UTC(2026, 10, 1, 6, 0), mow(6, 1, 0)],
    ['New York Saturday 28 Nov 2026 07:34', 'America/New_York', Date.UTC(2026, 10, 28, 12, 34), mow(5, 7, 34)],
    ['UTC Saturday 28 Nov 2026 12:34', 'UTC', Date.UTC(2026, 10, 28, 12, 34), mow(5, 12, 34)],
    ['UTC Monday 00:00', 'UTC', Date.UTC(2026, 10, 30, 0, 0), 0],
    ['UTC before 1970', 'UTC', Date.UTC(1969, 11, 31, 23, 59), mow(2, 23, 59)],
    ['Asia/Kolkata (+05:30)', 'Asia/Kolkata', Date.UTC(2026, 10, 29, 18, 29), mow(6, 23, 59)],
    ['Asia/Kolkata (+05:30) Monday', 'Asia/Kolkata', Date.UTC(2026, 10, 29, 18, 30), 0],
  ])('%s', (_label, zone, ms, expected) => {
    expect(createLocalWeekClock(zone)(ms)).toBe(expected);
  });

  it('never yields the skipped spring hour and yields each autumn minute twice (Paris, 2026)', () => {
    const clock = createLocalWeekClock(PARIS);
    const seen = (from: number, to: number): Map<number, number> => {
      const counts = new Map<number, number>();
      for (let t = from; t < to; t += MIN) counts.set(clock(t), (counts.get(clock(t)) ?? 0) + 1);
      return counts;
    };
    const spring = seen(Date.UTC(2026, 2, 28, 23, 0), Date.UTC(2026, 2, 29, 22, 0)); // local Sunday, 23 h
    expect(spring.size).toBe(23 * 60);
    for (let m = mow(6, 2, 0); m < mow(6, 3, 0); m++) expect(spring.has(m)).toBe(false);
    const autumn = seen(Date.UTC(2026, 9, 24, 22, 0), Date.UTC(2026, 9, 25, 23, 0)); // local Sunday, 25 h
    expect(autumn.size).toBe(24 * 60);
    for (let m = mow(6, 2, 0); m < mow(6, 3, 0); m++) expect(autumn.get(m)).toBe(2);
    expect(autumn.get(mow(6, 1, 59))).toBe(1);
    expect(autumn.get(mow(6, 3, 0))).toBe(1);
  });

  it('memoizes per UTC minute: one formatter call per minute, same value within it', () => {
    const clock = createLocalWeekClock(PARIS);
    const spy = vi.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
    const t = Date.UTC(2026, 10, 28, 12, 34);
    expect(clock(t)).toBe(mow(5, 13, 34));
    expect(clock(t)).toBe(mow(5, 13, 34));
    expect(clock(t + 59_999)).toBe(mow(5, 13, 34));
    expect(clock(t + 30_500)).toBe(mow(5, 13, 34));
    expect(spy).toHaveBeenCalledTimes(1);
    expect(clock(t + MIN)).toBe(mow(5, 13, 35));
    expect(clock(t + MIN + 1)).toBe(mow(5, 13, 35));
    expect(spy).toHaveBeenCalledTimes(2);
    expect(clock(t - 1)).toBe(mow(5, 13, 33)); // going back in time recomputes
    expect(clock(t)).toBe(mow(5, 13, 34));
    expect(spy).toHaveBeenCalledTimes(4);
  });

  it('keeps one cache per clock: zones do not leak into each other', () => {
    const paris = createLocalWeekClock(PARIS);
    const newYork = createLocalWeekClock('America/New_York');
    const utc = createLocalWeekClock('UTC');
    const t = Date.UTC(2026, 10, 28, 12, 34, 20);
    for (let i = 0; i < 3; i++) {
      expect(paris(t)).toBe(mow(5, 13, 34));
      expect(newYork(t)).toBe(mow(5, 7, 34));
      expect(utc(t)).toBe(mow(5, 12, 34));
    }
  });

  it('throws RangeError for an unknown zone and for NaN', () => {
    expect(() => createLocalWeekClock('Mars/Olympus')).toThrow(RangeError);
    expect(() => createLocalWeekClock(PARIS)(Number.NaN)).toThrow(RangeError);
  });
});

describe('localDateParts', () => {
  it.each([
    [Date.UTC(2026, 10, 28, 12, 34), PARIS, { year: 2026, month: 11, day: 28, weekday: 5, hour: 13, minute: 34 }],
    [Date.UTC(2026, 11, 31, 23, 30), PARIS, { year: 2027, month: 1, day: 1, weekday: 4, hour: 0, minute: 30 }],
    [Date.UTC(2026, 11, 31, 23, 30), 'UTC', { year: 2026, month: 12, day: 31, weekday: 3, hour: 23, minute: 30 }],
    [Date.UTC(2027, 0, 1, 3, 0), 'America/New_York', { year: 2026, month: 12, day: 31, weekday: 3, hour: 22, minute: 0 }],
    [Date.UTC(2026, 9, 25, 0, 30), PARIS, { year: 2026, month: 10, day: 25, weekday: 6, hour: 2, minute: 30 }],
    [Date.UTC(2026, 9, 25, 1, 30), PARIS, { year: 2026, month: 10, day: 25, weekday: 6, hour: 2, minute: 30 }],
    [Date.UTC(2026, 2, 29, 1, 0), PARIS, { year: 2026, month: 3, day: 29, weekday: 6, hour: 3, minute: 0 }],
    [Date.UTC(2028, 1, 29, 12, 0), 'UTC', { year: 2028, month: 2, day: 29, weekday: 1, hour: 12, minute: 0 }],
  ])('%s in %s', (ms, zone, expected) => {
    expect(localDateParts(ms, zone)).toEqual(expected);
  });
});

describe('startOfLocalDay / addLocalDays / startOfLocalWeek', () => {
  it.each([
    // [label, zone, an instant of the day, its local midnight, length of the day in hours]
    ['Paris, spring forward Sunday', PARIS, Date.UTC(2026, 2, 29, 12, 0), Date.UTC(2026, 2, 28, 23, 0), 23],
    ['Paris, just after the jump', PARIS, Date.UTC(2026, 2, 29, 1, 0), Date.UTC(2026, 2, 28, 23, 0), 23],
    ['Paris, fall back Sunday', PARIS, Date.UTC(2026, 9, 25, 12, 0), Date.UTC(2026, 9, 24, 22, 0), 25],
    ['Paris, in the repeated hour', PARIS, Date.UTC(2026, 9, 25, 1, 30), Date.UTC(2026, 9, 24, 22, 0), 25],
    ['Paris, ordinary winter day', PARIS, Date.UTC(2026, 10, 28, 23, 30), Date.UTC(2026, 10, 28, 23, 0), 24],
    ['Paris, the day before spring forward', PARIS, Date.UTC(2026, 2, 28, 22, 59), Date.UTC(2026, 2, 27, 23, 0), 24],
    ['New York, spring forward Sunday', 'America/New_York', Date.UTC(2026, 2, 8, 20, 0), Date.UTC(2026, 2, 8, 5, 0), 23],
    ['New York, fall back Sunday', 'America/New_York', Date.UTC(2026, 10, 1, 20, 0), Date.UTC(2026, 10, 1, 4, 0), 25],
    ['UTC', 'UTC', Date.UTC(2026, 10, 28, 23, 59, 59, 999), Date.UTC(2026, 10, 28), 24],
    // Santiago skips midnight (Sat 24:00 → Sun 01:00): the day starts at 01:00 local
    ['Santiago, midnight skipped', 'America/Santiago', Date.UTC(2026, 8, 6, 15, 0), Date.UTC(2026, 8, 6, 4, 0), 23],
    // Santiago falls back at Sat 24:00 → 23:00: Saturday lasts 25 h, Sunday starts once
    ['Santiago, 25-h Saturday', 'America/Santiago', Date.UTC(2026, 3, 5, 3, 30), Date.UTC(2026, 3, 4, 3, 0), 25],
    ['Santiago, Sunday after fall back', 'America/Santiago', Date.UTC(2026, 3, 5, 12, 0), Date.UTC(2026, 3, 5, 4, 0), 24],
  ])('%s', (_label, zone, ms, midnight, hours) => {
    const start = startOfLocalDay(ms, zone);
    expect(start).toBe(midnight);
    expect(addLocalDays(start, 1, zone) - start).toBe(hours * H);
    expect(startOfLocalDay(start, zone)).toBe(start);
  });

  it('adds calendar days across DST changes, forwards and backwards', () => {
    const fri = Date.UTC(2026, 2, 26, 23, 0); // Fri 27 Mar 2026 00:00 CET
    expect(addLocalDays(fri, 3, PARIS)).toBe(Date.UTC(2026, 2, 29, 22, 0)); // Mon 30 Mar 00:00 CEST
    expect(addLocalDays(Date.UTC(2026, 2, 29, 22, 0), -3, PARIS)).toBe(fri);
    expect(addLocalDays(fri, 0, PARIS)).toBe(fri);
    expect(addLocalDays(Date.UTC(2026, 2, 27, 9, 0), 1, PARIS)).toBe(Date.UTC(2026, 2, 27, 23, 0)); // any instant of the day
    expect(addLocalDays(Date.UTC(2026, 11, 30, 23, 0), 2, PARIS)).toBe(Date.UTC(2027, 0, 1, 23, 0)); // over the new year
    expect(() => addLocalDays(fri, 1.5, PARIS)).toThrow(RangeError);
  });

  it.each([
    ['week of the spring change (167 h)', PARIS, Date.UTC(2026, 2, 29, 12, 0), Date.UTC(2026, 2, 22, 23, 0), 167],
    ['week of the autumn change (169 h)', PARIS, Date.UTC(2026, 9, 25, 12, 0), Date.UTC(2026, 9, 18, 22, 0), 169],
    ['Monday 00:00 exactly', PARIS, Date.UTC(2026, 2, 29, 22, 0), Date.UTC(2026, 2, 29, 22, 0), 168],
    ['Sunday 23:59 local', PARIS, Date.UTC(2026, 10, 29, 22, 59), Date.UTC(2026, 10, 22, 23, 0), 168],
    ['across the new year', PARIS, Date.UTC(2027, 0, 1, 12, 0), Date.UTC(2026, 11, 27, 23, 0), 168],
    ['UTC', 'UTC', Date.UTC(2026, 10, 28, 12, 0), Date.UTC(2026, 10, 23), 168],
  ])('startOfLocalWeek: %s', (_label, zone, ms, monday, hours) => {
    const start = startOfLocalWeek(ms, zone);
    expect(start).toBe(monday);
    expect(localDateParts(start, zone)).toMatchObject({ weekday: 0, hour: 0, minute: 0 });
    expect(addLocalDays(start, 7, zone) - start).toBe(hours * H);
  });
});

describe('ISO weeks', () => {
  it.each([
    ['2026-11-28', Date.UTC(2026, 10, 28, 12, 0), PARIS, 2026, 48],
    ['2026-01-01 (Thursday: week 1)', Date.UTC(2026, 0, 1, 12, 0), PARIS, 2026, 1],
    ['2025-12-29 (Monday of 2026-W01)', Date.UTC(2025, 11, 29, 12, 0), PARIS, 2026, 1],
    ['2025-12-28 (Sunday)', Date.UTC(2025, 11, 28, 12, 0), PARIS, 2025, 52],
    ['2026-12-31 (Thursday)', Date.UTC(2026, 11, 31, 12, 0), PARIS, 2026, 53],
    ['2027-01-01 (Friday, still 2026-W53)', Date.UTC(2027, 0, 1, 12, 0), PARIS, 2026, 53],
    ['2027-01-03 (Sunday)', Date.UTC(2027, 0, 3, 12, 0), PARIS, 2026, 53],
    ['2027-01-04 (Monday)', Date.UTC(2027, 0, 4, 12, 0), PARIS, 2027, 1],
    ['Sun 3 Jan 23:30 UTC is Monday in Paris', Date.UTC(2027, 0, 3, 23, 30), PARIS, 2027, 1],
    ['… and still Sunday in UTC', Date.UTC(2027, 0, 3, 23, 30), 'UTC', 2026, 53],
    ['… and in New York', Date.UTC(2027, 0, 4, 3, 0), 'America/New_York', 2026, 53],
    ['2021-01-03 (2020 had 53 weeks)', Date.UTC(2021, 0, 3, 12, 0), 'UTC', 2020, 53],
    ['2024-12-30 (Monday of 2025-W01)', Date.UTC(2024, 11, 30, 12, 0), 'UTC', 2025, 1],
  ])('isoWeekOf %s', (_label, ms, zone, year, week) => {
    expect(isoWeekOf(ms, zone)).toEqual({ year, week });
  });

  it.each([[2015, 53], [2020, 53], [2021, 52], [2025, 52], [2026, 53], [2027, 52]])('isoWeeksInYear(%i) = %i', (year, weeks) => {
    expect(isoWeeksInYear(year)).toBe(weeks);
  });

  it.each([
    [2026, 48, PARIS, Date.UTC(2026, 10, 22, 23, 0)],
    [2026, 1, PARIS, Date.UTC(2025, 11, 28, 23, 0)],
    [2026, 53, PARIS, Date.UTC(2026, 11, 27, 23, 0)],
    [2027, 1, PARIS, Date.UTC(2027, 0, 3, 23, 0)],
    [2026, 14, PARIS, Date.UTC(2026, 2, 29, 22, 0)], // first Monday in summer time
    [2026, 48, 'UTC', Date.UTC(2026, 10, 23)],
    [2026, 48, 'America/New_York', Date.UTC(2026, 10, 23, 5, 0)],
  ])('startOfIsoWeek(%i, %i, %s)', (year, week, zone, expected) => {
    expect(startOfIsoWeek(year, week, zone)).toBe(expected);
  });

  it('round-trips every week of 2026 and 2027 with isoWeekOf and startOfLocalWeek', () => {
    for (const year of [2026, 2027]) {
      for (let week = 1; week <= isoWeeksInYear(year); week++) {
        const start = startOfIsoWeek(year, week, PARIS);
        expect(isoWeekOf(start, PARIS)).toEqual({ year, week });
        expect(isoWeekOf(start - 1, PARIS)).not.toEqual({ year, week });
        expect(startOfLocalWeek(start + 3 * 24 * H, PARIS)).toBe(start);
      }
    }
  });

  it.each([[2026, 0], [2026, 54], [2027, 53], [2026, 1.5]])('startOfIsoWeek(%i, %s) throws RangeError', (year, week) => {
    expect(() => startOfIsoWeek(year, week, PARIS)).toThrow(RangeError);
  });
});
