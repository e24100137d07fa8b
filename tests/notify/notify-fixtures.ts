/**
 * What the email tests share: a data directory with logs.db (attempts in week 2026-W48 and the
 * week before) and config.db (two devices), the report built in-thread from those files, email
 * settings pointing at the local SMTP server, and a logger that keeps its lines.
 */
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import pino from 'pino';
import type { Logger } from '../../src/log.js';
import { updateEmailSettings, type EmailSettingsInput } from '../../src/notify/email-settings.js';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { generateWeeklyReportInThread } from '../../src/report/generate-report.js';
import type { WeeklyReport } from '../../src/report/weekly-report.js';
import { openConfigDatabase } from '../../src/store/config-database.js';
import { addAttempts, openLogs } from '../report/report-fixtures.js';
import { SMTP_PASSWORD, SMTP_USER } from './smtp-test-server.js';

export const PARIS = 'Europe/Paris';
export const LEA = 'mac:02:00:5e:00:00:01';
export const TOM = 'ip:192.0.2.20';
/** Local Paris time (UTC+1 in November) in W48: day 0 = Monday 23 November 2026. */
export const w48 = (day: number, hour: number, minute = 0): number => Date.UTC(2026, 10, 23 + day, hour - 1, minute);
/** Sunday 29 November 2026, 18:00 in Paris: the default weekly send. */
export const SUNDAY_18H = w48(6, 18);

/** Fills `dir` and returns the open config.db (the caller closes it). */
export function seedData(dir: string): Database.Database {
  const logs = openLogs(dir);
  addAttempts(logs, [
    { time: w48(0, 21, 14), category: 'random-video-chat', rule: 'ome.tv', name: 'www.ome.tv', device: LEA },
    { time: w48(1, 17), category: 'social-media', rule: 'tiktok.com', device: LEA },
    { time: w48(2, 9), category: 'bypass', rule: 'dns.google', device: LEA },
    { time: w48(4, 16), category: 'gaming', rule: 'roblox.com', device: TOM },
    { time: w48(-3, 18), category: 'social-media', rule: 'tiktok.com', device: LEA },
  ]);
  logs.close();
  const db = openConfigDatabase({ file: join(dir, 'config.db') });
  const devices = createDeviceStore({ db });
  devices.recordSightings([
    { id: LEA, mac: '02:00:5e:00:00:01', ip: '192.0.2.10', at: Date.UTC(2026, 9, 1) },
    { id: TOM, mac: null, ip: '192.0.2.20', at: Date.UTC(2026, 9, 1) },
  ]);
  devices.update(LEA, { name: 'Téléphone de Léa' });
  devices.update(TOM, { name: "Tom's tablet" });
  return db;
}

/** Builds the report of `week` as of `now` from the files of `dir` (what the server's worker does). */
export function reportGenerator(dir: string): (week: string, now: number) => Promise<WeeklyReport> {
  return async (week, now) => generateWeeklyReportInThread({
    logsFile: join(dir, 'logs.db'), configFile: join(dir, 'config.db'), listsDir: 'lists', timeZone: PARIS, week, now,
  });
}

/** Stores email settings for the local SMTP server on `port` (weekly email on, Sunday 18:00). */
export function configureEmail(db: Database.Database, port: number, over: Partial<EmailSettingsInput> = {}): void {
  updateEmailSettings(db, {
    enabled: true, host: '127.0.0.1', port, security: 'none', user: SMTP_USER, password: SMTP_PASSWORD,
    from: 'vigie@home.test', to: ['parent1@home.test', 'parent2@home.test'], language: 'fr', ...over,
  });
}

/** A pino logger whose lines are kept (parsed). */
export function capturingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}
