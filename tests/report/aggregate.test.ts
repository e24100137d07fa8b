/**
 * buildWeeklyReport over a real logs.db: attempts placed at chosen local instants (Europe/Paris),
 * around the week's edges and DST changes.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations, runMigrations } from '../../src/store/migrations.js';
import { buildWeeklyReport } from '../../src/report/aggregate.js';
import { readCatalog } from '../../src/report/report-from-files.js';
import { loadServiceNames } from '../../src/report/service-names.js';
import { reportWeek } from '../../src/report/week.js';
import type { Device } from '../../src/policy/model.js';
import { addAttempts, addDailyCounts, device, openLogs, PARIS, useTempDir, type TestAttempt } from './report-fixtures.js';

const catalog = readCatalog('lists');
const services = loadServiceNames('lists', catalog);
const LEA = 'mac:02:00:5e:00:00:01';
const W48 = reportWeek(2026, 48, PARIS); // Mon 23 Nov 2026 00:00 CET = 22 Nov 23:00 UTC
const at = (day: number, hour: number, minute = 0) => Date.UTC(2026, 10, 22 + day, hour - 1, minute); // local CET (+01:00) of W48's day 1..7

function build(attempts: readonly TestAttempt[], devices: readonly Device[] = [], week = W48, daily: Parameters<typeof addDailyCounts>[1] = [], dir = '') {
  const db = openLogs(dir);
  try {
    addAttempts(db, attempts);
    addDailyCounts(db, daily);
    return buildWeeklyReport({ logsDb: db, devices, catalog, services, timeZone: PARIS, week, now: Date.UTC(2026, 10, 30, 8) });
  } finally {
    db.close();
  }
}

describe('buildWeeklyReport', () => {
  const dir = useTempDir();

  it('keeps Sunday 23:30 local in the week and leaves Monday 00:00 local to the next', () => {
    const r = build([
      { time: at(7, 23, 30), category: 'dating', rule: 'tinder.com', device: LEA }, // Sun 29 Nov 23:30
      { time: at(8, 0, 0), category: 'dating', rule: 'tinder.com', device: LEA }, // Mon 30 Nov 00:00
      { time: at(1, 0, 0), category: 'dating', rule: 'tinder.com', device: LEA }, // Mon 23 Nov 00:00
      { time: at(1, 0, 0) - 1, category: 'dating', rule: 'tinder.com', device: LEA }, // Sun 22 Nov 23:59:59.999
    ], [device(LEA, { name: 'Léa phone', profileId: 'teen' })], W48, [], dir());
    const lea = r.devices[0]!;
    expect(lea).toMatchObject({ id: LEA, label: 'Léa phone', profileId: 'teen', newDevice: false });
    expect(lea.totals.blocked).toBe(2);
    expect(lea.byDay).toEqual([1, 0, 0, 0, 0, 0, 1]);
    expect(lea.heatmap[6]![23]).toBe(1);
    expect(lea.heatmap[0]![0]).toBe(1);
    expect(lea.totals.trend).toEqual({ current: 2, previous: 1, percent: 100 });
    expect(r.week).toEqual({ id: '2026-W48', start: W48.start, end: W48.end, days: W48.days, hours: 168 });
    expect(r.previousWeek.id).toBe('2026-W47');
  });

  it('puts both 02:30 of the autumn DST Sunday in hour 2, and keeps the 169-hour week whole', () => {
    const w43 = reportWeek(2026, 43, PARIS);
    const r = build([
      { time: Date.UTC(2026, 9, 25, 0, 30), category: 'gaming', rule: 'roblox.com' }, // 02:30 CEST
      { time: Date.UTC(2026, 9, 25, 1, 30), category: 'gaming', rule: 'roblox.com' }, // 02:30 CET
      { time: Date.UTC(2026, 9, 25, 22, 30), category: 'gaming', rule: 'roblox.com' }, // Sun 23:30 CET
      { time: Date.UTC(2026, 9, 25, 23, 0), category: 'gaming', rule: 'roblox.com' }, // Mon 26 Oct 00:00 CET: next week
      { time: Date.UTC(2026, 9, 18, 22, 0), category: 'gaming', rule: 'roblox.com' }, // Mon 19 Oct 00:00 CEST
    ], [], w43, [], dir());
    const d = r.devices[0]!;
    expect(d.label).toBe('192.0.2.10');
    expect(d.heatmap[6]![2]).toBe(2);
    expect(d.heatmap[6]![23]).toBe(1);
    expect(d.heatmap[0]![0]).toBe(1);
    expect(d.byDay).toEqual([1, 0, 0, 0, 0, 0, 3]);
    expect(r.week.hours).toBe(169);
  });

  it('counts by category and day with the previous week alongside, titles from the catalog', () => {
    const r = build([
      { time: at(2, 10), category: 'social-media', rule: 'tiktok.com' },
      { time: at(2, 11), category: 'social-media', rule: 'tiktok.com' },
      { time: at(4, 20), category: 'dating', rule: 'tinder.com' },
      { time: at(-5, 12), category: 'gaming', rule: 'roblox.com' }, // previous week only
      { time: at(-5, 13), category: 'dating', rule: 'tinder.com' },
    ], [], W48, [], dir());
    const byCategory = r.devices[0]!.byCategory.map((c) => [c.category, c.count, c.prev, c.byDay.join('')]);
    expect(byCategory).toEqual([
      ['social-media', 2, 0, '0200000'],
      ['dating', 1, 1, '0001000'],
      ['gaming', 0, 1, '0000000'],
    ]);
    expect(r.devices[0]!.byCategory[1]!.title).toEqual(catalog.find((e) => e.category === 'dating')!.title);
    expect(r.home).toMatchObject({ blocked: 3, trend: { current: 3, previous: 2, percent: 50 } });
  });

  it('reports a first attempt ever on a high-risk category, not a repeated one, nor a low-risk one', () => {
    const r = build([
      { time: Date.UTC(2026, 9, 1), category: 'anonymous-chat', rule: 'coco.gg', device: LEA }, // October: not first
      { time: at(3, 21, 14), category: 'anonymous-chat', rule: 'coco.gg', device: LEA },
      { time: at(3, 21, 14), category: 'random-video-chat', rule: 'ome.tv', name: 'www.ome.tv', device: LEA },
      { time: at(3, 22, 0), category: 'random-video-chat', rule: 'ome.tv', device: LEA }, // second this week
      { time: at(4, 9, 0), category: 'dating', rule: 'tinder.com', device: LEA }, // first, but not high-risk
      { time: at(5, 9, 0), category: 'teen-meetup', rule: 'yubo.live', device: 'ip:192.0.2.30' },
    ], [], W48, [], dir());
    const lea = r.devices.find((d) => d.id === LEA)!;
    expect(lea.firstEver).toEqual([{ category: 'random-video-chat', title: expect.objectContaining({ en: expect.any(String) }), name: 'www.ome.tv', time: at(3, 21, 14) }]);
    expect(r.devices.find((d) => d.id === 'ip:192.0.2.30')!.firstEver.map((f) => f.category)).toEqual(['teen-meetup']);
    expect(r.home.firstEver).toBe(2);
  });

  it('groups sites by service (top 3 names each) and tells bypass attempts apart', () => {
    const r = build([
      ...Array.from({ length: 3 }, () => ({ time: at(1, 9), category: 'dating', rule: 'tinder.com', name: 'api.tinder.com' })),
      { time: at(1, 9), category: 'dating', rule: 'gotinder.com', name: 'api.gotinder.com' },
      { time: at(1, 9), category: 'dating', rule: 'tinder.com' },
      { time: at(1, 9), category: 'dating', rule: 'tinder.com', name: 'www.tinder.com' },
      { time: at(1, 10), category: 'bypass', rule: 'dns.google' },
      { time: at(1, 10), category: 'bypass', rule: 'dns.google' },
      { time: at(1, 10), category: 'bypass', rule: 'use-application-dns.net' },
      { time: at(1, 10), category: 'custom', rule: 'games.example', name: 'play.games.example' },
    ], [], W48, [], dir());
    const d = r.devices[0]!;
    expect(d.topServices[0]).toEqual({ service: 'Tinder', category: 'dating', count: 6, names: ['api.tinder.com', 'api.gotinder.com', 'tinder.com'] });
    expect(d.topServices.find((s) => s.category === 'custom')).toMatchObject({ service: 'games.example', count: 1 });
    expect(d.bypass).toEqual({ count: 3, byService: [{ service: 'Google Public DNS DoH', count: 2 }, { service: 'Firefox DoH canary', count: 1 }] });
    expect(r.home.bypass).toBe(3);
  });

  it('lists devices seen this week with zeros, flags new ones, and counts lookups from the daily counters', () => {
    const tv = 'mac:02:00:5e:00:00:02';
    const old = 'mac:02:00:5e:00:00:03';
    const r = build(
      [{ time: at(2, 18), category: 'video-streaming', rule: 'netflix.com', device: LEA }],
      [
        device(LEA, { name: 'Léa phone', firstSeen: Date.UTC(2026, 0, 1) }),
        device(tv, { hostname: 'tv.home.test', firstSeen: at(3, 8), lastSeen: at(6, 8) }),
        device(old, { name: 'Old laptop', firstSeen: Date.UTC(2026, 0, 1), lastSeen: Date.UTC(2026, 5, 1) }),
      ],
      W48,
      [
        { day: '2026-11-23', device: LEA, queries: 100 },
        { day: '2026-11-29', device: LEA, queries: 50 },
        { day: '2026-11-30', device: LEA, queries: 1000 }, // next week
        { day: '2026-11-25', device: tv, queries: 7 },
      ],
      dir(),
    );
    expect(r.devices.map((d) => d.id)).toEqual([LEA, tv]);
    expect(r.devices[0]!.totals).toMatchObject({ blocked: 1, queries: 150, queriesByDay: [100, 0, 0, 0, 0, 0, 50] });
    expect(r.devices[1]).toMatchObject({ label: 'tv.home.test', newDevice: true, totals: { blocked: 0, queries: 7 }, byCategory: [], topServices: [] });
    expect(r.newDevices).toEqual([{ id: tv, label: 'tv.home.test', firstSeen: at(3, 8) }]);
    expect(r.home.queries).toBe(157);
  });

  it('is plain JSON data', () => {
    const r = build([{ time: at(2, 10), category: 'social-media', rule: 'tiktok.com' }], [], W48, [], dir());
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('reads a log still at schema version 2 (no counters, first attempts found by a scan)', () => {
    const db = new Database(join(dir(), 'v2.db'));
    try {
      runMigrations(db, migrations.slice(0, 2));
      addAttempts(db, [
        { time: Date.UTC(2026, 9, 1), category: 'anonymous-chat', rule: 'coco.gg', device: LEA },
        { time: at(2, 20), category: 'anonymous-chat', rule: 'coco.gg', device: LEA },
        { time: at(2, 21), category: 'random-video-chat', rule: 'ome.tv', device: LEA },
      ]);
      const r = buildWeeklyReport({ logsDb: db, devices: [], catalog, services, timeZone: PARIS, week: W48, now: 0 });
      expect(r.devices[0]!.firstEver.map((f) => [f.category, f.time])).toEqual([['random-video-chat', at(2, 21)]]);
      expect(r.devices[0]!.totals).toMatchObject({ blocked: 2, queries: 0 });
    } finally {
      db.close();
    }
  });
});
