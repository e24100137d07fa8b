import { describe, expect, it } from 'vitest';
import { buildWeeklyReport } from '../../src/report/aggregate.js';
import { csvField, renderCsvReport } from '../../src/report/render-csv.js';
import { renderJsonReport } from '../../src/report/render-json.js';
import { printable, renderTextReport } from '../../src/report/render-text.js';
import { REPORT_MESSAGES } from '../../src/report/report-messages.js';
import { readCatalog } from '../../src/report/report-from-files.js';
import { loadServiceNames } from '../../src/report/service-names.js';
import { reportWeek } from '../../src/report/week.js';
import type { WeeklyReport } from '../../src/report/weekly-report.js';
import { addAttempts, addDailyCounts, device, openLogs, PARIS, useTempDir } from './report-fixtures.js';

const catalog = readCatalog('lists');
const services = loadServiceNames('lists', catalog);
const at = (day: number, hour: number, minute = 0) => Date.UTC(2026, 10, 22 + day, hour - 1, minute); // W48, CET
const LEA = 'mac:02:00:5e:00:00:01';
const EVIL = 'ip:192.0.2.66';

function sample(dir: string): WeeklyReport {
  const db = openLogs(dir);
  try {
    addAttempts(db, [
      { time: at(3, 21, 14), category: 'random-video-chat', rule: 'ome.tv', name: 'www.ome.tv', device: LEA },
      { time: at(3, 21, 20), category: 'random-video-chat', rule: 'ome.tv', device: LEA },
      { time: at(5, 9), category: 'bypass', rule: 'dns.google', device: LEA },
      { time: at(-3, 9), category: 'dating', rule: 'tinder.com', device: LEA },
      { time: at(1, 8), category: 'social-media', rule: 'tiktok.com', device: EVIL },
    ]);
    addDailyCounts(db, [{ day: '2026-11-25', device: LEA, queries: 1234 }]);
    const devices = [
      device(LEA, { name: 'Léa, "phone"', profileId: 'teen' }),
      device(EVIL, { name: '=HYPERLINK("http://x.test")\u001b[2J', firstSeen: at(1, 7) }),
    ];
    return buildWeeklyReport({ logsDb: db, devices, catalog, services, timeZone: PARIS, week: reportWeek(2026, 48, PARIS), now: at(8, 9) });
  } finally {
    db.close();
  }
}

describe('CSV', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    ['=1+2', "'=1+2"],
    ['+33 1 23', "'+33 1 23"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tTAB', "'\tTAB"],
    ['=HYPERLINK("http://x.test","a,b")', `"'=HYPERLINK(""http://x.test"",""a,b"")"`],
    ['a=b', 'a=b'],
    [42, '42'],
  ])('field %j → %s', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  const dir = useTempDir();
  it('writes one row per device × category × day, CRLF, with the header and titles of the language', () => {
    const report = sample(dir());
    const csv = renderCsvReport(report, 'en');
    const lines = csv.split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines[0]).toBe(REPORT_MESSAGES.en.csvHeader.join(','));
    // Léa: random-video-chat and bypass (dating only last week: no rows); the other device: social-media.
    expect(lines).toHaveLength(1 + 3 * 7);
    expect(lines).toContain(`2026-W48,${LEA},"Léa, ""phone""",teen,random-video-chat,Random video chat,2026-11-25,2`);
    expect(lines).toContain(`2026-W48,${LEA},"Léa, ""phone""",teen,random-video-chat,Random video chat,2026-11-26,0`);
    expect(lines.find((l) => l.includes('social-media') && l.includes('2026-11-23'))).toBe(
      `2026-W48,${EVIL},"'=HYPERLINK(""http://x.test"")\u001b[2J",,social-media,${catalog.find((e) => e.category === 'social-media')!.title.en},2026-11-23,1`,
    );
    const fr = renderCsvReport(report, 'fr').split('\r\n');
    expect(fr[0]).toBe('semaine,id_appareil,appareil,profil,categorie,titre_categorie,date,bloquees');
    expect(fr).toContain(`2026-W48,${LEA},"Léa, ""phone""",teen,random-video-chat,Chat vidéo aléatoire,2026-11-25,2`);
  });
});

