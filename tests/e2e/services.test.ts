/**
 * Services end to end: a real Vigie (UDP on 127.0.0.1) over a fixture catalog v2, changed with the
 * real `vigie` binary as a parent would, then reloaded (what the lists stamp triggers): a blocked
 * service loses every domain and subdomain, an allowed one gets through although its category is
 * on, a device rule allows a service for one device only, and a schedule window naming a service
 * blocks it only inside the window (injected clock).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { openConfigDatabase } from '../../src/store/config-database.js';
import { ask } from '../helpers/dns-client.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { createFixtureLists, type FixtureLists } from '../helpers/services-catalog.js';
import { startTestVigie, type TestVigie } from '../helpers/start-vigie.js';

const KID = '127.0.0.2';
const LAPTOP = '127.0.0.3';
// Wednesday 25 November 2026, 12:30 in Paris (UTC+1).
let now = Date.UTC(2026, 10, 25, 11, 30);

const NAMES: Record<string, string> = {
  'tiktok.com': '127.6.1.1', 'cdn.tiktokv.com': '127.6.1.2', 'p16.tiktokcdn.com': '127.6.1.3',
  'discord.com': '127.6.1.4', 'gateway.discord.gg': '127.6.1.5', 'yubo.live': '127.6.1.6', 'api.yellw.co': '127.6.1.7',
};

let upstream: FakeUpstream;
let vigie: TestVigie;
let lists: FixtureLists;

/** Runs the real CLI on the server's data directory, then applies the change as the stamp watcher would. */
async function cli(args: string[]): Promise<string> {
  const r = spawnSync(process.execPath, [join(process.cwd(), 'dist/cli.js'), ...args], {
    env: { PATH: process.env.PATH ?? '', VIGIE_LIST_UPDATES: 'off', VIGIE_DATA_DIR: vigie.dataDir, VIGIE_LISTS_DIR: lists.dir, VIGIE_UPSTREAMS: upstream.url, VIGIE_TZ: 'Europe/Paris' },
    encoding: 'utf8', timeout: 15_000,
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  await vigie.reloadLists();
  return r.stdout;
}

/** Whether `name` asked from `from` gets the upstream's answer (true) or a block answer. */
async function passes(name: string, from: string): Promise<boolean> {
  const answer = await ask(vigie.port, name, 'A', { from });
  return answer.answers.at(-1)?.address === NAMES[name];
}

beforeAll(async () => {
  lists = createFixtureLists();
  upstream = await startFakeUpstream(Object.fromEntries(Object.entries(NAMES).map(([n, a]) => [n, [{ type: 'A', value: a }]])));
  vigie = await startTestVigie({ VIGIE_UPSTREAMS: upstream.url, VIGIE_LISTS_DIR: lists.dir, VIGIE_CACHE_SIZE: '0' }, { clock: () => now });
  const db = openConfigDatabase({ file: join(vigie.dataDir, 'config.db') });
  try {
    createDeviceStore({ db }).recordSightings([{ id: `ip:${KID}`, mac: null, ip: KID, at: now }, { id: `ip:${LAPTOP}`, mac: null, ip: LAPTOP, at: now }]);
  } finally {
    db.close();
  }
  await vigie.reloadLists();
});
afterAll(async () => {
  await vigie?.close();
  await upstream?.close();
  lists?.close();
});

describe('services on a running Vigie', { timeout: 60_000 }, () => {
  it('profiles set --block tiktok blocks every TikTok domain and subdomain; --allow discord lets it through', async () => {
    expect(await passes('tiktok.com', KID)).toBe(true);
    expect(await passes('discord.com', KID)).toBe(false);
    await cli(['profiles', 'set', 'child', '--block', 'tiktok', '--allow', 'discord']);
    for (const name of ['tiktok.com', 'cdn.tiktokv.com', 'p16.tiktokcdn.com']) expect(await passes(name, KID), name).toBe(false);
    expect(await passes('discord.com', KID)).toBe(true);
    expect(await passes('gateway.discord.gg', KID)).toBe(true);
  });

  it('a device rule allows a service for that device only', async () => {
    expect(await passes('yubo.live', LAPTOP)).toBe(false);
    await cli(['devices', 'allow', `ip:${LAPTOP}`, '--service', 'yubo']);
    expect(await passes('yubo.live', LAPTOP)).toBe(true);
    expect(await passes('api.yellw.co', LAPTOP)).toBe(true);
    expect(await passes('api.yellw.co', KID)).toBe(false);
  });

  it('a schedule window naming a service blocks it only inside the window', async () => {
    await cli(['profiles', 'set', 'child', '--default', 'tiktok']);
    expect(await passes('tiktok.com', KID)).toBe(true);
    await cli(['schedules', 'add', 'child', '--days', 'wed', '--from', '14:00', '--to', '16:00', '--block', 'tiktok']);
    expect(await passes('cdn.tiktokv.com', KID)).toBe(true);
    now = Date.UTC(2026, 10, 25, 13, 30); // 14:30 in Paris
    expect(await passes('cdn.tiktokv.com', KID)).toBe(false);
    expect(await passes('discord.com', KID)).toBe(true);
    now = Date.UTC(2026, 10, 25, 15, 30); // 16:30
    expect(await passes('cdn.tiktokv.com', KID)).toBe(true);
  });
});
