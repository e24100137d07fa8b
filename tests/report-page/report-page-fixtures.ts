/**
 * Data for the report page tests: three devices in config.db (one named with HTML, one with a
 * spreadsheet formula) and blocked attempts in logs.db during week 2026-W48 (Monday 23 to Sunday
 * 29 November, Paris, UTC+1) and the week before. The harness clock stands on Wednesday
 * 25 November 2026, 12:30 in Paris. Documentation addresses and .test names only.
 */
import { createDeviceStore } from '../../src/policy/device-store.js';
import type { AdminHarness } from '../admin/harness.js';
import { addAttempts, addDailyCounts } from '../report/report-fixtures.js';

export const LEA = 'mac:02:00:5e:00:00:01';
export const EVIL = 'ip:192.0.2.66';
export const FORMULA = 'ip:192.0.2.67';
export const EVIL_NAME = '<img src=x onerror=alert(1)>';
export const EVIL_QUERY = '"><script>alert(1)</script>.test';
export const FORMULA_NAME = '=HYPERLINK("http://x.test","a")';

/** Local Paris time in W48: day 0 = Monday 23 November. */
export const w48 = (day: number, hour: number, minute = 0): number => Date.UTC(2026, 10, 23 + day, hour - 1, minute);

/** Fills the harness's databases. */
export function seedReport(h: AdminHarness): void {
  const devices = createDeviceStore({ db: h.db });
  devices.recordSightings([
    { id: LEA, mac: '02:00:5e:00:00:01', ip: '192.0.2.10', at: Date.UTC(2026, 9, 1) },
    { id: EVIL, mac: null, ip: '192.0.2.66', at: w48(1, 8) },
    { id: FORMULA, mac: null, ip: '192.0.2.67', at: Date.UTC(2026, 9, 2) },
  ]);
  devices.update(LEA, { name: 'Léa’s phone' });
  devices.update(EVIL, { name: EVIL_NAME });
  devices.update(FORMULA, { name: FORMULA_NAME });
  addAttempts(h.logsDb, [
    // Léa: random video chat on Monday 21:14 and 21:20 (a first ever), tiktok on Tuesday, a bypass on Wednesday.
    { time: w48(0, 21, 14), category: 'random-video-chat', rule: 'ome.tv', name: 'www.ome.tv', device: LEA },
    { time: w48(0, 21, 20), category: 'random-video-chat', rule: 'ome.tv', device: LEA },
    { time: w48(1, 17), category: 'social-media', rule: 'tiktok.com', device: LEA },
    { time: w48(2, 9), category: 'bypass', rule: 'dns.google', device: LEA },
    // The previous week: social media twice (trend down), dating once.
    { time: w48(-3, 18), category: 'social-media', rule: 'tiktok.com', device: LEA },
    { time: w48(-2, 18), category: 'social-media', rule: 'tiktok.com', device: LEA },
    { time: w48(-2, 19), category: 'dating', rule: 'tinder.com', device: LEA },
    // The hostile device asks for a hostile name on an anonymous chat category.
    { time: w48(1, 22), category: 'anonymous-chat', rule: 'chat.test', name: EVIL_QUERY, device: EVIL },
    { time: w48(2, 7), category: 'social-media', rule: 'instagram.com', device: FORMULA },
  ]);
  addDailyCounts(h.logsDb, [{ day: '2026-11-24', device: LEA, queries: 1234 }]);
}