describe('JSON', () => {
  const dir = useTempDir();
  it('sorts keys at every level, whatever order the object was built in', () => {
    const report = sample(dir());
    const text = renderJsonReport(report);
    expect(text.endsWith('\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(report);
    const shuffled = JSON.parse(JSON.stringify(report), function (this: unknown, _k, v: unknown) {
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v;
    }) as WeeklyReport;
    expect(renderJsonReport(shuffled)).toBe(text);
    expect(Object.keys(JSON.parse(text))).toEqual(['devices', 'floods', 'generatedAt', 'home', 'newDevices', 'previousWeek', 'timeZone', 'version', 'week']);
    expect(renderJsonReport(report, 2)).toContain('\n  "devices": [');
  });
});

describe('text', () => {
  const dir = useTempDir();
  it('reads in English', () => {
    const text = renderTextReport(sample(dir()), 'en');
    expect(text).toMatch(/^Vigie — weekly report 2026-W48\nMonday,? 23 November 2026 to Sunday,? 29 November 2026 \(Europe\/Paris\)\n\nWhole home\n/);
    expect(text).toContain('  Blocked attempts: 4 (previous week 1, +300%)');
    expect(text).toContain('== Léa, "phone" — profile teen ==');
    expect(text).toContain('  Lookups: 1,234');
    expect(text).toMatch(/! First attempt ever on a high-risk category: Random video chat — www\.ome\.tv, Wed 25 Nov,? 21:14/);
    expect(text).toContain('    Random video chat: 2 (previous week 0, new this week)');
    expect(text).toContain(`    ${catalog.find((e) => e.category === 'dating')!.title.en}: 0 (previous week 1, -100%)`);
    expect(text).toContain('    OmeTV [Random video chat]: 2 — ome.tv, www.ome.tv');
    expect(text).toContain('  Attempts to get around the filter (encrypted DNS, VPN, proxy, relay): 1 — Google Public DNS DoH 1');
    expect(text).toContain('  By day: Mon 0 · Tue 0 · Wed 2 · Thu 0 · Fri 1 · Sat 0 · Sun 0');
    expect(text).toContain('  Busiest hours: Wed 21:00 (2) · Fri 09:00 (1)');
    expect(text).toContain('         0     6     12    18\n');
    expect(text).toContain('    Wed |                     @  |');
    expect(text).toContain('    Fri |         +              |');
    expect(text).toMatch(/New devices: =HYPERLINK\("http:\/\/x\.test"\)\\x1b\[2J \(first seen Mon 23 Nov,? 07:00\)/);
    expect(text).not.toContain('\u001b');
  });

  it('reads in French', () => {
    const text = renderTextReport(sample(dir()), 'fr');
    expect(text).toMatch(/^Vigie — bilan de la semaine 2026-W48\ndu lundi 23 novembre 2026 au dimanche 29 novembre 2026 \(Europe\/Paris\)\n\nToute la maison\n/);
    expect(text).toContain('  Tentatives bloquées\u00a0: 4 (semaine précédente 1, +300\u202f%)');
    expect(text).toContain('== Léa, "phone" — profil teen ==');
    expect(text).toContain('  Requêtes\u00a0: 1\u202f234');
    expect(text).toMatch(/! Toute première tentative sur une catégorie à risque\u00a0: Chat vidéo aléatoire — www\.ome\.tv, mer\. 25 nov\.,? 21:14/);
    expect(text).toContain('  Par jour\u00a0: lun 0 · mar 0 · mer 2 · jeu 0 · ven 1 · sam 0 · dim 0');
    expect(text).toContain('  Par catégorie\u00a0:\n');
    expect(text).toContain('nouveau cette semaine');
  });

  it('escapes control and bidi characters', () => {
    expect(printable('a\u0007b\u202ec')).toBe('a\\x07b\\u{202e}c');
  });
});

describe('messages', () => {
  it('has the same keys in both languages', () => {
    expect(Object.keys(REPORT_MESSAGES.fr).sort()).toEqual(Object.keys(REPORT_MESSAGES.en).sort());
    expect(REPORT_MESSAGES.fr.weekdays).toHaveLength(7);
    expect(REPORT_MESSAGES.fr.csvHeader).toHaveLength(REPORT_MESSAGES.en.csvHeader.length);
  });
});
