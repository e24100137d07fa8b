/**
 * Upgrades: a database left by each earlier Vigie (every earlier schema version of config.db and
 * logs.db, with realistic rows of that time) is opened the way `vigie serve` opens it; the rows
 * survive and the newer tables exist with their seeds. A failing migration leaves the file as
 * it was: same version, same schema, same rows.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createCustomRulesStore } from '../../src/blocklists/custom-rules.js';
import { createSubscriptionStore } from '../../src/blocklists/subscriptions/subscription-store.js';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { createOverrideStore } from '../../src/policy/override-store.js';
import { createProfileStore } from '../../src/policy/profile-store.js';
import { createScheduleStore } from '../../src/policy/schedule-store.js';
import { openConfigDatabase } from '../../src/store/config-database.js';
import { configMigrations } from '../../src/store/config-migrations.js';
import { migrations, readUserVersion, runMigrations, type Migration } from '../../src/store/migrations.js';
import { openDatabase } from '../../src/store/open-database.js';
import { useTempDir } from './temp-dir.js';

const T0 = Date.UTC(2026, 0, 10, 12, 0);
const NOW = T0 + 86_400_000;

/** Rows each config schema version could hold, written with that version's SQL. */
const SEED: Record<number, (db: Database.Database) => void> = {
  1: (db) => {
    db.prepare("INSERT INTO subscriptions (id, url, category, enabled, added_at, etag, last_success, entries) VALUES ('a1b2c3d4e5f6', 'https://lists.example/chat.txt', 'anonymous-chat', 1, ?, '\"v1\"', ?, 1234)").run(T0, T0);
  },
  2: (db) => {
    db.prepare("INSERT INTO custom_rules (name, kind, subdomains, added_at) VALUES ('coco.gg', 'block', 1, ?), ('school.example', 'allow', 0, ?)").run(T0, T0 + 1);
  },
  3: (db) => {
    db.prepare("INSERT INTO profiles (id, name, base, categories, safe_search, built_in, created_at) VALUES ('lea', 'Léa', 'teen', '{\"gaming\":true}', 1, 0, ?)").run(T0);
    db.prepare("UPDATE profiles SET name = 'Enfant' WHERE id = 'child'").run();
    db.prepare("INSERT INTO profile_rules (profile_id, name, kind, subdomains) VALUES ('lea', 'wikipedia.org', 'allow', 1)").run();
    db.prepare("INSERT INTO schedules (profile_id, label, days, start_min, end_min, mode, categories, allow, enabled) VALUES ('lea', 'nuit', 31, 1260, 420, 'bedtime', '[]', '[\"school.example\"]', 1)").run();
    db.prepare("INSERT INTO devices (id, mac, randomized_mac, ip, addresses, hostname, name, profile_id, first_seen, last_seen) VALUES ('mac:3c:22:fb:01:02:03', '3c:22:fb:01:02:03', 0, '192.168.1.20', '[\"192.168.1.20\"]', 'lea-phone', 'Léa phone', 'lea', ?, ?)").run(T0, T0 + 5);
    db.prepare("INSERT INTO overrides (device_id, kind, until, created_at) VALUES ('mac:3c:22:fb:01:02:03', 'pause', ?, ?)").run(NOW + 3_600_000, T0);
    db.prepare("UPDATE settings SET value = 'teen' WHERE key = 'default_profile'").run();
  },
};

