import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { openConfigDatabase } from '../../src/store/config-database.js';
import { readUserVersion } from '../../src/store/migrations.js';
import { configMigrations } from '../../src/store/config-migrations.js';
import { useTempDir } from '../store/temp-dir.js';

const dir = useTempDir('vigie-configdb-');

describe('openConfigDatabase', () => {
  it('creates config.db in WAL with synchronous=FULL and the subscriptions table', () => {
    const file = join(dir(), 'nested', 'config.db');
    const db = openConfigDatabase({ file });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      expect(readUserVersion(db)).toBe(configMigrations.length);
      const cols = (db.prepare('PRAGMA table_info(subscriptions)').all() as { name: string }[]).map((c) => c.name);
      expect(cols).toEqual(['id', 'url', 'category', 'enabled', 'added_at', 'etag', 'last_modified', 'last_refresh', 'last_success', 'last_error', 'entries', 'source']);
    } finally {
      db.close();
    }
  });

  it('reopens an existing file without migrating again and keeps its rows', () => {
    const file = join(dir(), 'config.db');
    const a = openConfigDatabase({ file });
    a.prepare("INSERT INTO subscriptions (id, url, category, added_at) VALUES ('x', 'http://a/', 'custom', 1)").run();
    a.close();
    const b = openConfigDatabase({ file });
    expect(b.prepare('SELECT count(*) AS n FROM subscriptions').get()).toEqual({ n: 1 });
    b.close();
  });

  it('refuses a damaged file with CONFIG_DB_CORRUPT and leaves it in place', () => {
    const file = join(dir(), 'config.db');
    writeFileSync(file, 'this is not a database, but the parents would want it back'.repeat(100));
    const before = readFileSync(file);
    let caught: unknown;
    try {
      openConfigDatabase({ file }).close();
    } catch (err) {
      caught = err;
    }
    expect(isAppError(caught, 'CONFIG_DB_CORRUPT')).toBe(true);
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});
