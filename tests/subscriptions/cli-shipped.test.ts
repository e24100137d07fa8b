/**
 * `node dist/cli.js lists` with shipped sources, against a loopback HTTP list server and a real
 * config.db. The catalog names its sources' upstreams as https on the loopback server (the catalog
 * only takes https); that server speaks plain http, so a download from those URLs fails with a TLS
 * error without leaving the machine. The refreshes that must succeed go through rows as seeding
 * makes them, but with the plain-http URL of the same server.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRemovedSources } from '../../src/blocklists/subscriptions/seed-sources.js';
import { createSubscriptionStore } from '../../src/blocklists/subscriptions/subscription-store.js';
import { openConfigDatabase } from '../../src/store/config-database.js';
import { runListsCli, sendList, startListServer, type ListServer } from './list-server.js';
import { listOf, writeSourceCatalog } from './source-fixtures.js';

let dataDir: string;
let listsDir: string;
let server: ListServer;
const bodies: Record<string, string> = {};

const run = (args: string[]) => runListsCli(args, { dataDir, listsDir });

const withDb = <T>(fn: (db: ReturnType<typeof openConfigDatabase>) => T): T => {
  const db = openConfigDatabase({ file: join(dataDir, 'config.db') });
  try {
    return fn(db);
  } finally {
    db.close();
  }
};
const httpsUrl = (path: string) => server.url(path).replace('http:', 'https:');
const lineOf = (out: string, id: string) => out.split('\n').find((l) => l.startsWith(`${id} `)) ?? '';

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'vigie-cli-shipped-'));
  server = await startListServer((req, res) => {
    const b = bodies[req.url ?? ''] ?? '';
    if (b.startsWith('<')) res.writeHead(200, { 'content-type': 'text/html' }).end(b);
    else sendList(res, b);
  });
  listsDir = writeSourceCatalog(mkdtempSync(join(tmpdir(), 'vigie-cli-shipped-lists-')), [
    { id: 'tiny-adult', category: 'adult', url: httpsUrl('/adult'), entries: 40 },
    { id: 'tiny-dating', category: 'dating', url: httpsUrl('/dating.txt'), entries: 10 },
  ]);
  withDb((db) => {
    const store = createSubscriptionStore({ db });
    store.add({ url: server.url('/adult'), category: 'adult', source: 'tiny-adult' });
    store.add({ url: server.url('/dating.txt'), category: 'dating', source: 'tiny-dating' });
  });
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(listsDir, { recursive: true, force: true });
});

describe('vigie lists with shipped public lists', () => {
  it('shows them with their shipped snapshot, its date and entries, and that updates are off', async () => {
    const r = await run([]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^no subscribed lists/);
    expect(r.stdout).toContain('shipped public lists (refreshed weekly; automatic updates are OFF (VIGIE_LIST_UPDATES=off)):');
    expect(r.stdout).toMatch(/LIST\s+CATEGORY\s+ENTRIES\s+IN USE\s+LAST REFRESH\s+LAST ERROR/);
    expect(lineOf(r.stdout, 'tiny-adult')).toMatch(/^tiny-adult\s+adult\s+40\s+shipped snapshot of 2026-12-01\s+never$/);
    expect(lineOf(r.stdout, 'tiny-dating')).toMatch(/^tiny-dating\s+dating\s+10\s+shipped snapshot of 2026-12-01\s+never$/);
  });

  it('update by hand: a good copy replaces the snapshot, one under half of it is refused and said so', async () => {
    bodies['/dating.txt'] = listOf(8, 'dating');
    bodies['/adult'] = listOf(3, 'adult');
    const r = await run(['update']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/updated [0-9a-f]{12} \(8 entries\)/);
    expect(r.stdout).toContain('the new copy has 3 entries, less than half of the 40 in the shipped snapshot: the shipped snapshot stays');
    const table = await run([]);
    expect(lineOf(table.stdout, 'tiny-dating')).toMatch(/^tiny-dating\s+dating\s+8\s+copy refreshed \d{4}-\d\d-\d\d \d\d:\d\d\s+\d{4}-\d\d-\d\d \d\d:\d\d$/);
    expect(lineOf(table.stdout, 'tiny-adult')).toMatch(/^tiny-adult\s+adult\s+40\s+shipped snapshot of 2026-12-01\s+\S+ \S+\s+the new copy has 3 entries, less than half of the 40 in the shipped snapshot: the shipped snapshot stays$/);
  });

  it('a refresh that returns HTML keeps the previous copy, in the table and in --json', async () => {
    bodies['/dating.txt'] = '<!doctype html><title>Too many requests</title>';
    expect((await run(['update'])).status).toBe(1);
    const table = await run([]);
    expect(lineOf(table.stdout, 'tiny-dating')).toMatch(/\s8\s+copy refreshed .*an HTML page, not a list \(a login or error page\?\): keeping the previous copy$/);
    const json = JSON.parse((await run(['--json'])).stdout) as Array<{ source: string | null; lastError: string | null; shipped?: Record<string, unknown> }>;
    const dating = json.find((s) => s.source === 'tiny-dating')!;
    expect(dating.lastError).toMatch(/HTML/);
    expect(dating.shipped).toEqual({
      list: 'tiny-dating', title: { en: 'Tiny dating list', fr: 'Petite liste dating' }, licence: 'CC-BY-SA-4.0', sources: ['example/tiny-dating'],
      snapshotDate: '2026-12-01', snapshotEntries: 10, inUse: 'kept-copy', entriesInUse: 8, keepingPrevious: true,
    });
  });

  it('remove stops refreshing it (remembered); add of the catalog URL resumes', async () => {
    const removed = await run(['remove', server.url('/dating.txt')]);
    expect(removed.status).toBe(0);
    expect(removed.stdout).toContain('the shipped list tiny-dating is no longer refreshed: its shipped snapshot is used');
    expect(withDb(readRemovedSources)).toEqual(['tiny-dating']);
    expect(lineOf((await run([])).stdout, 'tiny-dating')).toMatch(/\s10\s+shipped snapshot of 2026-12-01\s+never\s+not refreshed: removed by you/);
    const added = await run(['add', httpsUrl('/dating.txt'), '--category', 'custom']);
    expect(added.stdout).toMatch(/added [0-9a-f]{12}\s+dating\s+.*\(the shipped list tiny-dating: refreshed weekly again\)/);
    expect(added.stdout).toMatch(/FAILED [0-9a-f]{12}: network error/); // https against the plain-http loopback server
    expect(added.status).toBe(1);
    expect(withDb(readRemovedSources)).toEqual([]);
    expect(lineOf((await run([])).stdout, 'tiny-dating')).toMatch(/^tiny-dating\s+dating\s+10\s+shipped snapshot of 2026-12-01\s+\S+ \S+\s+network error.*: keeping the shipped snapshot$/);
    expect(existsSync(join(dataDir, 'lists', '.changed'))).toBe(true);
  });
});