/** Checks that what SEED wrote for versions 1..k is there, read through today's stores. */
function expectSeeded(db: Database.Database, k: number): void {
  const subs = createSubscriptionStore({ db }).list();
  expect(subs.map((s) => [s.url, s.category, s.etag, s.entries])).toEqual(k >= 1 ? [['https://lists.example/chat.txt', 'anonymous-chat', '"v1"', 1234]] : []);
  const rules = createCustomRulesStore({ db }).list();
  expect(rules.map((r) => [r.kind, r.name, r.subdomains])).toEqual(k >= 2 ? [['allow', 'school.example', false], ['block', 'coco.gg', true]] : []);
  const profiles = createProfileStore({ db, clock: () => NOW });
  const names = Object.fromEntries(profiles.list().map((p) => [p.id, p.name]));
  expect(names).toEqual(k >= 3
    ? { child: 'Enfant', teen: 'Teen', adult: 'Adult', unfiltered: 'Unfiltered', lea: 'Léa' }
    : { child: 'Child', teen: 'Teen', adult: 'Adult', unfiltered: 'Unfiltered' }); // the v3 seeds
  expect(profiles.defaultProfileId()).toBe(k >= 3 ? 'teen' : 'child');
  if (k < 3) return;
  expect(profiles.get('lea')).toMatchObject({ base: 'teen', categories: { gaming: true }, safeSearch: true, builtIn: false });
  expect(profiles.rules('lea')).toEqual([{ profileId: 'lea', name: 'wikipedia.org', kind: 'allow', subdomains: true }]);
  expect(createScheduleStore({ db }).list()).toMatchObject([{ profileId: 'lea', label: 'nuit', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: 1260, end: 420, mode: 'bedtime', allow: ['school.example'] }]);
  expect(createDeviceStore({ db }).list()).toMatchObject([{ id: 'mac:3c:22:fb:01:02:03', name: 'Léa phone', profileId: 'lea', hostname: 'lea-phone', firstSeen: T0, lastSeen: T0 + 5 }]);
  expect(createOverrideStore({ db, clock: () => NOW }).list()).toEqual([{ deviceId: 'mac:3c:22:fb:01:02:03', kind: 'pause', until: NOW + 3_600_000, createdAt: T0 }]);
}

function schemaOf(file: string): { version: number; master: unknown[]; rows: Record<string, unknown[]> } {
  const db = new Database(file, { readonly: true });
  try {
    const master = db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name').all();
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    const rows = Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}"`).all().map((r) => JSON.stringify(r)).sort()]));
    return { version: readUserVersion(db), master, rows };
  } finally {
    db.close();
  }
}

