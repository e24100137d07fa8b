/** The weekly report tells the parents about floods of blocked queries (issue 12 item 9). */
import { describe, expect, it } from 'vitest';
import { buildWeeklyReport } from '../../src/report/aggregate.js';
import { renderReportHtml } from '../../src/report/render-html.js';
import { readCatalog } from '../../src/report/report-from-files.js';
import { renderTextReport } from '../../src/report/render-text.js';
import { loadServiceNames } from '../../src/report/service-names.js';
import { reportWeek } from '../../src/report/week.js';
import { createBlockedLog } from '../../src/store/blocked-log.js';
import { device, openLogs, PARIS, useTempDir } from './report-fixtures.js';

const catalog = readCatalog('lists');
const services = loadServiceNames('lists', catalog);
const W48 = reportWeek(2026, 48, PARIS);
const TOM = 'ip:192.168.1.66';

describe('flood markers in the weekly report', () => {
  const dir = useTempDir();

  it('lists a flood of the week with the device name and the count not logged (en, fr)', () => {
    const db = openLogs(dir());
    try {
      const at = W48.start + 3 * 86_400_000;
      const log = createBlockedLog({ db, clock: () => at, maxBuffered: 10 });
      for (let i = 0; i < 40; i++) log.add({ time: at + i, client: '192.168.1.66', device: TOM, name: 'coco.gg', qtype: 'A', category: 'anonymous-chat', list: 'l', rule: 'coco.gg' });
      log.flush();
      const r = buildWeeklyReport({ logsDb: db, devices: [device(TOM, { name: 'PC de Tom', ip: '192.168.1.66' })], catalog, services, timeZone: PARIS, week: W48, now: W48.end });
      expect(r.floods).toEqual([{ device: TOM, label: 'PC de Tom', first: expect.any(Number), last: at + 39, dropped: 30 }]);
      expect(renderTextReport(r, 'en')).toContain('Floods of blocked queries (attempts not logged): PC de Tom 30');
      expect(renderTextReport(r, 'fr')).toContain('Flots de requêtes bloquées');
      const html = renderReportHtml(r, { lang: 'fr', device: null, deviceHref: (id) => `/report?device=${id}` });
      expect(html.toString()).toContain('Flot de requêtes bloquées de PC de Tom');
    } finally {
      db.close();
    }
  });
});
