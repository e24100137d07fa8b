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
    expect(runMigrations(db)).toEqual({ from: 0, to: 2, applied: ['1-blocked_attempts', '2-blocked_attempts device and profile'] });
    expect(readUserVersion(db)).toBe(migrations.length);
    expect(runMigrations(db)).toEqual({ from: 2, to: 2, applied: [] });
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'blocked_attempts' ORDER BY name")
      .pluck()
      .all();
    expect(indexes).toEqual(['blocked_attempts_client_time', 'blocked_attempts_device_time', 'blocked_attempts_time']);
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
    expect(() => runMigrations(db)).toThrow(/schema version 7 is newer than this Vigie knows \(2\)/);
    expect(readUserVersion(db)).toBe(7);
  });

  it('brings a version-1 log forward: old rows get the device of their address', () => {
    db = new Database(':memory:');
    runMigrations(db, migrations.slice(0, 1));
    db.prepare("INSERT INTO blocked_attempts (time, client, name, qtype, category, list, rule) VALUES (1, '192.0.2.7', 'coco.gg', 'A', 'anonymous-chat', 'anonymous-chat', 'coco.gg')").run();
    expect(runMigrations(db)).toEqual({ from: 1, to: 2, applied: ['2-blocked_attempts device and profile'] });
    expect(db.prepare('SELECT device, profile FROM blocked_attempts').get()).toEqual({ device: 'ip:192.0.2.7', profile: '' });
  });

  it('rejects a list that is not numbered 1..n', () => {
    db = new Database(':memory:');
    const gap: Migration[] = [{ version: 2, name: 'gap', up() {} }];
    expect(() => runMigrations(db, gap)).toThrow(/expected 1/);
  });
});
