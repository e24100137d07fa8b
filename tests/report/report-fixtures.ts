/**
 * What the report tests share: a temp data directory with a real logs.db (migrations applied, so
 * the first_attempts trigger runs), attempts placed at chosen instants, and devices as config.db
 * would return them. Only documentation addresses and .example/.test names.
 */
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Device } from '../../src/policy/model.js';
import { openDatabase } from '../../src/store/open-database.js';

export { useTempDir } from '../store/temp-dir.js';

export const PARIS = 'Europe/Paris';
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Opens (creating) `dir/logs.db` with every migration. */
export function openLogs(dir: string): Database.Database {
  return openDatabase({ file: join(dir, 'logs.db') });
}

/** One blocked attempt to insert; `name` defaults to the rule, `device` to ip:192.0.2.10. */
export interface TestAttempt {
  readonly time: number;
  readonly category: string;
  readonly rule: string;
  readonly name?: string;
  readonly device?: string;
}

/** Inserts attempts as the blocked-attempt log writes them. */
export function addAttempts(db: Database.Database, attempts: readonly TestAttempt[]): void {
  const insert = db.prepare(`INSERT INTO blocked_attempts (time, client, name, qtype, category, list, rule, device, profile)
    VALUES (?, '192.0.2.10', ?, 'A', ?, ?, ?, ?, 'child')`);
  db.transaction(() => {
    for (const a of attempts) insert.run(a.time, a.name ?? a.rule, a.category, a.category, a.rule, a.device ?? 'ip:192.0.2.10');
  })();
}

/** Inserts daily counters. */
export function addDailyCounts(db: Database.Database, rows: readonly { day: string; device: string; queries: number; blocked?: number }[]): void {
  const insert = db.prepare('INSERT INTO daily_counts (day, device, queries, blocked) VALUES (?, ?, ?, ?)');
  for (const r of rows) insert.run(r.day, r.device, r.queries, r.blocked ?? 0);
}

/** A device as config.db returns it. */
export function device(id: string, over: Partial<Device> = {}): Device {
  const ip = id.startsWith('ip:') ? id.slice(3) : null;
  const mac = id.startsWith('mac:') ? id.slice(4) : null;
  return {
    id, mac, randomizedMac: false, ip, addresses: ip === null ? [] : [ip], hostname: null, name: null, profileId: null,
    firstSeen: Date.UTC(2026, 0, 1), lastSeen: Date.UTC(2026, 11, 31), ...over,
  };
}
