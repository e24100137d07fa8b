/**
 * The weekly report as CSV (RFC 4180): one row per device × category × local day, for the
 * categories a device had blocked attempts in this week, days with none included as 0 so that a
 * spreadsheet pivot gets a regular table. Devices without blocked attempts have no rows.
 */
import { REPORT_MESSAGES, type ReportLang } from './report-messages.js';
import type { WeeklyReport } from './weekly-report.js';

/**
 * A spreadsheet would run a cell starting with one of these as a formula ("CSV injection"):
 * device names come from parents and from the network, so such cells get a leading apostrophe.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field: text starting like a formula is prefixed with `'`, then a field holding a comma,
 * a double quote, CR or LF is quoted with its quotes doubled (RFC 4180 §2.5-2.7). Numbers are
 * written as they are.
 */
export function csvField(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/** One CSV record (no line break). */
export function csvRecord(fields: readonly (string | number)[]): string {
  return fields.map(csvField).join(',');
}

/**
 * Renders `report` as CSV with a header line in `lang` (category titles too); records end with
 * CRLF, as RFC 4180 says.
 */
export function renderCsvReport(report: WeeklyReport, lang: ReportLang = 'en'): string {
  const m = REPORT_MESSAGES[lang];
  const lines = [csvRecord(m.csvHeader)];
  for (const device of report.devices) {
    for (const c of device.byCategory) {
      if (c.count === 0) continue;
      report.week.days.forEach((date, i) => {
        lines.push(csvRecord([report.week.id, device.id, device.label, device.profileId ?? '', c.category, c.title[lang], date, c.byDay[i] ?? 0]));
      });
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
