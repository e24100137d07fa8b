import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listBlockedAttempts } from '../../src/store/blocked-attempts-query.js';
import { createBlockedLog } from '../../src/store/blocked-log.js';
import { openDatabase } from '../../src/store/open-database.js';
import { attempt, useTempDir } from './temp-dir.js';

describe('listBlockedAttempts', () => {
  const dir = useTempDir();
  let db: Database.Database;
  beforeEach(() => {
    db = openDatabase({ file: join(dir(), 'logs.db') });
    const log = createBlockedLog({ db, clock: Date.now });
    for (let i = 0; i < 100; i += 1) {
      log.add(attempt(i, { client: i % 2 === 0 ? '10.0.0.2' : '10.0.0.3' }));
    }
    log.add(attempt(99, { name: 'same-ms.example', client: '10.0.0.3' })); // same time as #99
    log.flush();
  });
  afterEach(() => db.close());

  it('returns the 50 newest by default, newest first, exactly as logged', () => {
    const rows = listBlockedAttempts(db);
    expect(rows).toHaveLength(50);
    // Logged without a device: the device of the address, no profile.
    expect(rows[0]).toEqual({ ...attempt(99, { name: 'same-ms.example', client: '10.0.0.3' }), device: 'ip:10.0.0.3', profile: '' });
    expect(rows[1]).toEqual({ ...attempt(99, { client: '10.0.0.3' }), device: 'ip:10.0.0.3', profile: '' });
    expect(rows.map((r) => r.time)).toEqual([...rows.map((r) => r.time)].sort((a, b) => b - a));
  });

  it('filters by client, since and limit', () => {
    const rows = listBlockedAttempts(db, { client: '10.0.0.2', limit: 5 });
    expect(rows.map((r) => r.name)).toEqual([98, 96, 94, 92, 90].map((i) => `n${i}.omegle.example`));
    const since = attempt(95).time;
    const recent = listBlockedAttempts(db, { client: '10.0.0.3', since, limit: 1000 });
    expect(recent.map((r) => r.time)).toEqual([99, 99, 97, 95].map((i) => attempt(i).time));
    expect(listBlockedAttempts(db, { client: '10.9.9.9' })).toEqual([]);
  });

  it('filters by device', () => {
    const log = createBlockedLog({ db, clock: Date.now });
    log.add({ ...attempt(200, { client: '10.0.0.9' }), device: 'mac:02:00:5e:00:53:01', profile: 'teen' });
    log.flush();
    expect(listBlockedAttempts(db, { device: 'mac:02:00:5e:00:53:01' })).toEqual([{ ...attempt(200, { client: '10.0.0.9' }), device: 'mac:02:00:5e:00:53:01', profile: 'teen' }]);
  });

  it.each([0, -1, 1.5, 10_001, Number.NaN])('rejects limit %s', (limit) => {
    expect(() => listBlockedAttempts(db, { limit })).toThrow(RangeError);
  });

  it('throws on a row that does not match the schema instead of passing it on', () => {
    db.prepare("INSERT INTO blocked_attempts VALUES (NULL, 'not-a-time', 'c', 'n', 'A', 'c', 'l', 'r', 'ip:c', '')").run();
    expect(() => listBlockedAttempts(db, { limit: 1000 })).toThrow(/time/);
  });
});
