/**
 * A damaged or hostile backup is refused as a whole, with a message naming the problem, and the
 * target config.db is left exactly as it was (every row of every table compared).
 */
import { rmSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackupInvalidError, parseBackup, parseBackupText, type BackupDocument } from '../../src/backup/backup-format.js';
import { exportBackup } from '../../src/backup/export-backup.js';
import { importBackup } from '../../src/backup/import-backup.js';
import { dumpDb, fillConfig, freshConfig } from './fill-config.js';

let source: { dir: string; db: Database.Database };
let target: { dir: string; db: Database.Database };
let good: BackupDocument;

beforeEach(() => {
  source = freshConfig();
  fillConfig(source.db);
  good = exportBackup(source.db);
  target = freshConfig();
  target.db.prepare("INSERT INTO custom_rules (name, kind, subdomains, added_at) VALUES ('kept.example', 'block', 1, 1)").run();
});
afterEach(() => {
  for (const c of [source, target]) {
    c.db.close();
    rmSync(c.dir, { recursive: true, force: true });
  }
});

/** A deep copy of the good document with `edit` applied. */
function damaged(edit: (doc: any) => void): unknown {
  const doc = JSON.parse(JSON.stringify(good));
  edit(doc);
  return doc;
}

/** Feeds `text` through parse + import, expects a refusal matching `message`, and an untouched target. */
function expectRefused(text: string, message: RegExp): void {
  const before = dumpDb(target.db);
  let caught: unknown;
  try {
    importBackup(target.db, parseBackupText(text));
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(BackupInvalidError);
  expect((caught as BackupInvalidError).code).toBe('VALIDATION');
  expect((caught as Error).message).toMatch(message);
  expect(dumpDb(target.db)).toEqual(before);
}

describe('refusing damaged or hostile backups', () => {
  it.each([
    ['another JSON file', () => ({ name: 'vigie', version: '0.1.0' }), /not a Vigie backup \(expected "format": "vigie-backup"\)/],
    ['an array', () => [1, 2, 3], /not a Vigie backup/],
    ['a newer version', () => damaged((d) => { d.version = 2; }), /version 2, made by a newer Vigie; this one reads version 1: upgrade Vigie first/],
    ['version 0', () => damaged((d) => { d.version = 0; }), /unsupported backup version 0/],
    ['a profile whose base is no preset', () => damaged((d) => { d.data.profiles.find((p: any) => p.id === 'lea').base = 'toddler'; }), /data\.profiles\.\d+\.base: must be one of the presets child, teen, adult, unfiltered/],
    ['a schedule starting at 9999', () => damaged((d) => { d.data.schedules[0].start = 9999; }), /data\.schedules\.0\.start: Too big/],
    ['a device of a missing profile', () => damaged((d) => { d.data.devices[0].profileId = 'ghost'; }), /data\.devices\.0\.profileId: names a profile 'ghost' that is not in the backup/],
    ['a rule of a missing profile', () => damaged((d) => { d.data.profileRules.push({ profileId: 'ghost', name: 'x.example', kind: 'allow', subdomains: true }); }), /names a profile 'ghost'/],
    ['a default profile that does not exist', () => damaged((d) => { d.data.settings.defaultProfile = 'nobody'; }), /data\.settings\.defaultProfile: names a profile 'nobody'/],
    ['a built-in flag on a parent profile', () => damaged((d) => { d.data.profiles.find((p: any) => p.id === 'lea').builtIn = true; }), /must be false for 'lea' \(only the presets are built in\)/],
    ['the same device twice', () => damaged((d) => { d.data.devices.push(d.data.devices[0]); }), /data\.devices\.2: repeats the device ip:192\.168\.1\.31/],
    ['a rule name that is not a domain', () => damaged((d) => { d.data.customRules[0].name = '<script>alert(1)</script>'; }), /data\.customRules\.0\.name: must be a domain name/],
    ['a subscription to a file: URL', () => damaged((d) => { d.data.subscriptions[0].url = 'file:///etc/shadow'; }), /data\.subscriptions\.0\.url: only http: and https: lists/],
    ['an upstream that is a name', () => damaged((d) => { d.data.settings.upstreams = ['dns.google']; }), /data\.settings\.upstreams\.0: is not an upstream/],
    ['an unknown field', () => damaged((d) => { d.data.profiles[0].isAdmin = true; }), /Unrecognized key: "isAdmin"/],
    ['a password hash that is not one', () => damaged((d) => { d.data.adminPasswordHash = 'hunter2'; }), /adminPasswordHash: is not a Vigie password hash/],
    ['a missing table', () => damaged((d) => { delete d.data.devices; }), /data\.devices: /],
  ])('refuses %s', (_what, make, message) => {
    expectRefused(JSON.stringify(make()), message);
  });

  it('refuses a prototype-pollution attempt and pollutes nothing', () => {
    const text = JSON.stringify(good).replace('"data":{', '"data":{"__proto__":{"polluted":true},');
    expectRefused(text, /Unrecognized key: "__proto__"/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses text that is not JSON', () => {
    expectRefused('{"format":"vigie-backup", "version": 1, "data": {', /not a Vigie backup: the file is not valid JSON/);
  });

  it('refuses 10 MB of junk before parsing it', () => {
    expectRefused('x'.repeat(10 * 1024 * 1024), /the file is larger than 4 MiB: not a Vigie backup/);
  });

  it('lists every problem in issues, the first five in the message', () => {
    const bad = damaged((d) => {
      d.data.schedules[0].start = 9999;
      d.data.schedules[1].days = ['someday'];
      d.data.devices[0].mac = 'zz';
    });
    try {
      parseBackup(bad);
      expect.unreachable();
    } catch (err) {
      const e = err as BackupInvalidError;
      expect(e.message).toMatch(/^the backup is damaged or invalid, nothing was changed: /);
      expect(e.issues.map((i) => i.path.join('.'))).toEqual(['data.schedules.0.start', 'data.schedules.1.days.0', 'data.devices.0.mac']);
    }
  });

  it('rolls everything back when the database refuses a row half-way (all or nothing)', () => {
    // A valid backup, but this database aborts the custom rules: nothing before them may stay.
    target.db.exec("CREATE TRIGGER no_rules BEFORE INSERT ON custom_rules BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
    const before = dumpDb(target.db);
    expect(() => importBackup(target.db, good)).toThrow(/refused by the test/);
    expect(dumpDb(target.db)).toEqual(before);
    expect(target.db.prepare("SELECT count(*) FROM profiles WHERE id = 'lea'").pluck().get()).toBe(0);
  });
});

describe('refusing a password hash that can never verify (issue 12.8c)', () => {
  const SALT_AND_KEY = `c2FsdHNhbHRzYWx0$${'A'.repeat(43)}`;
  it.each([
    ['N above the maximum', `scrypt$4194304$8$1$${SALT_AND_KEY}`, /admin password hash can never be checked by this Vigie, nothing was changed: scrypt N=4194304 is above the largest this Vigie accepts \(1048576\)/],
    ['a cost needing 1 GiB', `scrypt$1048576$8$1$${SALT_AND_KEY}`, /scrypt N=1048576 r=8 needs more than 256 MiB/],
    ['N not a power of two', `scrypt$1000$8$1$${SALT_AND_KEY}`, /scrypt N=1000 is not a power of two/],
    ['too few parts', 'scrypt$16384$8$1$abc', /not of the form scrypt\$N\$r\$p\$salt\$hash/],
    ['a short hash', 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0$AAAA', /the hash is not 32 bytes long/],
  ])('%s: refused, the password and everything else unchanged', (_name, hash, message) => {
    target.db.prepare("INSERT INTO settings (key, value) VALUES ('admin_password', 'scrypt$1024$8$1$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')").run();
    expectRefused(JSON.stringify(damaged((d) => { d.data.adminPasswordHash = hash; })), message);
  });
});
