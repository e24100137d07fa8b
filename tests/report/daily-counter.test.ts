import { describe, expect, it } from 'vitest';
import { createDailyCounter } from '../../src/report/daily-counter.js';
import { counterCutoffDay, createCounterPruner } from '../../src/report/prune-counters.js';
import { addAttempts, addDailyCounts, DAY, openLogs, PARIS, useTempDir } from './report-fixtures.js';

const A = 'ip:192.0.2.10';
const B = 'mac:02:00:5e:00:00:01';
type Row = { day: string; device: string; queries: number; blocked: number };

describe('daily counter', () => {
  const dir = useTempDir('vigie-counter-');
  const rows = (db: ReturnType<typeof openLogs>): Row[] => db.prepare('SELECT day, device, queries, blocked FROM daily_counts ORDER BY day, device').all() as Row[];

  it('adds each flush to the stored counts (UPSERT), one row per local day and device', () => {
    const db = openLogs(dir());
    const counter = createDailyCounter({ db, clock: () => 0, timeZone: PARIS });
    const noon = Date.UTC(2026, 10, 25, 11);
    counter.count(A, false, noon);
    counter.count(A, true, noon + 1);
    counter.count(B, false, noon + 2);
    expect(counter.stats()).toMatchObject({ pending: 2 });
    expect(counter.flush()).toBe(2);
    counter.count(A, true, noon + 3);
    expect(counter.flush()).toBe(1);
    expect(counter.flush()).toBe(0); // nothing new: nothing written
    expect(rows(db)).toEqual([
      { day: '2026-11-25', device: A, queries: 3, blocked: 2 },
      { day: '2026-11-25', device: B, queries: 1, blocked: 0 },
    ]);
    expect(counter.stats()).toMatchObject({ pending: 0, written: 3, dropped: 0 });
    db.close();
  });

  it.each([
    // [case, instant, local date]
    ['23:59:59 local, winter (CET)', Date.UTC(2026, 10, 25, 22, 59, 59), '2026-11-25'],
    ['00:00 local, winter', Date.UTC(2026, 10, 25, 23, 0), '2026-11-26'],
    ['23:30 local, summer (CEST)', Date.UTC(2026, 6, 14, 21, 30), '2026-07-14'],
    ['00:30 local, summer', Date.UTC(2026, 6, 14, 22, 30), '2026-07-15'],
    ['23:30 on the 25-hour autumn Sunday', Date.UTC(2026, 9, 25, 22, 30), '2026-10-25'],
    ['00:30 the Monday after', Date.UTC(2026, 9, 25, 23, 30), '2026-10-26'],
    ['03:30 on the 23-hour spring Sunday', Date.UTC(2026, 2, 29, 1, 30), '2026-03-29'],
  ])('files %s under its local date', (_, instant, day) => {
    const db = openLogs(dir());
    const counter = createDailyCounter({ db, clock: () => 0, timeZone: PARIS });
    counter.count(A, false, instant);
    counter.flush();
    expect(rows(db).map((r) => r.day)).toEqual([day]);
    db.close();
  });

  it('rolls over at local midnight between two flushes, and back if the clock steps back', () => {
    const db = openLogs(dir());
    const counter = createDailyCounter({ db, clock: () => 0, timeZone: PARIS });
    const midnight = Date.UTC(2026, 10, 25, 23, 0); // 26 Nov 00:00 CET
    counter.count(A, false, midnight - 1);
    counter.count(A, true, midnight);
    counter.count(A, false, midnight - 2); // a late query of the day before
    counter.count(A, false, midnight + 1);
    expect(counter.flush()).toBe(2);
    expect(rows(db)).toEqual([
      { day: '2026-11-25', device: A, queries: 2, blocked: 0 },
      { day: '2026-11-26', device: A, queries: 2, blocked: 1 },
    ]);
    db.close();
  });

  it('holds at most maxDevices per day between flushes and counts the rest as dropped', () => {
    const db = openLogs(dir());
    const counter = createDailyCounter({ db, clock: () => 0, timeZone: PARIS, maxDevices: 2 });
    const t = Date.UTC(2026, 10, 25, 12);
    counter.count('ip:192.0.2.1', false, t);
    counter.count('ip:192.0.2.2', false, t);
    counter.count('ip:192.0.2.3', false, t);
    counter.count('ip:192.0.2.1', false, t); // known: still counted
    expect(counter.stats().dropped).toBe(1);
    expect(counter.flush()).toBe(2);
    counter.count('ip:192.0.2.3', false, t); // the full map was emptied by the flush
    expect(counter.flush()).toBe(1);
    expect(rows(db).map((r) => [r.device, r.queries])).toEqual([['ip:192.0.2.1', 2], ['ip:192.0.2.2', 1], ['ip:192.0.2.3', 1]]);
    db.close();
  });

  it('keeps the counts when a flush fails, and writes them on the next one', () => {
    const db = openLogs(dir());
    const errors: unknown[] = [];
    const counter = createDailyCounter({ db, clock: () => 0, timeZone: PARIS, onError: (e) => errors.push(e) });
    counter.count(A, true, Date.UTC(2026, 10, 25, 12));
    db.exec('ALTER TABLE daily_counts RENAME TO away');
    expect(counter.flush()).toBe(0);
    expect(errors).toHaveLength(1);
    expect(counter.stats()).toMatchObject({ failedFlushes: 1, pending: 1 });
    db.exec('ALTER TABLE away RENAME TO daily_counts');
    counter.count(A, false, Date.UTC(2026, 10, 25, 13));
    expect(counter.flush()).toBe(1);
    expect(rows(db)).toEqual([{ day: '2026-11-25', device: A, queries: 2, blocked: 1 }]);
    db.close();
  });

  it('drops (and counts) an instant that is not a number, and flushes on stop', () => {
    const db = openLogs(dir());
    const counter = createDailyCounter({ db, clock: () => 0, timeZone: PARIS });
    counter.count(A, false, Number.NaN);
    counter.count(A, false, Date.UTC(2026, 10, 25, 12));
    counter.start();
    counter.start();
    counter.stop();
    expect(counter.stats()).toMatchObject({ dropped: 1, written: 1 });
    expect(rows(db)).toHaveLength(1);
    db.close();
  });
});

