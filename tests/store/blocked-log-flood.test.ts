/**
 * Attack (issue 12 item 9): a flood of blocked queries from one address must not hide another
 * device's attempts. Real SQLite file, the buffer size and flush of a running Vigie (main.ts).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BLOCKED_ROWS_PER_FLUSH } from '../../src/main.js';
import { listFloods } from '../../src/store/blocked-floods.js';
import { createBlockedLog } from '../../src/store/blocked-log.js';
import { openDatabase } from '../../src/store/open-database.js';
import { attempt, useTempDir } from './temp-dir.js';

const FLOODER = '192.168.1.66';
const CHILD = '192.168.1.20';
const T0 = 1_700_000_000_000;

describe('a flood from one address within one flush window', () => {
  const dir = useTempDir();
  let close = (): void => {};
  afterEach(() => close());

  it("keeps every row of the other address, drops the flooder's extra rows, and records a flood marker", () => {
    const db = openDatabase({ file: join(dir(), 'logs.db') });
    close = () => db.close();
    const log = createBlockedLog({ db, clock: () => T0, maxBuffered: BLOCKED_ROWS_PER_FLUSH });
    const flood = 5 * BLOCKED_ROWS_PER_FLUSH;
    for (let i = 0; i < flood; i++) {
      log.add(attempt(i, { client: FLOODER, device: `ip:${FLOODER}` }));
      // The child's few attempts arrive in the middle of the flood, when the buffer is long full.
      if (i % 400 === 399) log.add(attempt(i, { client: CHILD, device: `ip:${CHILD}`, name: `child${i}.coco.gg` }));
    }
    const childRows = Math.floor(flood / 400);
    expect(log.flush()).toBe(BLOCKED_ROWS_PER_FLUSH);
    const logged = db.prepare('SELECT client, count(*) AS n FROM blocked_attempts GROUP BY client ORDER BY client').all();
    expect(logged).toEqual([{ client: CHILD, n: childRows }, { client: FLOODER, n: BLOCKED_ROWS_PER_FLUSH - childRows }]);
    expect(log.stats().dropped).toBe(flood - (BLOCKED_ROWS_PER_FLUSH - childRows));
    expect(listFloods(db, { from: T0, to: T0 + 60_000 })).toEqual([
      { client: FLOODER, device: `ip:${FLOODER}`, first: expect.any(Number), last: T0 + flood - 1, dropped: flood - (BLOCKED_ROWS_PER_FLUSH - childRows) },
    ]);
  });

  it('a second window adds to the same minute\'s marker; a source within its share leaves none', () => {
    const db = openDatabase({ file: join(dir(), 'logs.db') });
    close = () => db.close();
    const log = createBlockedLog({ db, clock: () => T0, maxBuffered: 10 });
    for (let w = 0; w < 2; w++) {
      for (let i = 0; i < 15; i++) log.add(attempt(w * 100 + i, { client: FLOODER }));
      log.flush();
    }
    for (let i = 0; i < 5; i++) log.add(attempt(500 + i, { client: CHILD }));
    log.flush();
    expect(listFloods(db, { from: T0, to: T0 + 60_000 })).toEqual([expect.objectContaining({ client: FLOODER, dropped: 10 })]);
  });
});
