/** `vigie doctor` on the shipped public lists: real config.db, real catalog files. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastGoodListPath, subscriptionListsDir, writeFileAtomically } from '../../src/blocklists/subscriptions/list-files.js';
import { seedShippedSources } from '../../src/blocklists/subscriptions/seed-sources.js';
import { readShippedSources } from '../../src/blocklists/subscriptions/shipped-sources.js';
import { createSubscriptionStore } from '../../src/blocklists/subscriptions/subscription-store.js';
import { loadConfig } from '../../src/config.js';
import { checkSettings } from '../../src/doctor/checks.js';
import { openConfigDatabase } from '../../src/store/config-database.js';
import { useTempDir } from '../store/temp-dir.js';
import { ADULT_SOURCE, DATING_SOURCE, writeSourceCatalog } from './source-fixtures.js';

const dir = useTempDir('vigie-doctor-shipped-');
const DAY = 24 * 3_600_000;
const start = Date.UTC(2026, 11, 1, 12);

function setup(updates: 'on' | 'off') {
  const listsDir = writeSourceCatalog(join(dir(), 'catalog'), [ADULT_SOURCE, DATING_SOURCE]);
  const dataDir = join(dir(), 'data');
  const config = loadConfig({ env: { VIGIE_DATA_DIR: dataDir, VIGIE_LIST_UPDATES: 'off', ...(updates === 'on' ? { VIGIE_LIST_UPDATES: 'on' } : {}), VIGIE_LISTS_DIR: listsDir, VIGIE_UPSTREAMS: 'udp://127.0.0.1:9' } });
  const db = openConfigDatabase({ file: join(dataDir, 'config.db') });
  seedShippedSources({ db, sources: readShippedSources(listsDir), listsDir: subscriptionListsDir(dataDir), clock: () => start });
  const store = createSubscriptionStore({ db });
  const row = (source: string) => store.list().find((s) => s.source === source)!;
  return { config, db, store, row, dataDir };
}
const listFindings = (config: ReturnType<typeof loadConfig>, now: number) => checkSettings(config, now).filter((f) => f.check === 'lists');

describe('vigie doctor and the shipped public lists', () => {
  it('fresh after a recent start, and after a refresh within two weeks', () => {
    const { config, db, store, row } = setup('on');
    expect(listFindings(config, start + DAY)).toEqual([{ check: 'lists', status: 'ok', message: 'subscribed and shipped lists are fresh' }]);
    store.recordSuccess(row('tiny-adult').id, { at: start + 10 * DAY, etag: null, lastModified: null, entries: 40 });
    store.recordSuccess(row('tiny-dating').id, { at: start + 10 * DAY, etag: null, lastModified: null, entries: 10 });
    expect(listFindings(config, start + 20 * DAY)).toEqual([expect.objectContaining({ status: 'ok' })]);
    db.close();
  });

  it('warns when the last refresh failed, naming the list, the copy kept and what to do', () => {
    const { config, db, store, row, dataDir } = setup('on');
    const dating = row('tiny-dating');
    writeFileAtomically(lastGoodListPath(subscriptionListsDir(dataDir), dating.id), 'a.example\n');
    store.recordSuccess(dating.id, { at: start + DAY, etag: null, lastModified: null, entries: 9 });
    store.recordFailure(dating.id, start + 2 * DAY, 'the new copy has 2 entries, less than half of the 9 kept: the previous copy stays');
    store.recordFailure(row('tiny-adult').id, start + 2 * DAY, 'network error (ENOTFOUND)');
    const findings = listFindings(config, start + 3 * DAY);
    expect(findings).toEqual([
      { check: 'lists', status: 'warn', message: 'shipped list tiny-adult: its last refresh failed (network error (ENOTFOUND)); the shipped snapshot of 2026-12-01 stays in use', fix: expect.stringContaining('check the internet connection, then run `vigie lists update`') },
      { check: 'lists', status: 'warn', message: 'shipped list tiny-dating: its last refresh failed (the new copy has 2 entries, less than half of the 9 kept: the previous copy stays); the copy of 2026-12-02 stays in use', fix: expect.stringContaining(`vigie lists remove ${dating.id}`) },
    ]);
    db.close();
  });

  it('warns when none worked for 14 days; with updates off, says how to turn them on; a list the parents stopped is not reported', () => {
    const { config, db, store, row } = setup('off');
    store.recordSuccess(row('tiny-dating').id, { at: start + DAY, etag: null, lastModified: null, entries: 10 });
    const findings = listFindings(config, start + 16 * DAY);
    expect(findings).toEqual([
      { check: 'lists', status: 'warn', message: 'shipped list tiny-adult has never been refreshed; the shipped snapshot of 2026-12-01 is in use', fix: expect.stringContaining('set VIGIE_LIST_UPDATES=on') },
      { check: 'lists', status: 'warn', message: 'shipped list tiny-dating was last refreshed on 2026-12-02; the shipped snapshot of 2026-12-01 is in use', fix: expect.stringContaining('VIGIE_LIST_UPDATES=on') },
    ]);
    store.remove(row('tiny-adult').id);
    expect(listFindings(config, start + 16 * DAY).map((f) => f.message)).toEqual([expect.stringContaining('tiny-dating')]);
    db.close();
  });
});
