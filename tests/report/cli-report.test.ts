/**
 * `vigie report` through the built binary (dist/cli.js, built by the global setup), against a temp
 * data directory holding a logs.db and a config.db.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { openConfigDatabase } from '../../src/store/config-database.js';
import { REPORT_MESSAGES } from '../../src/report/report-messages.js';
import { addAttempts, addDailyCounts, openLogs, useTempDir } from './report-fixtures.js';

const CLI = join(process.cwd(), 'dist/cli.js');
const at = (day: number, hour: number) => Date.UTC(2026, 10, 22 + day, hour - 1); // W48, CET

function run(dataDir: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, 'report', ...args], {
    env: { PATH: process.env.PATH ?? '', VIGIE_DATA_DIR: dataDir, VIGIE_LIST_UPDATES: 'off', VIGIE_TZ: 'Europe/Paris', ...env },
    encoding: 'utf8',
    timeout: 15_000,
  });
}

function seed(dataDir: string): void {
  const logs = openLogs(dataDir);
  addAttempts(logs, [
    { time: at(2, 20), category: 'random-video-chat', rule: 'ome.tv', device: 'ip:192.0.2.20' },
    { time: at(2, 21), category: 'random-video-chat', rule: 'ome.tv', name: 'www.ome.tv', device: 'ip:192.0.2.20' },
    { time: at(5, 9), category: 'dating', rule: 'tinder.com', device: 'ip:192.0.2.20' },
  ]);
  addDailyCounts(logs, [{ day: '2026-11-24', device: 'ip:192.0.2.20', queries: 99 }]);
  logs.close();
  const config = openConfigDatabase({ file: join(dataDir, 'config.db') });
  createDeviceStore({ db: config }).recordSightings([{ id: 'ip:192.0.2.20', mac: null, ip: '192.0.2.20', at: at(1, 7) }]);
  createDeviceStore({ db: config }).update('ip:192.0.2.20', { name: '@Tom, laptop' });
  config.close();
}

describe('vigie report', { timeout: 60_000 }, () => {
  const dir = useTempDir('vigie-cli-report-');

  it('prints the week as JSON', () => {
    seed(dir());
    const r = run(dir(), ['--week', '2026-W48', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.week).toMatchObject({ id: '2026-W48', days: ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29'] });
    expect(report.devices).toHaveLength(1);
    expect(report.devices[0]).toMatchObject({ id: 'ip:192.0.2.20', label: '@Tom, laptop', newDevice: true, totals: { blocked: 3, queries: 99 } });
    expect(report.devices[0].firstEver.map((f: { name: string }) => f.name)).toEqual(['ome.tv']);
  });

  it('prints CSV in French, formula-guarded', () => {
    seed(dir());
    const r = run(dir(), ['--week', '2026-W48', '--format', 'csv', '--lang', 'fr']);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\r\n');
    expect(lines[0]).toBe(REPORT_MESSAGES.fr.csvHeader.join(','));
    expect(lines).toHaveLength(1 + 2 * 7 + 1);
    expect(lines).toContain('2026-W48,ip:192.0.2.20,"\'@Tom, laptop",,random-video-chat,Chat vidéo aléatoire,2026-11-24,2');
  });

  it('prints text by default, in the language of LANG', () => {
    seed(dir());
    const r = run(dir(), ['--week', '2026-W48'], { LANG: 'fr_FR.UTF-8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Vigie — bilan de la semaine 2026-W48');
  });

  it('refuses a bad week, format or language with exit 2, and a missing log with exit 1', () => {
    seed(dir());
    expect(run(dir(), ['--week', '2026-W60'])).toMatchObject({ status: 2, stderr: expect.stringContaining('--week') });
    expect(run(dir(), ['--format', 'pdf'])).toMatchObject({ status: 2, stderr: expect.stringContaining('--format') });
    expect(run(dir(), ['--lang', 'de'])).toMatchObject({ status: 2, stderr: expect.stringContaining('--lang') });
    expect(run(join(dir(), 'empty'), [])).toMatchObject({ status: 1, stderr: expect.stringContaining('no log database yet') });
  });
});
