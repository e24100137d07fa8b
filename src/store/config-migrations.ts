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
];
