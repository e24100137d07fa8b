/**
 * Devices, profiles, schedules and overrides on a real server: queries from 127.0.0.2, .3, .4
 * (the client socket is bound to that address) get each device's profile; a schedule window and a
 * pause switch answers on and off with the (injected) clock, without a restart or a reload.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { touchListsChanged } from '../../src/blocklists/subscriptions/list-files.js';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { createOverrideStore } from '../../src/policy/override-store.js';
import { createProfileStore } from '../../src/policy/profile-store.js';
import { createScheduleStore } from '../../src/policy/schedule-store.js';
import { openConfigDatabase } from '../../src/store/config-database.js';
import { ask, decode, query, sendUdp } from '../helpers/dns-client.js';
import { freeUdpPort, hasDnsmasq, startDnsmasq } from '../helpers/dnsmasq.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestVigie, type TestVigie } from '../helpers/start-vigie.js';

const CHILD = '127.0.0.2';
const ADULT = '127.0.0.3';
const NEWCOMER = '127.0.0.4';
const ROUTER = '127.0.0.5';
const STRANGER = '127.0.0.6';
const TV_MAC = '02:00:5e:00:53:aa';

// Wednesday 25 November 2026, 12:30 in Paris (UTC+1).
let now = Date.UTC(2026, 10, 25, 11, 30);
const at = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return Date.UTC(2026, 10, 25, h! - 1, m!);
};

let upstream: FakeUpstream;
let vigie: TestVigie;
let routerPort: number;

function withDb<T>(fn: (db: Database.Database) => T): T {
  const db = openConfigDatabase({ file: join(vigie.dataDir, 'config.db') });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const addressOf = async (name: string, from: string): Promise<string | undefined> => (await ask(vigie.port, name, 'A', { from })).answers.at(-1)?.address;

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'tinder.com': [{ type: 'A', value: '127.6.0.1' }],
    'tiktok.com': [{ type: 'A', value: '127.6.0.2' }],
    'homework.example.test': [{ type: 'A', value: '127.6.0.3' }],
    'www.google.com': [{ type: 'A', value: '127.6.0.4' }],
    'forcesafesearch.google.com': [{ type: 'A', value: '127.6.0.5' }],
  });
  routerPort = await freeUdpPort(ROUTER);
  vigie = await startTestVigie({ VIGIE_UPSTREAMS: upstream.url, VIGIE_TRUSTED_FORWARDERS: `${ROUTER}/32`, VIGIE_RELAY_PORT: String(routerPort), VIGIE_CACHE_SIZE: '0' }, { clock: () => now });
  withDb((db) => {
    const devices = createDeviceStore({ db });
    devices.recordSightings([
      { id: `ip:${CHILD}`, mac: null, ip: CHILD, at: now },
      { id: `ip:${ADULT}`, mac: null, ip: ADULT, at: now },
      { id: `mac:${TV_MAC}`, mac: TV_MAC, ip: '192.0.2.50', at: now },
    ]);
    devices.update(`ip:${CHILD}`, { name: 'Léa', profileId: 'child' });
    devices.update(`ip:${ADULT}`, { name: 'Parents', profileId: 'adult' });
    devices.update(`mac:${TV_MAC}`, { name: 'TV', profileId: 'unfiltered' });
    // School day: social media blocked 13:00-14:00 on Wednesdays for the child profile.
    createScheduleStore({ db }).add({ profileId: 'child', label: 'lunch', days: ['wed'], start: 13 * 60, end: 14 * 60, mode: 'block', categories: ['social-media'], allow: [], enabled: true });
  });
  await vigie.reloadLists();
});
afterAll(async () => {
  await vigie?.close();
  await upstream?.close();
});

describe('profiles per device', () => {
  it('answers the same name differently for a child and an adult device', async () => {
    expect(await addressOf('tinder.com', CHILD)).toBe('0.0.0.0');
    expect(await addressOf('tinder.com', ADULT)).toBe('127.6.0.1');
  });

  it('protects an unknown device with the default profile from its first query, and remembers it', async () => {
    expect(await addressOf('tinder.com', NEWCOMER)).toBe('0.0.0.0');
    await vigie.devices.tracker!.flush();
    const seen = withDb((db) => createDeviceStore({ db }).get(`ip:${NEWCOMER}`));
    expect(seen).toMatchObject({ ip: NEWCOMER, profileId: null, firstSeen: now });
  });

  it.skipIf(!hasDnsmasq)('believes the EDNS0 MAC option only from a trusted forwarder whose relay check passed', async () => {
    const before = decode((await sendUdp(vigie.port, withMacOption(query('tinder.com'), TV_MAC), { from: ROUTER }))!);
    expect(before.answers[0]?.address).toBe('0.0.0.0'); // not checked yet: not believed
    // The router's DNS relay strips clients' own options (docs/router.md): the check passes.
    const relay = await startDnsmasq({ address: ROUTER, port: routerPort, upstreamPort: vigie.port, options: ['--strip-mac', '--strip-subnet'] });
    try {
      await vigie.devices.relayCheck.checkAll();
    } finally {
      await relay.stop();
    }
    const fromRouter = decode((await sendUdp(vigie.port, withMacOption(query('tinder.com'), TV_MAC), { from: ROUTER }))!);
    expect(fromRouter.answers[0]?.address).toBe('127.6.0.1'); // the TV's profile: unfiltered
    const spoofed = decode((await sendUdp(vigie.port, withMacOption(query('tinder.com'), TV_MAC), { from: STRANGER }))!);
    expect(spoofed.answers[0]?.address).toBe('0.0.0.0'); // a child claiming to be the TV: default profile
  });

  it('rewrites Google to SafeSearch for the child profile only', async () => {
    const child = await ask(vigie.port, 'www.google.com', 'A', { from: CHILD });
    expect(child.answers[0]).toMatchObject({ type: 5, domain: 'forcesafesearch.google.com' });
    expect(child.answers.at(-1)?.address).toBe('127.6.0.5');
    expect(await addressOf('www.google.com', ADULT)).toBe('127.6.0.4');
  });
});

describe('schedules and overrides follow the clock without a reload', () => {
  it('blocks social media only inside the window', async () => {
    now = at('12:59');
    expect(await addressOf('tiktok.com', CHILD)).toBe('127.6.0.2');
    now = at('13:00');
    expect(await addressOf('tiktok.com', CHILD)).toBe('0.0.0.0');
    expect(await addressOf('tiktok.com', ADULT)).toBe('127.6.0.2');
    now = at('13:59');
    expect(await addressOf('tiktok.com', CHILD)).toBe('0.0.0.0');
    now = at('14:00');
    expect(await addressOf('tiktok.com', CHILD)).toBe('127.6.0.2');
  });

  it('a pause keeps the risky categories; turning everything off lifts them for one device and ends by itself', async () => {
    now = at('15:00');
    withDb((db) => createOverrideStore({ db, clock: () => now }).set(`ip:${CHILD}`, 'pause', 30));
    await vigie.reloadLists();
    expect(await addressOf('tinder.com', CHILD)).toBe('0.0.0.0');
    withDb((db) => createOverrideStore({ db, clock: () => now }).set(`ip:${CHILD}`, 'off', 30));
    await vigie.reloadLists();
    expect(await addressOf('tinder.com', CHILD)).toBe('127.6.0.1');
    expect(await addressOf('tinder.com', NEWCOMER)).toBe('0.0.0.0');
    now = at('15:29');
    expect(await addressOf('tinder.com', CHILD)).toBe('127.6.0.1');
    now = at('15:30');
    expect(await addressOf('tinder.com', CHILD)).toBe('0.0.0.0');
  });

  it('"block now" blocks everything for one device until it ends', async () => {
    now = at('16:00');
    withDb((db) => createOverrideStore({ db, clock: () => now }).set(`ip:${ADULT}`, 'block', 10));
    await vigie.reloadLists();
    expect(await addressOf('homework.example.test', ADULT)).toBe('0.0.0.0');
    expect(await addressOf('homework.example.test', CHILD)).toBe('127.6.0.3');
    now = at('16:10');
    expect(await addressOf('homework.example.test', ADULT)).toBe('127.6.0.3');
  });

  it('a bedtime window crossing midnight blocks all but its allow-list, then lifts', async () => {
    withDb((db) => {
      createScheduleStore({ db }).add({ profileId: 'child', label: 'bedtime', days: ['wed'], start: 21 * 60, end: 7 * 60, mode: 'bedtime', categories: [], allow: ['homework.example.test'], enabled: true });
      createProfileStore({ db }); // touch nothing else
    });
    touchListsChanged(vigie.dataDir); // the way the CLI announces a change: picked up within ~2 s
    now = at('23:30');
    let blocked = false;
    for (let i = 0; i < 40 && !blocked; i++) {
      blocked = (await addressOf('tiktok.com', CHILD)) === '0.0.0.0';
      if (!blocked) await new Promise((r) => setTimeout(r, 150));
    }
    expect(blocked).toBe(true);
    expect(await addressOf('homework.example.test', CHILD)).toBe('127.6.0.3');
    expect(await addressOf('tiktok.com', ADULT)).toBe('127.6.0.2');
    now = Date.UTC(2026, 10, 26, 5, 59); // Thursday 06:59 Paris: still bedtime
    expect(await addressOf('tiktok.com', CHILD)).toBe('0.0.0.0');
    now = Date.UTC(2026, 10, 26, 6, 0); // 07:00: over
    expect(await addressOf('tiktok.com', CHILD)).toBe('127.6.0.2');
  });
});

it('logs each blocked attempt with its device and profile', async () => {
  now = at('18:00');
  await addressOf('tinder.com', CHILD);
  vigie.blockedLog.flush();
  const logs = new Database(join(vigie.dataDir, 'logs.db'), { readonly: true });
  try {
    const rows = logs.prepare("SELECT device, profile, client, category FROM blocked_attempts WHERE name = 'tinder.com' ORDER BY id").all() as Array<Record<string, string>>;
    expect(rows).toContainEqual({ device: `ip:${CHILD}`, profile: 'child', client: CHILD, category: 'dating' });
    expect(rows).toContainEqual({ device: `ip:${NEWCOMER}`, profile: 'child', client: NEWCOMER, category: 'dating' });
    expect(rows.some((r) => r.device === `ip:${ADULT}`)).toBe(false);
  } finally {
    logs.close();
  }
});

/** Appends an OPT record carrying dnsmasq's MAC option (65001, six raw bytes) to a query. */
function withMacOption(packet: Buffer, mac: string): Buffer {
  const macBytes = Buffer.from(mac.split(':').map((h) => parseInt(h, 16)));
  const option = Buffer.concat([Buffer.from([0xfd, 0xe9, 0x00, 0x06]), macBytes]);
  const opt = Buffer.alloc(11);
  opt.writeUInt8(0, 0); // root owner
  opt.writeUInt16BE(41, 1); // OPT
  opt.writeUInt16BE(1232, 3);
  opt.writeUInt32BE(0, 5);
  opt.writeUInt16BE(option.length, 9);
  const out = Buffer.concat([packet, opt, option]);
  out.writeUInt16BE(1, 10); // ARCOUNT
  return out;
}

it('counts every lookup per device and local day for the weekly report', async () => {
  now = at('19:00');
  await addressOf('homework.example.test', ADULT);
  await addressOf('tinder.com', CHILD);
  vigie.dailyCounter.flush();
  const logs = new Database(join(vigie.dataDir, 'logs.db'), { readonly: true });
  try {
    const rows = logs.prepare("SELECT device, queries, blocked FROM daily_counts WHERE day = '2026-11-25' ORDER BY device").all() as Array<{ device: string; queries: number; blocked: number }>;
    const child = rows.find((r) => r.device === `ip:${CHILD}`);
    const adult = rows.find((r) => r.device === `ip:${ADULT}`);
    expect(child!.queries).toBeGreaterThanOrEqual(child!.blocked);
    expect(child!.blocked).toBeGreaterThan(0);
    expect(adult!.queries).toBeGreaterThan(adult!.blocked);
  } finally {
    logs.close();
  }
});
