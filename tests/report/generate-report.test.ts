/**
 * generateWeeklyReport: the worker thread path (it runs dist/report/report-worker.js, built by
 * the global setup) returns exactly what the in-thread path builds, from the files on disk.
 */
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createReportRunner, generateWeeklyReport, generateWeeklyReportInThread, type ReportFilesOptions } from '../../src/report/generate-report.js';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { openConfigDatabase } from '../../src/store/config-database.js';
import { addAttempts, addDailyCounts, openLogs, PARIS, useTempDir } from './report-fixtures.js';

const at = (day: number, hour: number) => Date.UTC(2026, 10, 22 + day, hour - 1); // W48, CET

function seed(dir: string): ReportFilesOptions {
  const logs = openLogs(dir);
  addAttempts(logs, [
    { time: at(1, 9), category: 'dating', rule: 'tinder.com', name: 'api.tinder.com', device: 'ip:192.0.2.20' },
    { time: at(3, 21), category: 'random-video-chat', rule: 'ome.tv', device: 'ip:192.0.2.20' },
    { time: at(7, 23), category: 'bypass', rule: 'dns.google', device: 'ip:192.0.2.21' },
    { time: at(-2, 12), category: 'dating', rule: 'tinder.com', device: 'ip:192.0.2.20' },
  ]);
  addDailyCounts(logs, [{ day: '2026-11-24', device: 'ip:192.0.2.20', queries: 321 }]);
  logs.close();
  const config = openConfigDatabase({ file: join(dir, 'config.db') });
  const store = createDeviceStore({ db: config });
  store.recordSightings([{ id: 'ip:192.0.2.20', mac: null, ip: '192.0.2.20', at: at(2, 8) }]);
  store.update('ip:192.0.2.20', { name: 'Tablet' });
  config.close();
  return { logsFile: join(dir, 'logs.db'), configFile: join(dir, 'config.db'), listsDir: 'lists', timeZone: PARIS, week: '2026-W48', now: at(8, 10) };
}

describe('generateWeeklyReport', () => {
  const dir = useTempDir();

  it('returns from the worker the same report as the in-thread path', async () => {
    const opts = seed(dir());
    const priority = getPriority();
    const inThread = generateWeeklyReportInThread(opts);
    const fromWorker = await generateWeeklyReport(opts);
    expect(fromWorker).toEqual(inThread);
    expect(getPriority()).toBe(priority); // the worker lowered its own priority, not the process's
    expect(inThread.devices.map((d) => [d.label, d.totals.blocked, d.totals.queries, d.newDevice])).toEqual([
      ['Tablet', 2, 321, true],
      ['192.0.2.21', 1, 0, false],
    ]);
  });

  it('defaults to the last complete week, and works without config.db', async () => {
    const opts = { ...seed(dir()), week: undefined, configFile: join(dir(), 'absent.db') };
    const report = await generateWeeklyReport(opts);
    expect(report.week.id).toBe('2026-W48');
    expect(report.devices.map((d) => d.label)).toEqual(['192.0.2.20', '192.0.2.21']);
  });

  it('rejects a week that does not exist, and a missing log database', async () => {
    const opts = seed(dir());
    await expect(generateWeeklyReport({ ...opts, week: '2025-W53' })).rejects.toThrow(RangeError);
    await expect(generateWeeklyReport({ ...opts, logsFile: join(dir(), 'none.db') })).rejects.toThrow(/report failed/);
    expect(() => generateWeeklyReportInThread({ ...opts, week: 'next' })).toThrow(RangeError);
  });

  it('keeps its worker between reports, and reports a timeout', async () => {
    const opts = seed(dir());
    const runner = createReportRunner({ idleMs: 5_000 });
    try {
      const [a, b] = await Promise.all([runner.generate(opts), runner.generate({ ...opts, week: '2026-W47' })]);
      expect([a.week.id, b.week.id]).toEqual(['2026-W48', '2026-W47']);
      expect(await runner.generate(opts)).toEqual(a);
    } finally {
      await runner.close();
    }
    const slow = createReportRunner({ timeoutMs: 1 });
    await expect(slow.generate(opts)).rejects.toThrow(/took more than 1 ms/);
    await slow.close();
  });
});
