import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  migrations,
  readUserVersion,
  runMigrations,
  SchemaTooNewError,
  type Migration,
} from '../../src/store/migrations.js';

describe('runMigrations', () => {
  let db: Database.Database;
  afterEach(() => db.close());

  it('applies every step once, tracked by user_version, and is idempotent', () => {
    db = new Database(':memory:');
    expect(readUserVersion(db)).toBe(0);
    expect(runMigrations(db)).toEqual({
      from: 0,
      to: 4,
      applied: ['1-blocked_attempts', '2-blocked_attempts device and profile', '3-daily_counts and first_attempts', '4-blocked_floods'],
    });
    expect(readUserVersion(db)).toBe(migrations.length);
    expect(runMigrations(db)).toEqual({ from: 4, to: 4, applied: [] });
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'blocked_attempts' ORDER BY name")
      .pluck()
      .all();
    expect(indexes).toEqual(['blocked_attempts_client_time', 'blocked_attempts_device_time', 'blocked_attempts_time']);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') ORDER BY name").pluck().all();
    expect(tables).toEqual(['blocked_attempts', 'blocked_attempts_first', 'blocked_floods', 'daily_counts', 'first_attempts']);
  });

  it('rolls a failing step back entirely, version included', () => {
    db = new Database(':memory:');
    const broken: Migration[] = [
      ...migrations,
      {
        version: migrations.length + 1,
        name: 'half-done',
        up(d) {
          d.exec('CREATE TABLE half (x)');
          throw new Error('boom');
        },
      },
    ];
    expect(() => runMigrations(db, broken)).toThrow('boom');
    expect(readUserVersion(db)).toBe(migrations.length);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0);
  });

  it('refuses a database written by a newer version, with a clear error', () => {
    db = new Database(':memory:');
    db.pragma('user_version = 7');
    expect(() => runMigrations(db)).toThrow(SchemaTooNewError);
    expect(() => runMigrations(db)).toThrow(/schema version 7 is newer than this Vigie knows \(4\)/);
    expect(readUserVersion(db)).toBe(7);
  });

  it('brings a version-1 log forward: old rows get the device of their address', () => {
    db = new Database(':memory:');
    runMigrations(db, migrations.slice(0, 1));
    db.prepare("INSERT INTO blocked_attempts (time, client, name, qtype, category, list, rule) VALUES (1, '192.0.2.7', 'coco.gg', 'A', 'anonymous-chat', 'anonymous-chat', 'coco.gg')").run();
    expect(runMigrations(db)).toEqual({ from: 1, to: 4, applied: ['2-blocked_attempts device and profile', '3-daily_counts and first_attempts', '4-blocked_floods'] });
    expect(db.prepare('SELECT device, profile FROM blocked_attempts').get()).toEqual({ device: 'ip:192.0.2.7', profile: '' });
  });

  it('version 3 backfills first_attempts from older rows, then keeps the earliest attempt per device and category', () => {
    db = new Database(':memory:');
    runMigrations(db, migrations.slice(0, 2));
    const insert = db.prepare("INSERT INTO blocked_attempts (time, client, name, qtype, category, list, rule, device) VALUES (?, '192.0.2.7', ?, 'A', ?, 'l', 'r', 'ip:192.0.2.7')");
    insert.run(200, 'b.coco.example', 'anonymous-chat');
    insert.run(100, 'a.coco.example', 'anonymous-chat');
    runMigrations(db);
    insert.run(50, 'late.coco.example', 'anonymous-chat'); // an older attempt flushed late wins
    insert.run(300, 'later.coco.example', 'anonymous-chat');
    insert.run(400, 'vpn.example', 'bypass');
    const firsts = db.prepare('SELECT device, category, time, name FROM first_attempts ORDER BY category').all();
    expect(firsts).toEqual([
      { device: 'ip:192.0.2.7', category: 'anonymous-chat', time: 50, name: 'late.coco.example' },
      { device: 'ip:192.0.2.7', category: 'bypass', time: 400, name: 'vpn.example' },
    ]);
  });

  it('version 3 backfill takes the name of the earliest row', () => {
    db = new Database(':memory:');
    runMigrations(db, migrations.slice(0, 2));
    const insert = db.prepare("INSERT INTO blocked_attempts (time, client, name, qtype, category, list, rule, device) VALUES (?, '192.0.2.7', ?, 'A', 'dating', 'l', 'r', 'ip:192.0.2.7')");
    for (const [t, n] of [[300, 'c.example'], [100, 'a.example'], [200, 'b.example']] as const) insert.run(t, n);
    runMigrations(db);
    expect(db.prepare('SELECT time, name FROM first_attempts').get()).toEqual({ time: 100, name: 'a.example' });
  });

  it('rejects a list that is not numbered 1..n', () => {
    db = new Database(':memory:');
    const gap: Migration[] = [{ version: 2, name: 'gap', up() {} }];
    expect(() => runMigrations(db, gap)).toThrow(/expected 1/);
  });
});
