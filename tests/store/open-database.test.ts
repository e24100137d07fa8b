import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { migrations, SchemaTooNewError } from '../../src/store/migrations.js';
import { openDatabase } from '../../src/store/open-database.js';
import type { StoreLogger } from '../../src/store/store-logger.js';
import { recordingLogger, useTempDir } from './temp-dir.js';

const T0 = Date.UTC(2025, 0, 2, 3, 4, 5, 6);

/** A real log database with `rows` rows, checkpointed into the main file and closed. */
function makeDatabase(file: string, rows: number): void {
  const db = openDatabase({ file });
  const ins = db.prepare(
    "INSERT INTO blocked_attempts (time, client, name, qtype, category, list, rule) VALUES (?, '10.0.0.2', ?, 'A', 'c', 'l', 'r')",
  );
  db.transaction(() => {
    for (let i = 0; i < rows; i += 1) ins.run(T0 + i, `name-${i}.example`);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

function count(db: Database.Database): number {
  return db.prepare('SELECT count(*) FROM blocked_attempts').pluck().get() as number;
}

describe('openDatabase', () => {
  const dir = useTempDir();

  it('creates the directory and sets the pragmas', () => {
    const file = join(dir(), 'a', 'b', 'logs.db');
    const logger: StoreLogger = pino({ enabled: false }); // a pino logger fits the interface
    const db = openDatabase({ file, logger, busyTimeoutMs: 250 });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
      expect(db.pragma('busy_timeout', { simple: true })).toBe(250);
      expect(db.pragma('journal_size_limit', { simple: true })).toBe(16 * 1024 * 1024);
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
      expect(count(db)).toBe(0);
    } finally {
      db.close();
    }
  });

  it('reopens an existing database without migrating again or losing rows', () => {
    const file = join(dir(), 'logs.db');
    makeDatabase(file, 10);
    const log = recordingLogger();
    const db = openDatabase({ file, logger: log });
    expect(count(db)).toBe(10);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(log.lines).toEqual([]);
    db.close();
  });

  it('keeps rows committed only in the -wal (state after a crash)', () => {
    const file = join(dir(), 'logs.db');
    const live = openDatabase({ file });
    live.pragma('wal_autocheckpoint = 0'); // keep everything in the WAL
    live.prepare("INSERT INTO blocked_attempts (id, time, client, name, qtype, category, list, rule) VALUES (NULL, 1, 'c', 'n', 'A', 'c', 'l', 'r')").run();
    const copy = join(dir(), 'copy.db');
    copyFileSync(file, copy); // snapshot the files while the writer is still open, as a kill -9 would leave them
    copyFileSync(`${file}-wal`, `${copy}-wal`);
    live.close();
    const db = openDatabase({ file: copy });
    expect(count(db)).toBe(1);
    db.close();
  });

  it('refuses a newer schema and leaves the file alone', () => {
    const file = join(dir(), 'logs.db');
    makeDatabase(file, 3);
    const raw = new Database(file);
    raw.pragma('user_version = 42');
    raw.close();
    expect(() => openDatabase({ file })).toThrow(SchemaTooNewError);
    expect(readdirSync(dir()).filter((f) => f.includes('corrupt'))).toEqual([]);
    const again = new Database(file, { readonly: true });
    expect(count(again)).toBe(3);
    again.close();
  });

  it('moves a file that is not a database aside and starts fresh', () => {
    const file = join(dir(), 'logs.db');
    const garbage = Buffer.alloc(8192, 0x5a);
    writeFileSync(file, garbage);
    const log = recordingLogger();
    const db = openDatabase({ file, logger: log, clock: () => T0 });
    const aside = `${file}.corrupt-2025-01-02T03-04-05-006Z`;
    expect(readFileSync(aside).equals(garbage)).toBe(true); // evidence kept, byte for byte
    expect(log.lines).toHaveLength(2);
    expect(log.lines[0]).toMatchObject({ level: 'warn', obj: { file, movedTo: aside } });
    expect(log.lines[1]).toMatchObject({ level: 'info', msg: 'log database migrated' });
    db.prepare("INSERT INTO blocked_attempts (id, time, client, name, qtype, category, list, rule) VALUES (NULL, 1, 'c', 'n', 'A', 'c', 'l', 'r')").run();
    expect(count(db)).toBe(1);
    db.close();
  });

  it('detects flipped bytes in a real database with quick_check, keeps the copy, starts fresh', () => {
    const file = join(dir(), 'logs.db');
    makeDatabase(file, 5000);
    const bytes = readFileSync(file);
    // Damage the cell area of every page after the first few (header and schema stay valid).
    for (let page = 3; page * 4096 < bytes.length; page += 1) {
      for (let j = 100; j < 140; j += 1) bytes[page * 4096 + j]! ^= 0xff;
    }
    writeFileSync(file, bytes);
    const log = recordingLogger();
    const db = openDatabase({ file, logger: log, clock: () => T0 });
    const warn = log.lines.find((l) => l.level === 'warn');
    expect(String((warn?.obj as { err: Error }).err.message)).toMatch(/^quick_check: /);
    expect(count(db)).toBe(0);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    expect(readFileSync(`${file}.corrupt-2025-01-02T03-04-05-006Z`).equals(bytes)).toBe(true);
  });

  it('moves the -wal with the database and picks a free name on a second corruption', () => {
    const file = join(dir(), 'logs.db');
    writeFileSync(file, Buffer.alloc(4096, 1));
    writeFileSync(`${file}-wal`, Buffer.alloc(100, 2));
    openDatabase({ file, clock: () => T0 }).close();
    writeFileSync(file, Buffer.alloc(4096, 3));
    openDatabase({ file, clock: () => T0 }).close();
    const base = `${file}.corrupt-2025-01-02T03-04-05-006Z`;
    expect(readFileSync(`${base}-wal`)).toEqual(Buffer.alloc(100, 2));
    expect(readFileSync(`${base}-1`)).toEqual(Buffer.alloc(4096, 3));
  });

  it('does not treat an I/O error as corruption', () => {
    const file = join(dir(), 'logs.db');
    mkdirSync(file); // a directory where the file should be: cannot open, not corrupt
    expect(() => openDatabase({ file })).toThrow();
    expect(readdirSync(dir())).toEqual(['logs.db']);
    expect(existsSync(join(file))).toBe(true);
  });
});
