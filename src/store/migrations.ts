import type Database from 'better-sqlite3';

/**
 * One schema step. `version` is the `PRAGMA user_version` the database has once `up` ran;
 * versions start at 1 and follow each other without gaps. `up` runs inside a transaction
 * together with the `user_version` bump, so a step is applied entirely or not at all.
 * Never edit a migration that has shipped: add the next one.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Database.Database): void;
}

/** The log database's schema history, oldest first. Append new steps at the end. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'blocked_attempts',
    up(db) {
      // `time` is ms since the epoch (the injected clock); every list/report query filters on a
      // time range, often per client, hence the two indexes.
      db.exec(`
        CREATE TABLE blocked_attempts (
          id       INTEGER PRIMARY KEY,
          time     INTEGER NOT NULL,
          client   TEXT NOT NULL,
          name     TEXT NOT NULL,
          qtype    TEXT NOT NULL,
          category TEXT NOT NULL,
          list     TEXT NOT NULL,
          rule     TEXT NOT NULL
        );
        CREATE INDEX blocked_attempts_time ON blocked_attempts(time);
        CREATE INDEX blocked_attempts_client_time ON blocked_attempts(client, time);
      `);
    },
  },
  {
    version: 2,
    name: 'blocked_attempts device and profile',
    up(db) {
      // Which device (id 'mac:…' / 'ip:…', see src/policy/model.ts) and profile each attempt was
      // decided for: the weekly report groups by device. Rows logged before devices existed get
      // the device of their address.
      db.exec(`
        ALTER TABLE blocked_attempts ADD COLUMN device TEXT NOT NULL DEFAULT '';
        ALTER TABLE blocked_attempts ADD COLUMN profile TEXT NOT NULL DEFAULT '';
        UPDATE blocked_attempts SET device = 'ip:' || client;
        CREATE INDEX blocked_attempts_device_time ON blocked_attempts(device, time);
      `);
    },
  },
  {
    version: 3,
    name: 'daily_counts and first_attempts',
    up(db) {
      // daily_counts: lookups and blocked answers per device and local day (VIGIE_TZ), written by
      // the daily counter about once a minute; the weekly report's totals without a query log.
      // first_attempts: each device's earliest blocked attempt per category, kept by a trigger so
      // the report finds "first attempt ever" with one lookup instead of scanning a device's whole
      // history (measured on 1M rows: the trigger adds ~8% to a log flush, an index on
      // (category, device, time) doubled it). It outlives the 90-day retention of
      // blocked_attempts, so "ever" means ever. The backfill keeps what older rows say.
      db.exec(`
        CREATE TABLE daily_counts (
          day     TEXT NOT NULL,
          device  TEXT NOT NULL,
          queries INTEGER NOT NULL DEFAULT 0,
          blocked INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (day, device)
        ) WITHOUT ROWID;
        CREATE TABLE first_attempts (
          device   TEXT NOT NULL,
          category TEXT NOT NULL,
          time     INTEGER NOT NULL,
          name     TEXT NOT NULL,
          PRIMARY KEY (device, category)
        ) WITHOUT ROWID;
        -- name comes from the min(time) row (SQLite's bare-column rule for min()).
        INSERT INTO first_attempts (device, category, time, name)
          SELECT device, category, min(time), name FROM blocked_attempts GROUP BY device, category;
        CREATE TRIGGER blocked_attempts_first AFTER INSERT ON blocked_attempts BEGIN
          INSERT INTO first_attempts (device, category, time, name) VALUES (new.device, new.category, new.time, new.name)
            ON CONFLICT (device, category) DO UPDATE SET time = excluded.time, name = excluded.name
            WHERE excluded.time < first_attempts.time;
        END;
      `);
    },
  },
  {
    version: 4,
    name: 'blocked_floods',
    up(db) {
      // When one source floods, the blocked-attempt buffer drops ITS extra rows (so other devices'
      // rows are kept) and counts them here: one row per source and minute, so a day-long flood is
      // at most 1,440 rows per source. The report and the overview show these markers.
      db.exec(`
        CREATE TABLE blocked_floods (
          client  TEXT NOT NULL,
          minute  INTEGER NOT NULL,
          device  TEXT NOT NULL,
          first   INTEGER NOT NULL,
          last    INTEGER NOT NULL,
          dropped INTEGER NOT NULL,
          PRIMARY KEY (client, minute)
        ) WITHOUT ROWID;
        CREATE INDEX blocked_floods_last ON blocked_floods(last);
      `);
    },
  },
];

/**
 * Thrown when the file's schema version is newer than any migration this build knows: it was
 * written by a newer Vigie. We refuse rather than risk writing rows a newer schema disagrees with.
 */
export class SchemaTooNewError extends Error {
  /** Stable code for callers and logs. */
  readonly code = 'STORE_SCHEMA_TOO_NEW';

  constructor(
    readonly fileVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `database schema version ${fileVersion} is newer than this Vigie knows (${knownVersion}); ` +
        'upgrade Vigie or restore a backup made by this version',
    );
    this.name = 'SchemaTooNewError';
  }
}

/** What `runMigrations` did. */
export interface MigrationResult {
  readonly from: number;
  readonly to: number;
  readonly applied: readonly string[];
}

/**
 * Brings `db` up to the last version of `list`, one transaction per step, tracked with
 * `PRAGMA user_version`. Idempotent: an up-to-date database is left untouched.
 * @throws SchemaTooNewError if the file's version is above the last known one.
 * @throws Error if `list` is not numbered 1..n (a programming error).
 */
export function runMigrations(
  db: Database.Database,
  list: readonly Migration[] = migrations,
): MigrationResult {
  assertNumbered(list);
  const from = readUserVersion(db);
  const known = list.length;
  if (from > known) throw new SchemaTooNewError(from, known);
  const applied: string[] = [];
  for (const step of list.slice(from)) {
    // user_version lives in the file header, which is written inside the transaction: a crash
    // mid-step leaves both the schema and the version as they were.
    db.transaction(() => {
      step.up(db);
      db.pragma(`user_version = ${step.version}`);
    }).immediate();
    applied.push(`${step.version}-${step.name}`);
  }
  return { from, to: Math.max(from, known), applied };
}

/** The database's `PRAGMA user_version` (0 for a new file). */
export function readUserVersion(db: Database.Database): number {
  const version: unknown = db.pragma('user_version', { simple: true });
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw new Error(`unexpected user_version: ${String(version)}`);
  }
  return version;
}

function assertNumbered(list: readonly Migration[]): void {
  list.forEach((step, i) => {
    if (step.version !== i + 1) {
      throw new Error(`migration ${step.name} has version ${step.version}, expected ${i + 1}`);
    }
  });
}
