/**
 * The weekly report from the files on disk: logs.db and config.db opened READ-ONLY (the running
 * server keeps writing; WAL lets both go on), catalog.json and the list files for titles and
 * service names. What the report worker runs, and the in-thread variant.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { catalogFileSchema, type CatalogFile } from '../blocklists/catalog-schema.js';
import type { CatalogEntry } from '../blocklists/load-catalog.js';
import { createDeviceStore } from '../policy/device-store.js';
import type { Device } from '../policy/model.js';
import { buildWeeklyReport } from './aggregate.js';
import { loadServiceNames, withCatalogServices } from './service-names.js';
import { resolveWeek } from './week.js';
import type { WeeklyReport } from './weekly-report.js';

/** Where the data is, and which week. Plain data: it is posted to the worker as is. */
export interface ReportFilesOptions {
  /** Path of logs.db; it must exist. */
  readonly logsFile: string;
  /** Path of config.db; a missing file means no known devices (labels fall back to ids). */
  readonly configFile: string;
  /** The shipped lists/ folder (catalog.json and its list files). */
  readonly listsDir: string;
  /** IANA zone (VIGIE_TZ). */
  readonly timeZone: string;
  /** `2026-W48`, `this` or `last` (default: the last complete week), see resolveWeek. */
  readonly week?: string;
  /** The current time (ms): resolves `this`/`last` and stamps the report. */
  readonly now: number;
  /** The language of the catalog services' names in the report (default en). */
  readonly lang?: 'en' | 'fr';
}

/** Reads lists/catalog.json (lists and services). @throws Error when it is missing or invalid. */
export function readCatalogFile(listsDir: string): CatalogFile {
  const file = join(listsDir, 'catalog.json');
  const parsed = catalogFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: invalid catalog`, { cause: parsed.error });
  return parsed.data;
}

/** The lists of lists/catalog.json. @throws Error when it is missing or invalid. */
export function readCatalog(listsDir: string): CatalogEntry[] {
  return readCatalogFile(listsDir).lists;
}

/** The devices of config.db, or [] when the file or its devices table does not exist yet. */
function readDevices(configFile: string): Device[] {
  if (!existsSync(configFile)) return [];
  const db = new Database(configFile, { readonly: true, fileMustExist: true, timeout: 1000 });
  try {
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'devices'").get() !== undefined;
    return hasTable ? createDeviceStore({ db }).list() : [];
  } finally {
    db.close();
  }
}

/**
 * Builds the report synchronously in the calling thread (the CLI, tests; a server should use
 * generateWeeklyReport, which runs this in a worker).
 * @throws RangeError for a bad week; the SQLite error when logs.db cannot be opened.
 */
export function buildReportFromFiles(opts: ReportFilesOptions): WeeklyReport {
  const week = resolveWeek(opts.week, opts.now, opts.timeZone);
  const file = readCatalogFile(opts.listsDir);
  const catalog = file.lists;
  const services = withCatalogServices(loadServiceNames(opts.listsDir, catalog), file.services, opts.lang);
  const devices = readDevices(opts.configFile);
  const logsDb = new Database(opts.logsFile, { readonly: true, fileMustExist: true, timeout: 1000 });
  try {
    return buildWeeklyReport({ logsDb, devices, catalog, services, timeZone: opts.timeZone, week, now: opts.now });
  } finally {
    logsDb.close();
  }
}