describe('config.db upgrades', () => {
  const dir = useTempDir('vigie-upgrade-');

  it.each([0, 1, 2, 3])('a version-%i database opens at the current version with its rows kept', (k) => {
    const file = join(dir(), 'config.db');
    if (k === 0) {
      writeFileSync(file, ''); // an empty file: what a failed first start can leave
    } else {
      const old = new Database(file);
      old.pragma('foreign_keys = ON');
      runMigrations(old, configMigrations.slice(0, k));
      for (let v = 1; v <= k; v++) SEED[v]!(old);
      expect(readUserVersion(old)).toBe(k);
      old.close();
    }
    const db = openConfigDatabase({ file });
    try {
      expect(readUserVersion(db)).toBe(configMigrations.length);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
      expect(tables).toEqual(['admin_sessions', 'api_tokens', 'custom_rules', 'device_rules', 'devices', 'overrides', 'profile_rules', 'profiles', 'schedules', 'settings', 'subscriptions']);
      expectSeeded(db, k);
      expect(db.prepare('SELECT count(*) FROM api_tokens').pluck().get()).toBe(0);
      expect(db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('a failing step leaves the file as it was: version, schema and rows', () => {
    const file = join(dir(), 'config.db');
    const db = openConfigDatabase({ file });
    for (let v = 1; v <= 3; v++) SEED[v]!(db);
    db.close();
    const copy = join(dir(), 'copy.db');
    copyFileSync(file, copy);
    const broken: Migration = {
      version: configMigrations.length + 1,
      name: 'broken',
      up(d) {
        d.exec('CREATE TABLE half_done (x); INSERT INTO half_done VALUES (1); DELETE FROM custom_rules;');
        throw new Error('disk full, say');
      },
    };
    const again = new Database(file);
    expect(() => runMigrations(again, [...configMigrations, broken])).toThrow('disk full, say');
    again.close();
    const after = schemaOf(file);
    expect(after.version).toBe(configMigrations.length);
    expect(after).toEqual(schemaOf(copy));
  });

  it('a real step failing at start (a table in the way) leaves a version-2 file untouched and says why', () => {
    const file = join(dir(), 'config.db');
    const old = new Database(file);
    runMigrations(old, configMigrations.slice(0, 2));
    SEED[1]!(old);
    SEED[2]!(old);
    old.exec("CREATE TABLE devices (note TEXT); INSERT INTO devices VALUES ('made by hand')"); // v3 creates `devices`
    old.close();
    const copy = join(dir(), 'copy.db');
    copyFileSync(file, copy);
    expect(() => openConfigDatabase({ file })).toThrow(/table devices already exists/);
    const after = schemaOf(file);
    expect(after.version).toBe(2);
    expect(after).toEqual(schemaOf(copy));
    expect(after.rows.custom_rules).toHaveLength(2);
  });
});

describe('logs.db upgrades', () => {
  const dir = useTempDir('vigie-upgrade-logs-');
  const earlier = Array.from({ length: migrations.length - 1 }, (_, i) => i + 1);

  it.each(earlier)('a version-%i log opens at the current version with its attempts kept', (k) => {
    const file = join(dir(), 'logs.db');
    const old = new Database(file);
    runMigrations(old, migrations.slice(0, k));
    const insert = old.prepare("INSERT INTO blocked_attempts (time, client, name, qtype, category, list, rule) VALUES (?, '192.168.1.20', ?, 'A', 'anonymous-chat', 'vigie-core', 'coco.gg')");
    insert.run(T0 + 200, 'www.coco.gg');
    insert.run(T0 + 100, 'coco.gg');
    if (k >= 2) old.prepare("UPDATE blocked_attempts SET device = 'mac:3c:22:fb:01:02:03', profile = 'lea'").run();
    // From version 3 a trigger filled first_attempts at the INSERT, before the device was set.
    if (k >= 3) old.prepare("UPDATE first_attempts SET device = 'mac:3c:22:fb:01:02:03'").run();
    old.close();
    const db = openDatabase({ file });
    try {
      expect(readUserVersion(db)).toBe(migrations.length);
      const rows = db.prepare('SELECT time, name, device, profile FROM blocked_attempts ORDER BY time').all();
      const device = k >= 2 ? 'mac:3c:22:fb:01:02:03' : 'ip:192.168.1.20';
      expect(rows).toEqual([
        { time: T0 + 100, name: 'coco.gg', device, profile: k >= 2 ? 'lea' : '' },
        { time: T0 + 200, name: 'www.coco.gg', device, profile: k >= 2 ? 'lea' : '' },
      ]);
      if (migrations.length >= 3) {
        expect(db.prepare('SELECT device, category, time, name FROM first_attempts').all()).toEqual([{ device, category: 'anonymous-chat', time: T0 + 100, name: 'coco.gg' }]);
        expect(db.prepare('SELECT count(*) FROM daily_counts').pluck().get()).toBe(0);
      }
    } finally {
      db.close();
    }
  });

  it('a failing step leaves the log file as it was', () => {
    const file = join(dir(), 'logs.db');
    const db = openDatabase({ file });
    db.prepare("INSERT INTO blocked_attempts (time, client, name, qtype, category, list, rule) VALUES (1, '192.168.1.20', 'coco.gg', 'A', 'anonymous-chat', 'vigie-core', 'coco.gg')").run();
    db.close();
    const copy = join(dir(), 'copy.db');
    copyFileSync(file, copy);
    const broken: Migration = { version: migrations.length + 1, name: 'broken', up(d) { d.exec('CREATE TABLE half_done (x); DELETE FROM blocked_attempts;'); throw new Error('boom'); } };
    const again = new Database(file);
    expect(() => runMigrations(again, [...migrations, broken])).toThrow('boom');
    again.close();
    expect(schemaOf(file)).toEqual(schemaOf(copy));
  });
});
