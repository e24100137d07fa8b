import type { Migration } from './migrations.js';

/**
 * The config database's schema history (`config.db`), oldest first. Same rules as the log
 * database's list (see migrations.ts): numbered 1..n, never edit a step that has shipped.
 */
export const configMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'subscriptions',
    up(db) {
      // Remote blocklists the parents subscribed to. `id` is a short hash of the URL (stable across
      // machines, used as the file name of the kept copy); times are ms since the epoch; `etag` and
      // `last_modified` are the validators of the last good copy, sent back as If-None-Match /
      // If-Modified-Since (RFC 9110 §13.1).
      db.exec(`
        CREATE TABLE subscriptions (
          id            TEXT PRIMARY KEY,
          url           TEXT UNIQUE NOT NULL,
          category      TEXT NOT NULL,
          enabled       INTEGER NOT NULL DEFAULT 1,
          added_at      INTEGER NOT NULL,
          etag          TEXT,
          last_modified TEXT,
          last_refresh  INTEGER,
          last_success  INTEGER,
          last_error    TEXT,
          entries       INTEGER
        );
      `);
    },
  },
  {
    version: 2,
    name: 'custom rules',
    up(db) {
      // The parents' own global rules: `allow` beats every list; `subdomains` = 1 covers the name
      // and everything under it, 0 the exact name only. Names are stored normalized (lower-case
      // ASCII/punycode, no trailing dot).
      db.exec(`
        CREATE TABLE custom_rules (
          name       TEXT NOT NULL,
          kind       TEXT NOT NULL CHECK (kind IN ('allow', 'block')),
          subdomains INTEGER NOT NULL DEFAULT 1,
          added_at   INTEGER NOT NULL,
          PRIMARY KEY (name, kind)
        );
      `);
    },
  },
  {
    version: 3,
    name: 'devices, profiles, schedules, overrides',
    up(db) {
      // Profiles: `categories` is a JSON object of explicit choices (category → blocked); a missing
      // category follows the `base` preset's catalog default. The four presets are seeded as
      // built-in profiles so a parent can tune them. `settings` holds small key/values such as the
      // profile unknown devices get.
      // Schedules: `days` is a 7-bit mask (bit 0 = Monday) of the days a window starts on;
      // `start_min`/`end_min` are local minutes after midnight, end <= start crossing midnight.
      // Devices: `id` is 'mac:…' or 'ip:…'; `addresses` a JSON array; times are ms since the epoch.
      db.exec(`
        CREATE TABLE settings (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL
        );
        CREATE TABLE profiles (
          id          TEXT PRIMARY KEY,
          name        TEXT NOT NULL,
          base        TEXT NOT NULL CHECK (base IN ('child', 'teen', 'adult', 'unfiltered')),
          categories  TEXT NOT NULL DEFAULT '{}',
          safe_search INTEGER NOT NULL DEFAULT 0,
          built_in    INTEGER NOT NULL DEFAULT 0,
          created_at  INTEGER NOT NULL
        );
        CREATE TABLE profile_rules (
          profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
          name       TEXT NOT NULL,
          kind       TEXT NOT NULL CHECK (kind IN ('allow', 'block')),
          subdomains INTEGER NOT NULL DEFAULT 1,
          PRIMARY KEY (profile_id, name, kind)
        );
        CREATE TABLE schedules (
          id          INTEGER PRIMARY KEY,
          profile_id  TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
          label       TEXT NOT NULL DEFAULT '',
          days        INTEGER NOT NULL CHECK (days BETWEEN 1 AND 127),
          start_min   INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
          end_min     INTEGER NOT NULL CHECK (end_min BETWEEN 0 AND 1439),
          mode        TEXT NOT NULL CHECK (mode IN ('block', 'bedtime')),
          categories  TEXT NOT NULL DEFAULT '[]',
          allow       TEXT NOT NULL DEFAULT '[]',
          enabled     INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE devices (
          id              TEXT PRIMARY KEY,
          mac             TEXT,
          randomized_mac  INTEGER NOT NULL DEFAULT 0,
          ip              TEXT,
          addresses       TEXT NOT NULL DEFAULT '[]',
          hostname        TEXT,
          name            TEXT,
          profile_id      TEXT REFERENCES profiles(id) ON DELETE SET NULL,
          first_seen      INTEGER NOT NULL,
          last_seen       INTEGER NOT NULL
        );
        CREATE INDEX devices_ip ON devices(ip);
        CREATE TABLE overrides (
          device_id  TEXT PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
          kind       TEXT NOT NULL CHECK (kind IN ('pause', 'block')),
          until      INTEGER NOT NULL,
          created_at INTEGER NOT NULL
        );
      `);
      const seed = db.prepare('INSERT INTO profiles (id, name, base, safe_search, built_in, created_at) VALUES (?, ?, ?, ?, 1, 0)');
      seed.run('child', 'Child', 'child', 1);
      seed.run('teen', 'Teen', 'teen', 1);
      seed.run('adult', 'Adult', 'adult', 0);
      seed.run('unfiltered', 'Unfiltered', 'unfiltered', 0);
      db.prepare("INSERT INTO settings (key, value) VALUES ('default_profile', 'child')").run();
    },
  },
  {
    version: 4,
    name: 'admin sessions and API tokens',
    up(db) {
      // The admin page's password hash lives in `settings` (key 'admin_password', scrypt). Sessions
      // and tokens are stored as SHA-256 hashes of their secrets, never the secrets themselves: a
      // copy of config.db (a backup) does not log anyone in. Times are ms since the epoch.
      db.exec(`
        CREATE TABLE admin_sessions (
          id_hash    TEXT PRIMARY KEY,
          csrf       TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          last_seen  INTEGER NOT NULL,
          client     TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE api_tokens (
          id         TEXT PRIMARY KEY,
          name       TEXT UNIQUE NOT NULL,
          hash       TEXT UNIQUE NOT NULL,
          created_at INTEGER NOT NULL,
          last_used  INTEGER
        );
      `);
    },
  },
  {
    version: 5,
    name: 'services in profiles, per-device rules, shipped list sources, overrides that turn everything off',
    up(db) {
      // Profiles: `services` is a JSON object of explicit per-service choices (catalog service id →
      // blocked), over the categories: a parent blocks TikTok or allows Discord without touching
      // the whole category. Device rules: allow (or block) one catalog service or one name for one
      // device, whatever its profile says (`target_type` 'service' | 'name'). Subscriptions: `source`
      // is the catalog list id of a list Vigie ships a snapshot of and refreshes by default (null for
      // the parents' own subscriptions). Overrides: kind 'off' is "turn everything off" for a while;
      // a 'pause' (reward time) now lifts schedules and optional groups only (SQLite cannot alter a
      // CHECK constraint: the table is rebuilt, rows kept).
      db.exec(`
        CREATE TABLE overrides_v5 (
          device_id  TEXT PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
          kind       TEXT NOT NULL CHECK (kind IN ('pause', 'block', 'off')),
          until      INTEGER NOT NULL,
          created_at INTEGER NOT NULL
        );
        INSERT INTO overrides_v5 (device_id, kind, until, created_at) SELECT device_id, kind, until, created_at FROM overrides;
        DROP TABLE overrides;
        ALTER TABLE overrides_v5 RENAME TO overrides;
        ALTER TABLE profiles ADD COLUMN services TEXT NOT NULL DEFAULT '{}';
        CREATE TABLE device_rules (
          device_id   TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
          kind        TEXT NOT NULL CHECK (kind IN ('allow', 'block')),
          target_type TEXT NOT NULL CHECK (target_type IN ('service', 'name')),
          target      TEXT NOT NULL,
          subdomains  INTEGER NOT NULL DEFAULT 1,
          created_at  INTEGER NOT NULL,
          PRIMARY KEY (device_id, target_type, target)
        );
        ALTER TABLE subscriptions ADD COLUMN source TEXT;
      `);
    },
  },
];
