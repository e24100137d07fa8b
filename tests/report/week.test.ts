import { describe, expect, it } from 'vitest';
import { formatWeekId, parseWeekId, previousWeek, reportWeek, resolveWeek, weekBuckets, weekContaining } from '../../src/report/week.js';
import { HOUR, PARIS } from './report-fixtures.js';

describe('parseWeekId', () => {
  it.each([
    ['2026-W48', { year: 2026, week: 48 }],
    ['2027-W01', { year: 2027, week: 1 }],
    [' 2026-W53 ', { year: 2026, week: 53 }],
  ])('%s', (text, expected) => {
    expect(parseWeekId(text)).toEqual(expected);
    expect(formatWeekId(expected)).toBe(text.trim());
  });

  it.each(['2026-48', '2026-W5', 'W48', '2026-w48', '2026-W480', ''])('refuses %j', (text) => {
    expect(() => parseWeekId(text)).toThrow(RangeError);
  });
});

describe('reportWeek (Europe/Paris)', () => {
  it.each([
    // [id, Monday 00:00 local as UTC, next Monday 00:00 local as UTC, hours, first day, last day]
    ['2026-W48', Date.UTC(2026, 10, 22, 23), Date.UTC(2026, 10, 29, 23), 168, '2026-11-23', '2026-11-29'],
    ['2026-W13', Date.UTC(2026, 2, 22, 23), Date.UTC(2026, 2, 29, 22), 167, '2026-03-23', '2026-03-29'], // spring forward Sun 29 Mar
    ['2026-W43', Date.UTC(2026, 9, 18, 22), Date.UTC(2026, 9, 25, 23), 169, '2026-10-19', '2026-10-25'], // fall back Sun 25 Oct
    ['2026-W53', Date.UTC(2026, 11, 27, 23), Date.UTC(2027, 0, 3, 23), 168, '2026-12-28', '2027-01-03'],
    ['2027-W01', Date.UTC(2027, 0, 3, 23), Date.UTC(2027, 0, 10, 23), 168, '2027-01-04', '2027-01-10'],
  ])('%s', (id, start, end, hours, first, last) => {
    const { year, week } = parseWeekId(id);
    const w = reportWeek(year, week, PARIS);
    expect(w).toMatchObject({ id, start, end });
    expect((w.end - w.start) / HOUR).toBe(hours);
    expect(w.days).toHaveLength(7);
    expect(w.days[0]).toBe(first);
    expect(w.days[6]).toBe(last);
    expect(w.dayStarts).toHaveLength(8);
    expect(w.dayStarts[7]).toBe(end);
  });

  it('gives the DST Sunday its 23 or 25 hours', () => {
    const spring = reportWeek(2026, 13, PARIS);
    const autumn = reportWeek(2026, 43, PARIS);
    expect((spring.dayStarts[7]! - spring.dayStarts[6]!) / HOUR).toBe(23);
    expect((autumn.dayStarts[7]! - autumn.dayStarts[6]!) / HOUR).toBe(25);
  });

  it('refuses a week the year does not have', () => {
    expect(() => reportWeek(2025, 53, PARIS)).toThrow(RangeError);
    expect(() => reportWeek(2026, 0, PARIS)).toThrow(RangeError);
  });
});

describe('weekContaining, previousWeek, resolveWeek', () => {
  it('puts Sunday 23:30 local in its week and Monday 00:00 local in the next', () => {
    expect(weekContaining(Date.UTC(2026, 10, 29, 22, 30), PARIS).id).toBe('2026-W48');
    expect(weekContaining(Date.UTC(2026, 10, 29, 23, 0), PARIS).id).toBe('2026-W49');
    expect(weekContaining(Date.UTC(2026, 10, 29, 23, 0), 'UTC').id).toBe('2026-W48');
  });

  it('steps back across years and DST', () => {
    expect(previousWeek(reportWeek(2027, 1, PARIS), PARIS).id).toBe('2026-W53');
    expect(previousWeek(reportWeek(2026, 44, PARIS), PARIS)).toMatchObject({ id: '2026-W43', end: Date.UTC(2026, 9, 25, 23) });
  });

  it.each([
    [undefined, '2026-W47'],
    ['last', '2026-W47'],
    ['this', '2026-W48'],
    ['2026-W13', '2026-W13'],
  ])('resolves %j on Wednesday 25 Nov 2026', (text, id) => {
    expect(resolveWeek(text, Date.UTC(2026, 10, 25, 12), PARIS).id).toBe(id);
  });

  it('refuses anything else', () => {
    expect(() => resolveWeek('yesterday', 0, PARIS)).toThrow(RangeError);
  });
});

describe('weekBuckets', () => {
  it('maps hour buckets to local weekday and hour across the autumn change (02:00 twice)', () => {
    const w = reportWeek(2026, 43, PARIS);
    const b = weekBuckets(w, PARIS);
    expect(b.bucketMs).toBe(HOUR);
    expect(b.day).toHaveLength(169);
    const at = (ms: number) => Math.floor((ms - w.start) / HOUR);
    // 02:30 CEST then 02:30 CET on Sunday 25 Oct: both hour 2 of Sunday.
    expect([b.day[at(Date.UTC(2026, 9, 25, 0, 30))], b.hour[at(Date.UTC(2026, 9, 25, 0, 30))]]).toEqual([6, 2]);
    expect([b.day[at(Date.UTC(2026, 9, 25, 1, 30))], b.hour[at(Date.UTC(2026, 9, 25, 1, 30))]]).toEqual([6, 2]);
    expect([b.day[168], b.hour[168]]).toEqual([6, 23]);
    expect([b.day[0], b.hour[0]]).toEqual([0, 0]);
  });

  it('has no 02:00 on the spring Sunday', () => {
    const w = reportWeek(2026, 13, PARIS);
    const b = weekBuckets(w, PARIS);
    const sunday = [...b.hour].filter((_, i) => b.day[i] === 6);
    expect(sunday).toHaveLength(23);
    expect(sunday).not.toContain(2);
  });

  it('uses 15-minute buckets where the offset is not whole hours (India, +05:30)', () => {
    const w = reportWeek(2026, 48, 'Asia/Kolkata');
    const b = weekBuckets(w, 'Asia/Kolkata');
    expect(b.bucketMs).toBe(15 * 60_000);
    expect(b.day).toHaveLength(7 * 24 * 4);
    expect([b.day[0], b.hour[0], b.day[4 * 24 * 7 - 1], b.hour[4 * 24 * 7 - 1]]).toEqual([0, 0, 6, 23]);
  });
});
