import type Database from 'better-sqlite3';
import BetterSqlite from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBlockedLog, type BlockedAttempt, type IntervalHandle } from '../../src/store/blocked-log.js';
import { openDatabase } from '../../src/store/open-database.js';
import { attempt, recordingLogger, useTempDir } from './temp-dir.js';

function names(db: Database.Database): string[] {
  return db.prepare('SELECT name FROM blocked_attempts ORDER BY id').pluck().all() as string[];
}
function count(db: Database.Database): number {
  return db.prepare('SELECT count(*) FROM blocked_attempts').pluck().get() as number;
}

describe('createBlockedLog', () => {
  const dir = useTempDir();
  let db: Database.Database;
  let file: string;
  const clock = () => 1_700_000_000_000;
  beforeEach(() => {
    file = join(dir(), 'logs.db');
    db = openDatabase({ file, busyTimeoutMs: 20 });
  });
  afterEach(() => {
    if (db.open) db.close();
  });

  it('buffers without touching SQLite, then writes everything in one flush', () => {
    const log = createBlockedLog({ db, clock });
    for (let i = 0; i < 3; i += 1) log.add(attempt(i));
    expect(count(db)).toBe(0);
    expect(log.stats()).toMatchObject({ buffered: 3, written: 0, dropped: 0 });
    expect(log.flush()).toBe(3);
    expect(log.flush()).toBe(0);
    expect(names(db)).toEqual(['n0.omegle.example', 'n1.omegle.example', 'n2.omegle.example']);
    expect(log.stats()).toMatchObject({ buffered: 0, written: 3, dropped: 0, failedFlushes: 0 });
  });

  it('add keeps working when the database is gone (no SQLite on the hot path)', () => {
    const log = createBlockedLog({ db, clock });
    db.close();
    expect(() => log.add(attempt(1))).not.toThrow();
    expect(log.flush()).toBe(0);
    expect(log.stats()).toMatchObject({ buffered: 1, failedFlushes: 1 });
  });

  it('keeps the first entries and drops (counts) the newest when full, across wrap-arounds', () => {
    const log = createBlockedLog({ db, clock, maxBuffered: 3 });
    for (let i = 0; i < 5; i += 1) log.add(attempt(i));
    expect(log.stats()).toMatchObject({ buffered: 3, dropped: 2 });
    expect(log.flush()).toBe(3);
    expect(names(db)).toEqual(['n0.omegle.example', 'n1.omegle.example', 'n2.omegle.example']);
    for (let i = 5; i < 12; i += 1) log.add(attempt(i));
    expect(log.flush()).toBe(3);
    expect(names(db).slice(3)).toEqual(['n5.omegle.example', 'n6.omegle.example', 'n7.omegle.example']);
    expect(log.stats()).toMatchObject({ buffered: 0, written: 6, dropped: 6 });
  });

  it('disk full: the batch is all-or-nothing, rows are kept, logged once, retried and recovered', () => {
    const logger = recordingLogger();
    const log = createBlockedLog({ db, clock, logger });
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 2}`); // room for a few rows, not for 10,000
    for (let i = 0; i < 10_000; i += 1) log.add(attempt(i));
    expect(log.flush()).toBe(0);
    expect(log.flush()).toBe(0);
    expect(count(db)).toBe(0); // nothing half-written: one transaction
    expect(log.stats()).toMatchObject({ buffered: 10_000, written: 0, failedFlushes: 2 });
    expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(1);
    expect((logger.lines[0]?.obj as { err: { code: string } }).err.code).toBe('SQLITE_FULL');
    db.pragma('max_page_count = 1000000');
    log.add(attempt(10_000));
    expect(log.flush()).toBe(10_001);
    expect(count(db)).toBe(10_001);
    expect(logger.lines.at(-1)).toMatchObject({ level: 'info', msg: 'blocked log flush recovered' });
  });

  it('stays bounded while flushes keep failing (SQLITE_BUSY from another writer)', () => {
    const other = new BetterSqlite(file, { timeout: 0 });
    other.prepare('BEGIN IMMEDIATE').run(); // holds the write lock, like a long prune or a CLI
    const log = createBlockedLog({ db, clock, maxBuffered: 100, logger: recordingLogger() });
    for (let i = 0; i < 250; i += 1) log.add(attempt(i));
    expect(log.flush()).toBe(0);
    expect(log.stats()).toMatchObject({ buffered: 100, dropped: 150, failedFlushes: 1 });
    other.prepare('COMMIT').run();
    other.close();
    expect(log.flush()).toBe(100);
    expect(names(db)[0]).toBe('n0.omegle.example');
  });

  it('discards only the rows SQLite refuses', () => {
    const logger = recordingLogger();
    const log = createBlockedLog({ db, clock, logger });
    log.add(attempt(1));
    log.add(attempt(2, { client: null }) as unknown as BlockedAttempt); // NOT NULL constraint
    log.add(attempt(3, { rule: { not: 'bindable' } }) as unknown as BlockedAttempt); // TypeError on bind
    log.add(attempt(4));
    expect(log.flush()).toBe(2);
    expect(names(db)).toEqual(['n1.omegle.example', 'n4.omegle.example']);
    expect(log.stats()).toMatchObject({ buffered: 0, written: 2, rejected: 2 });
    expect(logger.lines).toMatchObject([{ level: 'warn', obj: { rejected: 2 } }]);
  });

  it('flushes on an unref-ed timer that never throws; stop flushes and truncates the WAL', () => {
    type FakeTimer = IntervalHandle & { fn: () => void; ms: number; unrefed: boolean; cleared: boolean };
    const timers: FakeTimer[] = [];
    const log = createBlockedLog({
      db,
      clock,
      flushIntervalMs: 250,
      setInterval(fn, ms) {
        const t: FakeTimer = { fn, ms, unrefed: false, cleared: false, unref: () => (t.unrefed = true) };
        timers.push(t);
        return t;
      },
      clearInterval(handle) {
        (handle as FakeTimer).cleared = true;
      },
    });
    log.start();
    log.start(); // idempotent
    expect(timers).toHaveLength(1);
    expect(timers[0]).toMatchObject({ ms: 250, unrefed: true });
    log.add(attempt(1));
    timers[0]!.fn();
    expect(count(db)).toBe(1);
    log.add(attempt(2));
    log.stop();
    expect(timers[0]!.cleared).toBe(true);
    expect(count(db)).toBe(2);
    expect(statSync(`${file}-wal`).size).toBe(0); // wal_checkpoint(TRUNCATE)
    db.close();
    log.add(attempt(3));
    expect(() => timers[0]!.fn()).not.toThrow(); // a closed database is just a failed flush
  });

  it('uses the real setInterval by default and does not keep the process alive', async () => {
    const log = createBlockedLog({ db, clock, flushIntervalMs: 10 });
    log.start();
    log.add(attempt(1));
    await new Promise((r) => setTimeout(r, 60));
    expect(count(db)).toBe(1);
    log.stop();
  });

  it('writes 10,000 rows in one flush quickly', () => {
    const log = createBlockedLog({ db, clock: () => performance.now() });
    for (let i = 0; i < 10_000; i += 1) log.add(attempt(i));
    expect(log.flush()).toBe(10_000);
    const { lastFlushMs } = log.stats();
    expect(lastFlushMs).toBeGreaterThan(0);
    expect(lastFlushMs).toBeLessThan(2_000); // generous: CI disks vary
  });
});