describe('counter pruner', () => {
  const dir = useTempDir('vigie-counter-prune-');

  it.each([
    [Date.UTC(2026, 10, 25, 12), 366, '2025-11-24'],
    [Date.UTC(2026, 10, 25, 23, 30), 366, '2025-11-25'], // already 26 Nov in Paris
    [Date.UTC(2026, 2, 1, 12), 1, '2026-02-28'],
  ])('cutoff of %d keeping %d days is %s', (now, days, cutoff) => {
    expect(counterCutoffDay(now, days, PARIS)).toBe(cutoff);
  });

  it('deletes days past the retention in small batches and keeps the rest', async () => {
    const db = openLogs(dir());
    const now = Date.UTC(2026, 10, 25, 12);
    const days: { day: string; device: string; queries: number }[] = [];
    for (let back = 0; back < 400; back++) {
      const day = new Date(Date.UTC(2026, 10, 25 - back)).toISOString().slice(0, 10);
      for (const device of ['ip:192.0.2.1', 'ip:192.0.2.2']) days.push({ day, device, queries: 1 });
    }
    addDailyCounts(db, days);
    const pruner = createCounterPruner({ db, clock: () => now, timeZone: PARIS, batchRows: 7 });
    expect(await pruner.run()).toBe((400 - 367) * 2); // kept: today and the 366 days before
    expect(db.prepare('SELECT min(day) FROM daily_counts').pluck().get()).toBe('2025-11-24');
    expect(await pruner.run()).toBe(0);
    await pruner.stop();
    db.close();
  });

  it('forgets the first attempts of devices gone quiet for longer than the retention', async () => {
    const db = openLogs(dir());
    const now = Date.UTC(2026, 10, 25, 12);
    addAttempts(db, [
      { time: now - 400 * DAY, category: 'anonymous-chat', rule: 'coco.gg', device: 'ip:192.0.2.1' }, // quiet since
      { time: now - 400 * DAY, category: 'anonymous-chat', rule: 'coco.gg', device: 'ip:192.0.2.2' },
      { time: now - 10 * DAY, category: 'dating', rule: 'tinder.com', device: 'ip:192.0.2.2' }, // still active
      { time: now - 30 * DAY, category: 'anonymous-chat', rule: 'coco.gg', device: 'ip:192.0.2.3' }, // recent first
    ]);
    db.prepare('DELETE FROM blocked_attempts WHERE time < ?').run(now - 90 * DAY); // the log pruner's part
    const pruner = createCounterPruner({ db, clock: () => now, timeZone: PARIS });
    expect(await pruner.run()).toBe(1);
    const left = db.prepare('SELECT device, category FROM first_attempts ORDER BY device, category').all();
    expect(left).toEqual([
      { device: 'ip:192.0.2.2', category: 'anonymous-chat' },
      { device: 'ip:192.0.2.2', category: 'dating' },
      { device: 'ip:192.0.2.3', category: 'anonymous-chat' },
    ]);
    db.close();
  });
});
