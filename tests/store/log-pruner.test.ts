import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBlockedLog } from '../../src/store/blocked-log.js';
import { createLogPruner } from '../../src/store/log-pruner.js';
import { openDatabase } from '../../src/store/open-database.js';
import { attempt, useTempDir } from './temp-dir.js';

const DAY = 24 * 60 * 60_000;

describe('log pruner', () => {
  const dir = useTempDir('vigie-prune-');

  it('deletes only rows past the retention, in batches, and follows a changed retention', async () => {
    const db = openDatabase({ file: join(dir(), 'logs.db') });
    try {
      const now = Date.UTC(2026, 10, 28);
      const log = createBlockedLog({ db, clock: () => now, maxBuffered: 100_000 });
      // 5,000 rows spread over the last 100 days (one every ~28.8 min).
      for (let i = 0; i < 5_000; i++) log.add({ ...attempt(i), time: now - Math.floor((i * 100 * DAY) / 5_000) });
      log.flush();
      let days = 90;
      const pruner = createLogPruner({ db, clock: () => now, retentionDays: () => days, batchRows: 100 });
      const deleted = await pruner.run();
      const left = db.prepare('SELECT count(*) AS n, min(time) AS oldest FROM blocked_attempts').get() as { n: number; oldest: number };
      expect(deleted).toBe(499); // rows strictly older than 90 days: i in 4501..4999
      expect(left.n).toBe(5_000 - 499);
      expect(left.oldest).toBeGreaterThanOrEqual(now - 90 * DAY);
      days = 30;
      expect(await pruner.run()).toBe(3_000); // i in 1501..4500
      expect(await pruner.run()).toBe(0);
    } finally {
      db.close();
    }
  });

  it('deletes flood markers past the retention with the attempts, and keeps the recent ones', async () => {
    const db = openDatabase({ file: join(dir(), 'floods.db') });
    try {
      const now = Date.UTC(2026, 10, 28);
      const mark = db.prepare('INSERT INTO blocked_floods (client, minute, device, first, last, dropped) VALUES (?, ?, ?, ?, ?, ?)');
      for (const [client, age] of [['192.0.2.1', 100], ['192.0.2.2', 91], ['192.0.2.3', 10]] as const) {
        const at = now - age * DAY;
        mark.run(client, Math.floor(at / 60_000), `ip:${client}`, at, at, 500);
      }
      const pruner = createLogPruner({ db, clock: () => now, retentionDays: () => 90, batchRows: 1 });
      expect(await pruner.run()).toBe(2);
      expect(db.prepare('SELECT client FROM blocked_floods').pluck().all()).toEqual(['192.0.2.3']);
    } finally {
      db.close();
    }
  });

  it('stops between batches when stopped, and reports errors instead of throwing', async () => {
    const db = openDatabase({ file: join(dir(), 'logs2.db') });
    const errors: unknown[] = [];
    const pruner = createLogPruner({ db, clock: () => Date.now(), retentionDays: () => 90, onError: (e) => errors.push(e) });
    db.close(); // the statement now fails
    expect(await pruner.run()).toBe(0);
    expect(errors).toHaveLength(1);
    await pruner.stop();
  });
});
