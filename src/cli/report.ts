/**
 * `vigie report`: the weekly report of blocked attempts per device, as text, JSON or CSV, in
 * English or French. Reads logs.db and config.db read-only (safe while `vigie serve` runs) and
 * builds the report in this process: a CLI has no DNS to keep answering.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { AppError } from '../errors.js';
import { LOG_DB_FILE } from '../main.js';
import { generateWeeklyReportInThread } from '../report/generate-report.js';
import { renderCsvReport } from '../report/render-csv.js';
import { renderJsonReport } from '../report/render-json.js';
import { renderTextReport } from '../report/render-text.js';
import { isReportLang, type ReportLang } from '../report/report-messages.js';
import { resolveWeek } from '../report/week.js';
import { CONFIG_DB_FILE } from '../store/config-database.js';
import { runCommand } from './config-command.js';
import { escapeForTerminal } from './lists.js';
import { renderReportEmail } from '../report/render-email.js';

const FORMATS = ['text', 'json', 'csv', 'html'] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `Usage:
  vigie report [--week 2026-W48|this|last] [--format text|json|csv] [--lang fr|en]
      the weekly report (Monday to Sunday, VIGIE_TZ): blocked attempts per device by category,
      day and hour, most blocked sites, bypass attempts, first attempts on high-risk categories,
      new devices, lookups, and the trend against the previous week.
      --week    an ISO week, 'this' (in progress) or 'last' (the last complete week, default)
      --format  text (default), json (stable key order) or csv (one row per device, category and day)
      --lang    fr or en (default: from LANG, else en)
`;

/** The language when --lang is not given: French when the locale says so. */
function defaultLang(env: NodeJS.ProcessEnv): ReportLang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

/** Entry point of `vigie report …`. */
export async function runReport(args: string[]): Promise<number> {
  return runCommand('report', USAGE, () => {
    const { values } = parseArgs({
      args,
      options: { week: { type: 'string' }, format: { type: 'string', default: 'text' }, lang: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
      allowPositionals: false,
    });
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    const format = values.format as Format;
    if (!(FORMATS as readonly string[]).includes(format)) throw new AppError('VALIDATION', `--format must be one of ${FORMATS.join(', ')}, not '${escapeForTerminal(values.format)}'`);
    const lang = values.lang ?? defaultLang(process.env);
    if (!isReportLang(lang)) throw new AppError('VALIDATION', `--lang must be fr or en, not '${escapeForTerminal(lang)}'`);
    const config = loadConfig();
    const logsFile = join(config.dataDir, LOG_DB_FILE);
    if (!existsSync(logsFile)) {
      process.stderr.write(`vigie report: no log database yet at ${logsFile} (start 'vigie serve' first)\n`);
      return 1;
    }
    const now = Date.now();
    const week = checkWeek(values.week, now, config.tz);
    const report = generateWeeklyReportInThread({ logsFile, configFile: join(config.dataDir, CONFIG_DB_FILE), listsDir: config.listsDir, timeZone: config.tz, week, now, lang });
    // html: the weekly email's document (self-contained, inline styles), e.g. to print or archive.
    const text = format === 'json' ? renderJsonReport(report) : format === 'csv' ? renderCsvReport(report, lang) : format === 'html' ? renderReportEmail(report, lang).html : renderTextReport(report, lang);
    process.stdout.write(text);
    return 0;
  });
}

/** The week asked for, as an id. @throws AppError('VALIDATION') when it does not parse or exist. */
function checkWeek(text: string | undefined, now: number, timeZone: string): string {
  try {
    return resolveWeek(text, now, timeZone).id;
  } catch (err) {
    if (err instanceof RangeError) throw new AppError('VALIDATION', `--week: ${escapeForTerminal(err.message)} (or 'this', 'last')`, { cause: err });
    throw err;
  }
}
