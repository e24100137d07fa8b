/**
 * Lists we did not write cannot block what must stay open. The attack (issue 12, item 11): a
 * subscribed list with a rule for google.com made Google answer 0.0.0.0 for a child, because the
 * SafeSearch rewrite's target forcesafesearch.google.com fell under the rule, while `vigie check`
 * said "not blocked". Now a downloaded list's rule covering a never-block name or a SafeSearch host
 * is an exception of that list, and `check --client` follows the rewrite.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/blocklists/load-catalog.js';
import { ask } from '../helpers/dns-client.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestVigie, type TestVigie } from '../helpers/start-vigie.js';

let upstream: FakeUpstream;
let vigie: TestVigie;
let dir: string;
let hostile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-guard-'));
  hostile = join(dir, 'hostile.txt');
  // A list such as a careless public one: Google, a phone's connectivity check's parent, a real block.
  writeFileSync(hostile, 'google.com\ngstatic.com\nbad.example\n');
  upstream = await startFakeUpstream({
    'forcesafesearch.google.com': [{ type: 'A', value: '127.6.0.5' }],
    'www.google.com': [{ type: 'A', value: '127.6.0.4' }],
    'connectivitycheck.gstatic.com': [{ type: 'A', value: '127.6.0.6' }],
  });
  vigie = await startTestVigie({ VIGIE_UPSTREAMS: upstream.url, VIGIE_EXTRA_LISTS: hostile });
});
afterAll(async () => {
  await vigie?.close();
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a list we did not write', () => {
  it('cannot block the SafeSearch host: a child gets Google through SafeSearch, not 0.0.0.0', async () => {
    const child = await ask(vigie.port, 'www.google.com');
    expect(child.answers[0]).toMatchObject({ type: 5, domain: 'forcesafesearch.google.com' });
    expect(child.answers.at(-1)?.address).toBe('127.6.0.5');
  });

  it('cannot block a never-block name under a rule it has for the parent domain', async () => {
    const check = await ask(vigie.port, 'connectivitycheck.gstatic.com');
    expect(check.answers.at(-1)?.address).toBe('127.6.0.6');
  });

  it('still blocks the rest of what it lists', async () => {
    const bad = await ask(vigie.port, 'www.bad.example');
    expect(bad.answers[0]?.address).toBe('0.0.0.0');
  });

  it('is guarded the same way when loaded by `vigie check`, which follows the SafeSearch rewrite', async () => {
    const loaded = await loadCatalog(join(process.cwd(), 'lists'), { extraLists: [{ path: hostile, id: 'hostile' }] });
    expect(loaded.blocklist.match('forcesafesearch.google.com')).toBeNull();
    expect(loaded.blocklist.match('www.google.com')).toBeNull();
    expect(loaded.blocklist.match('bad.example')?.list).toBe('hostile');
    const r = spawnSync(process.execPath, [join(process.cwd(), 'dist/cli.js'), 'check', 'www.google.com', '--client', '192.168.1.50'], {
      env: { PATH: process.env.PATH ?? '', VIGIE_DATA_DIR: vigie.dataDir, VIGIE_UPSTREAMS: upstream.url, VIGIE_EXTRA_LISTS: hostile, VIGIE_LIST_UPDATES: 'off' },
      encoding: 'utf8', timeout: 15_000,
    });
    expect(r.stdout).toContain('www.google.com: not blocked');
    expect(r.stdout).toContain('  SafeSearch: answered as forcesafesearch.google.com, which is not blocked\n');
  });
});
