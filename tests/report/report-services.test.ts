/**
 * The report groups blocked attempts by the catalog's services (catalog v2 fixture): every domain
 * of Yubo counts as "Yubo", not "yellw.co"; names outside the catalog keep their domain.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateWeeklyReportInThread } from '../../src/report/generate-report.js';
import { createServiceNames, withCatalogServices } from '../../src/report/service-names.js';
import { createFixtureLists, FIXTURE_SERVICES } from '../helpers/services-catalog.js';
import { addAttempts, openLogs, PARIS, useTempDir } from './report-fixtures.js';

const at = (day: number, hour: number) => Date.UTC(2026, 10, 22 + day, hour - 1); // W48, CET

describe('report grouped by service', () => {
  const dir = useTempDir();

  it('counts every domain of a service under its name, in the report language', () => {
    const lists = createFixtureLists();
    try {
      const logs = openLogs(dir());
      addAttempts(logs, [
        { time: at(1, 9), category: 'teen-meetup', rule: 'yellw.co', name: 'api.yellw.co', device: 'ip:192.0.2.20' },
        { time: at(2, 9), category: 'teen-meetup', rule: 'yubo.live', device: 'ip:192.0.2.20' },
        { time: at(3, 9), category: 'social-media', rule: 'tiktokv.com', name: 'log.tiktokv.com', device: 'ip:192.0.2.20' },
        { time: at(3, 10), category: 'custom', rule: 'games.example', name: 'www.games.example', device: 'ip:192.0.2.20' },
      ]);
      logs.close();
      const report = generateWeeklyReportInThread({
        logsFile: join(dir(), 'logs.db'), configFile: join(dir(), 'none.db'), listsDir: lists.dir, timeZone: PARIS, week: '2026-W48', now: at(8, 10), lang: 'fr',
      });
      const top = report.devices[0]!.topServices.map((s) => [s.service, s.count]);
      expect(top).toEqual([['Yubo', 2], ['TikTok', 1], ['games.example', 1]]);
    } finally {
      lists.close();
    }
  });

  it('falls back to the list comments and domains outside the catalog', () => {
    const names = withCatalogServices(createServiceNames([{ category: 'dating', rule: 'tinder.com', service: 'Tinder' }]), FIXTURE_SERVICES.map((s) => ({ ...s, domains: [...s.domains], reviewed: '2026-12-01', sources: ['x'] })));
    expect(names.serviceOf('tinder.com', 'dating')).toBe('Tinder');
    expect(names.serviceOf('discordapp.com', 'messaging')).toBe('Discord');
    expect(names.serviceOf('*', 'bedtime', 'cdn.discordapp.com')).toBe('Discord');
    expect(names.serviceOf('a.b.example.org', 'custom')).toBe('example.org');
  });
});
