/**
 * Telling devices apart: the identify stage (fake next, a real built snapshot), the device tracker
 * over a real config.db, and the composed device identification services.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadCatalog, type LoadedCatalog } from '../../src/blocklists/load-catalog.js';
import { loadConfig } from '../../src/config.js';
import { createDeviceIdentification, splitTrusted, type DeviceIdentification } from '../../src/devices/device-identification.js';
import { Trust } from '../../src/devices/relay-check.js';
import { EdnsOption } from '../../src/devices/edns-client-options.js';
import { readRouterProxyStatus } from '../../src/devices/router-proxy-status.js';
import { QType } from '../../src/dns/constants.js';
import { buildQuery } from '../../src/dns/message-builder.js';
import { parseQuery, type ParsedQuery } from '../../src/dns/query-reader.js';
import { createLogger } from '../../src/log.js';
import { buildPolicySnapshot, type BuiltPolicy } from '../../src/policy/build-snapshot.js';
import { createDeviceStore, type DeviceStore } from '../../src/policy/device-store.js';
import { createDeviceTracker } from '../../src/policy/device-tracker.js';
import { PRESETS, type Device } from '../../src/policy/model.js';
import { createPolicyHolder, snapshotFromMatcher } from '../../src/policy/snapshot.js';
import { createIdentifyStage, type IdentifyDeps } from '../../src/resolver/stages/identify.js';
import type { DnsQuery, Requester, Resolution } from '../../src/resolver/types.js';
import { openConfigDatabase } from '../../src/store/config-database.js';
import { useTempDir } from '../store/temp-dir.js';

const listsDir = fileURLToPath(new URL('../../lists/', import.meta.url));
const dir = useTempDir('vigie-identify-');

const ROUTER = '192.0.2.1';
const MAC_A = '02:00:5e:00:53:01';
const MAC_A_BYTES = [0x02, 0x00, 0x5e, 0x00, 0x53, 0x01];
const MAC_C = '02:00:5e:00:53:03';

/** One EDNS option: code u16, length u16, data. */
function opt(code: number, data: number[]): Buffer {
  return Buffer.from([code >> 8, code & 0xff, data.length >> 8, data.length & 0xff, ...data]);
}
/** An IPv4 ECS option (family 1) with the address cut to ceil(prefix / 8) octets (RFC 7871 §6). */
const ecs4 = (prefix: number, address: number[]): Buffer => opt(EdnsOption.CLIENT_SUBNET, [0, 1, prefix, 0, ...address.slice(0, Math.ceil(prefix / 8))]);
const macOption = (bytes: number[]): Buffer => opt(EdnsOption.DNSMASQ_MAC, bytes);

function query(ip: string, options: Buffer | null = null, receivedAt = 1_000): DnsQuery {
  const raw = buildQuery({ id: 7, name: 'example.com', type: QType.A });
  const p = parseQuery(raw) as ParsedQuery;
  return {
    id: p.id, name: p.name, type: p.type, qclass: p.qclass, flags: p.flags, question: raw.subarray(12, p.questionEnd),
    edns: options === null ? null : { udpSize: 1232, version: 0, dnssecOk: false, options }, client: { ip, port: 5300, transport: 'udp' }, receivedAt,
  };
}

function device(over: Partial<Device> & Pick<Device, 'id'>): Device {
  return { mac: null, randomizedMac: false, ip: null, addresses: [], hostname: null, name: null, profileId: null, firstSeen: 0, lastSeen: 0, ...over };
}

describe('identify stage', () => {
  let loaded: LoadedCatalog;
  let policy: BuiltPolicy;
  beforeAll(async () => {
    loaded = await loadCatalog(listsDir);
    policy = buildPolicySnapshot({
      loaded,
      profiles: PRESETS.map((id) => ({ id, name: id, base: id, categories: {}, services: {}, safeSearch: id === 'child', builtIn: true })),
      rules: [], windows: [], overrides: [], defaultProfileId: 'child', timeZone: 'Europe/Paris', blockMode: 'null', builtAt: 0,
      devices: [
        device({ id: `mac:${MAC_A}`, mac: MAC_A, ip: '192.0.2.10', name: 'Tablette', profileId: 'teen', lastSeen: 10 }),
        device({ id: 'ip:192.0.2.20', ip: '192.0.2.20', name: 'TV', profileId: 'adult', lastSeen: 10 }),
        device({ id: `mac:${MAC_C}`, mac: MAC_C, ip: '192.0.2.30', profileId: 'unfiltered', lastSeen: 10 }),
      ],
    });
  });

  type Seen = Parameters<IdentifyDeps['onSeen']>;
  function setup(opts: { trusted?: string[]; trust?: number; macs?: Record<string, string> } = {}) {
    const seen: Seen[] = [];
    const trusted = new Set(opts.trusted ?? [ROUTER]);
    const trustOf = vi.fn((ip: string) => (trusted.has(ip) ? opts.trust ?? Trust.MAC | Trust.SUBNET : Trust.NONE));
    const macOf = vi.fn((ip: string) => opts.macs?.[ip] ?? null);
    const holder = createPolicyHolder(policy);
    const stage = createIdentifyStage({ policy: holder, trustOf, macOf, onSeen: (...args) => seen.push(args) });
    const next = vi.fn((q: DnsQuery): Resolution => ({ outcome: 'forwarded', message: Buffer.from(q.question) }));
    return { stage, next, seen, trustOf, macOf, holder };
  }

  it('sets q.requester, tells onSeen, then calls next once with the same query', () => {
    const { stage, next, seen, macOf } = setup();
    const q = query('192.0.2.20', null, 4242);
    const result = stage.run(q, next) as Resolution;
    expect(next).toHaveBeenCalledOnce();
    expect(next.mock.calls[0]?.[0]).toBe(q);
    expect(result).toBe(next.mock.results[0]?.value);
    expect(q.requester).toMatchObject({ deviceId: 'ip:192.0.2.20', deviceName: 'TV', profileId: 'adult' });
    expect(macOf).toHaveBeenCalledWith('192.0.2.20');
    expect(seen).toEqual([[q.requester, null, '192.0.2.20', 4242, false]]);
    expect(seen[0]?.[0]).toBe(policy.identify('192.0.2.20', null));
  });

  it('an unknown client is an unknown device on the default profile', () => {
    const { stage, next } = setup();
    const q = query('192.0.2.99');
    stage.run(q, next);
    expect(q.requester).toMatchObject({ deviceId: 'ip:192.0.2.99', profileId: 'child' });
  });

  it('believes the EDNS MAC option from a trusted forwarder', () => {
    const { stage, next, seen, macOf, trustOf } = setup();
    const q = query(ROUTER, macOption(MAC_A_BYTES), 5000);
    stage.run(q, next);
    expect(trustOf).toHaveBeenCalledWith(ROUTER);
    expect(q.requester).toMatchObject({ deviceId: `mac:${MAC_A}`, profileId: 'teen' });
    expect(macOf).not.toHaveBeenCalled();
    expect(seen).toEqual([[q.requester, MAC_A, ROUTER, 5000, true]]);
  });

  it('ignores the EDNS MAC option from anyone else', () => {
    const { stage, next, seen, macOf } = setup();
    const q = query('192.0.2.20', macOption(MAC_A_BYTES));
    stage.run(q, next);
    expect(q.requester).toMatchObject({ deviceId: 'ip:192.0.2.20', profileId: 'adult' });
    expect(macOf).toHaveBeenCalledWith('192.0.2.20');
    expect(seen[0]?.slice(1)).toEqual([null, '192.0.2.20', 1000, false]);
  });

  it('does not ask trustOf about queries without EDNS options', () => {
    const { stage, next, trustOf } = setup();
    stage.run(query(ROUTER), next);
    stage.run(query(ROUTER, Buffer.alloc(0)), next);
    expect(trustOf).not.toHaveBeenCalled();
  });

  it('believes only the options the relay check passed: MAC-only trust ignores the subnet, subnet-only ignores the MAC', () => {
    const macOnly = setup({ trust: Trust.MAC });
    const q1 = query(ROUTER, Buffer.concat([macOption(MAC_A_BYTES), ecs4(32, [192, 0, 2, 20])]));
    macOnly.stage.run(q1, macOnly.next);
    expect(q1.requester).toMatchObject({ deviceId: `mac:${MAC_A}` });
    expect(macOnly.seen[0]?.[2]).toBe(ROUTER);
    const subnetOnly = setup({ trust: Trust.SUBNET });
    const q2 = query(ROUTER, Buffer.concat([macOption(MAC_A_BYTES), ecs4(32, [192, 0, 2, 20])]));
    subnetOnly.stage.run(q2, subnetOnly.next);
    expect(q2.requester).toMatchObject({ deviceId: 'ip:192.0.2.20', profileId: 'adult' });
    const none = setup({ trust: Trust.NONE });
    const q3 = query(ROUTER, macOption(MAC_A_BYTES));
    none.stage.run(q3, none.next);
    expect(q3.requester).toMatchObject({ deviceId: `ip:${ROUTER}` });
  });

  it('a /32 client subnet from a trusted forwarder replaces the address', () => {
    const { stage, next, seen, macOf } = setup();
    const q = query(ROUTER, ecs4(32, [192, 0, 2, 20]));
    stage.run(q, next);
    expect(q.requester).toMatchObject({ deviceId: 'ip:192.0.2.20', profileId: 'adult' });
    expect(macOf).toHaveBeenCalledWith('192.0.2.20');
    expect(seen[0]?.slice(1)).toEqual([null, '192.0.2.20', 1000, true]);
  });

  it.each([
    ['a /24 subnet', ecs4(24, [192, 0, 2])],
    ['a /31 subnet', ecs4(31, [192, 0, 2, 20])],
    ['a malformed subnet (4 octets for a /24)', opt(EdnsOption.CLIENT_SUBNET, [0, 1, 24, 0, 192, 0, 2, 20])],
  ])('%s from a trusted forwarder does not replace the address', (_label, options) => {
    const { stage, next, seen } = setup();
    const q = query(ROUTER, options);
    stage.run(q, next);
    expect(q.requester).toMatchObject({ deviceId: `ip:${ROUTER}`, profileId: 'child' });
    expect(seen[0]?.slice(1, 3)).toEqual([null, ROUTER]);
  });

  it('a /32 client subnet from an untrusted client is ignored', () => {
    const { stage, next } = setup();
    const q = query('192.0.2.99', ecs4(32, [192, 0, 2, 20]));
    stage.run(q, next);
    expect(q.requester?.deviceId).toBe('ip:192.0.2.99');
  });

  it('the MAC and the subnet together: the MAC names the device, the subnet its address', () => {
    const { stage, next, seen } = setup();
    const q = query(ROUTER, Buffer.concat([ecs4(32, [192, 0, 2, 55]), macOption(MAC_A_BYTES)]));
    stage.run(q, next);
    expect(q.requester?.deviceId).toBe(`mac:${MAC_A}`);
    expect(seen[0]?.slice(1)).toEqual([MAC_A, '192.0.2.55', 1000, true]);
  });

  it('uses the neighbour table MAC when there is no EDNS MAC', () => {
    const { stage, next, seen } = setup({ macs: { '192.0.2.77': MAC_C } });
    const q = query('192.0.2.77');
    stage.run(q, next);
    expect(q.requester).toMatchObject({ deviceId: `mac:${MAC_C}`, profileId: 'unfiltered' });
    expect(seen[0]?.slice(1)).toEqual([MAC_C, '192.0.2.77', 1000, false]);
  });

  it('an unusable EDNS MAC (all zeros) falls back to the neighbour table', () => {
    const { stage, next } = setup({ macs: { [ROUTER]: MAC_C } });
    const q = query(ROUTER, macOption([0, 0, 0, 0, 0, 0]));
    stage.run(q, next);
    expect(q.requester?.deviceId).toBe(`mac:${MAC_C}`);
  });

  it('reads the snapshot current at each query', () => {
    const { stage, next, holder } = setup();
    const q1 = query('192.0.2.20');
    stage.run(q1, next);
    holder.swap(snapshotFromMatcher({ match: () => null }, 'null', 1));
    const q2 = query('192.0.2.20');
    stage.run(q2, next);
    expect(q1.requester?.profileId).toBe('adult');
    expect(q2.requester).toMatchObject({ deviceId: 'any', profileId: 'lists' });
  });
});

describe('device tracker', () => {
  let db: Database.Database;
  let store: DeviceStore;
  beforeEach(() => {
    db = openConfigDatabase({ file: join(dir(), 'config.db') });
    store = createDeviceStore({ db });
  });
  afterEach(() => {
    db.close();
  });

  it('batches many sightings into one row per device, last seen = latest', async () => {
    const tracker = createDeviceTracker({ store });
    for (let i = 0; i < 100; i++) {
      tracker.seen(`mac:${MAC_A}`, MAC_A, i < 50 ? '192.0.2.10' : '192.0.2.11', 1000 + i);
      tracker.seen('ip:192.0.2.20', null, '192.0.2.20', 2000 + i);
    }
    expect(store.list()).toEqual([]); // nothing written per query
    await tracker.flush();
    const rows = store.list();
    expect(rows.map((d) => d.id)).toEqual(['ip:192.0.2.20', `mac:${MAC_A}`]);
    expect(store.get(`mac:${MAC_A}`)).toMatchObject({ mac: MAC_A, randomizedMac: true, ip: '192.0.2.11', lastSeen: 1099 });
    expect(store.get('ip:192.0.2.20')).toMatchObject({ mac: null, ip: '192.0.2.20', lastSeen: 2099 });
    tracker.seen(`mac:${MAC_A}`, MAC_A, '192.0.2.12', 3000);
    await tracker.flush();
    expect(store.get(`mac:${MAC_A}`)).toMatchObject({ ip: '192.0.2.12', addresses: ['192.0.2.12', '192.0.2.11'], lastSeen: 3000 });
    expect(store.list()).toHaveLength(2);
  });

  // Regression test (found in review, fixed).
  it('keeps the latest time when sightings arrive out of order', async () => {
    const tracker = createDeviceTracker({ store });
    tracker.seen(`mac:${MAC_A}`, MAC_A, '192.0.2.10', 3000);
    tracker.seen(`mac:${MAC_A}`, MAC_A, '192.0.2.10', 2000);
    await tracker.flush();
    expect(store.get(`mac:${MAC_A}`)?.lastSeen).toBe(3000);
  });

  it('names new devices with lookupName(ip, mac) and tells onNewDevices once', async () => {
    const lookupName = vi.fn(async (ip: string, mac: string | null) => (mac === MAC_A ? 'lea-tablet' : ip === '192.0.2.20' ? null : 'other'));
    const onNewDevices = vi.fn();
    const tracker = createDeviceTracker({ store, lookupName, onNewDevices });
    tracker.seen(`mac:${MAC_A}`, MAC_A, '192.0.2.10', 1000);
    tracker.seen('ip:192.0.2.20', null, '192.0.2.20', 1000);
    await tracker.flush();
    expect(lookupName.mock.calls).toEqual([['192.0.2.10', MAC_A], ['192.0.2.20', null]]);
    expect(onNewDevices.mock.calls).toEqual([[[`mac:${MAC_A}`, 'ip:192.0.2.20']]]);
    expect(store.get(`mac:${MAC_A}`)?.hostname).toBe('lea-tablet');
    expect(store.get('ip:192.0.2.20')?.hostname).toBeNull();

    tracker.seen(`mac:${MAC_A}`, MAC_A, '192.0.2.10', 2000);
    tracker.seen('ip:192.0.2.20', null, '192.0.2.20', 2000);
    await tracker.flush();
    await tracker.flush(); // nothing pending
    expect(lookupName).toHaveBeenCalledTimes(2);
    expect(onNewDevices).toHaveBeenCalledOnce();

    tracker.seen('ip:192.0.2.21', null, '192.0.2.21', 3000);
    await tracker.flush();
    expect(onNewDevices.mock.calls[1]).toEqual([['ip:192.0.2.21']]);
    expect(store.get('ip:192.0.2.21')?.hostname).toBe('other');
  });

  it('asks again, at most once an hour, for a device still without a name', async () => {
    const names: Array<string | null> = [null, 'lea-phone'];
    const lookupName = vi.fn(async () => names.shift() ?? null);
    const tracker = createDeviceTracker({ store, lookupName });
    const HOUR = 3_600_000;
    tracker.seen('ip:192.0.2.30', null, '192.0.2.30', 0);
    await tracker.flush(); // first sighting: asked, no name yet
    tracker.seen('ip:192.0.2.30', null, '192.0.2.30', 10 * 60_000);
    await tracker.flush(); // ten minutes later: not asked again
    expect(lookupName).toHaveBeenCalledTimes(1);
    tracker.seen('ip:192.0.2.30', null, '192.0.2.30', HOUR + 1);
    await tracker.flush(); // an hour later: asked, and named
    expect(lookupName).toHaveBeenCalledTimes(2);
    expect(store.get('ip:192.0.2.30')?.hostname).toBe('lea-phone');
    tracker.seen('ip:192.0.2.30', null, '192.0.2.30', 3 * HOUR);
    await tracker.flush(); // named: never asked again
    expect(lookupName).toHaveBeenCalledTimes(2);
  });

  it('calls onNewDevices only after the names are stored', async () => {
    let release: (name: string) => void = () => undefined;
    const lookupName = vi.fn(() => new Promise<string | null>((resolve) => { release = resolve; }));
    const onNewDevices = vi.fn(() => {
      expect(store.get(`mac:${MAC_A}`)?.hostname).toBe('lea-tablet');
    });
    const tracker = createDeviceTracker({ store, lookupName, onNewDevices });
    tracker.seen(`mac:${MAC_A}`, MAC_A, '192.0.2.10', 1000);
    const flushing = tracker.flush();
    await vi.waitFor(() => expect(lookupName).toHaveBeenCalledOnce());
    expect(store.get(`mac:${MAC_A}`)).not.toBeNull(); // the row is there before the name
    expect(onNewDevices).not.toHaveBeenCalled();
    release('lea-tablet');
    await flushing;
    expect(onNewDevices).toHaveBeenCalledOnce();
  });

  it('drops and counts new devices past maxPending, but still updates the ones it holds', async () => {
    const tracker = createDeviceTracker({ store, maxPending: 2 });
    tracker.seen('ip:192.0.2.1', null, '192.0.2.1', 1000);
    tracker.seen('ip:192.0.2.2', null, '192.0.2.2', 1000);
    tracker.seen('ip:192.0.2.3', null, '192.0.2.3', 1000);
    tracker.seen('ip:192.0.2.4', null, '192.0.2.4', 1000);
    tracker.seen('ip:192.0.2.1', null, '192.0.2.1', 1500);
    expect(tracker.dropped).toBe(2);
    await tracker.flush();
    expect(store.list().map((d) => d.id).sort()).toEqual(['ip:192.0.2.1', 'ip:192.0.2.2']);
    expect(store.get('ip:192.0.2.1')?.lastSeen).toBe(1500);
    // After a flush there is room again.
    tracker.seen('ip:192.0.2.3', null, '192.0.2.3', 2000);
    await tracker.flush();
    expect(store.get('ip:192.0.2.3')).not.toBeNull();
    expect(tracker.dropped).toBe(2);
  });

  it('stop() writes what is pending', async () => {
    const tracker = createDeviceTracker({ store, flushMs: 3_600_000 });
    tracker.start();
    tracker.seen(`mac:${MAC_A}`, MAC_A, '192.0.2.10', 1000);
    await tracker.stop();
    expect(store.get(`mac:${MAC_A}`)?.lastSeen).toBe(1000);
  });

  it('start() flushes on its timer', async () => {
    const tracker = createDeviceTracker({ store, flushMs: 10 });
    tracker.start();
    tracker.start(); // idempotent
    try {
      tracker.seen('ip:192.0.2.20', null, '192.0.2.20', 1000);
      await vi.waitFor(() => expect(store.get('ip:192.0.2.20')).not.toBeNull(), { timeout: 2000 });
    } finally {
      await tracker.stop();
    }
  });

  it('a flush under way is joined', async () => {
    const tracker = createDeviceTracker({ store });
    tracker.seen('ip:192.0.2.20', null, '192.0.2.20', 1000);
    const a = tracker.flush();
    const b = tracker.flush();
    expect(b).toBe(a);
    await a;
    expect(store.list()).toHaveLength(1);
  });

  it('a store that throws goes to onError; flush and stop still resolve', async () => {
    const failure = new Error('disk I/O error');
    const broken: DeviceStore = { ...store, recordSightingsCapped: () => { throw failure; } };
    const onError = vi.fn();
    const tracker = createDeviceTracker({ store: broken, onError });
    tracker.seen('ip:192.0.2.20', null, '192.0.2.20', 1000);
    await expect(tracker.flush()).resolves.toBeUndefined();
    expect(onError).toHaveBeenCalledWith(failure);
    tracker.seen('ip:192.0.2.21', null, '192.0.2.21', 1000);
    await expect(tracker.stop()).resolves.toBeUndefined();
    expect(onError).toHaveBeenCalledTimes(2);
    // Without onError too.
    const silent = createDeviceTracker({ store: broken });
    silent.seen('ip:192.0.2.20', null, '192.0.2.20', 1000);
    await expect(silent.flush()).resolves.toBeUndefined();
  });

  it('a failing setHostname goes to onError and does not reject', async () => {
    const failure = new Error('read-only');
    const broken: DeviceStore = { ...store, setHostname: () => { throw failure; } };
    const onError = vi.fn();
    const tracker = createDeviceTracker({ store: broken, onError, lookupName: async () => 'name' });
    tracker.seen('ip:192.0.2.20', null, '192.0.2.20', 1000);
    await expect(tracker.flush()).resolves.toBeUndefined();
    expect(onError).toHaveBeenCalledWith(failure);
    expect(store.get('ip:192.0.2.20')).not.toBeNull();
  });
});

describe('device identification', () => {
  let db: Database.Database;
  let ident: DeviceIdentification | null = null;
  let now = 1_700_000_000_000;
  const onNewDevices = vi.fn();

  function make(database: Database.Database | null = db): DeviceIdentification {
    const config = loadConfig({
      env: { VIGIE_UPSTREAMS: 'udp://127.0.0.1:9', VIGIE_DATA_DIR: dir(), VIGIE_LIST_UPDATES: 'off', VIGIE_TRUSTED_FORWARDERS: '127.0.0.5/32' },
      cwd: dir(),
    });
    ident = createDeviceIdentification({ config, db: database, clock: () => now, logger: createLogger('silent'), onNewDevices });
    return ident;
  }

  beforeEach(() => {
    now = 1_700_000_000_000;
    onNewDevices.mockReset();
    db = openConfigDatabase({ file: join(dir(), 'config.db') });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await ident?.stop();
    ident = null;
    db.close();
  });

  it.each(['127.0.0.5', '127.0.0.4', '127.0.0.1', '2001:db8::5'])('trustOf(%s) is none before any relay check passed', (ip) => {
    expect(make().trustOf(ip)).toBe(Trust.NONE);
  });

  it('checks single relays; a wider range cannot be checked', () => {
    expect(splitTrusted(['127.0.0.5/32', '192.168.1.1', '10.0.0.0/8', '2001:db8::1/128', 'fd00::/8'])).toEqual({
      relays: ['127.0.0.5', '192.168.1.1', '2001:db8::1'], ranges: ['10.0.0.0/8', 'fd00::/8'],
    });
  });

  it.each(['127.0.0.1', '127.0.0.5', '::1', '::ffff:127.0.0.1'])('macOf(%s) is null (loopback)', (ip) => {
    expect(make().macOf(ip)).toBeNull();
  });

  it('has a tracker only with a database', () => {
    expect(make().tracker).not.toBeNull();
    expect(make(null).tracker).toBeNull();
  });

  it('records what onSeen is told, and stop() writes it', async () => {
    const id = make();
    const requester: Requester = { deviceId: `mac:${MAC_A}`, deviceName: MAC_A, profileId: 'child', decide: () => null, isSafeSearchOn: () => true };
    id.onSeen(requester, MAC_A, '192.0.2.10', now, false);
    await id.stop();
    expect(createDeviceStore({ db }).get(`mac:${MAC_A}`)).toMatchObject({ mac: MAC_A, ip: '192.0.2.10', lastSeen: now });
    expect(onNewDevices).toHaveBeenCalledWith([`mac:${MAC_A}`]);
    expect(readRouterProxyStatus(db)).toMatchObject({ at: now, suspected: false, queries: 1, clients: 1 });
  });

  it('counts only queries no forwarder named for the router-proxy verdict', () => {
    const id = make();
    const requester: Requester = { deviceId: 'ip:192.0.2.1', deviceName: 'router', profileId: 'child', decide: () => null, isSafeSearchOn: () => false };
    for (let i = 0; i < 600; i++) id.onSeen(requester, MAC_A, '192.0.2.1', now, true);
    expect(id.proxyDetector.verdict()).toMatchObject({ suspected: false, queries: 0 });
    for (let i = 0; i < 600; i++) id.onSeen(requester, null, '192.0.2.1', now, false);
    expect(id.proxyDetector.verdict()).toMatchObject({ suspected: true, ip: '192.0.2.1', queries: 600 });
  });

  /** Records every interval and timeout created, and which of them are still pending. */
  function watchTimers() {
    const realSetInterval = globalThis.setInterval;
    const realClearInterval = globalThis.clearInterval;
    const realSetTimeout = globalThis.setTimeout;
    const realClearTimeout = globalThis.clearTimeout;
    const intervals = new Set<unknown>();
    const timeouts = new Set<unknown>();
    let created = 0;
    vi.spyOn(globalThis, 'setInterval').mockImplementation(((fn: () => void, ms?: number) => {
      const h = realSetInterval(fn, ms);
      intervals.add(h);
      created++;
      return h;
    }) as typeof setInterval);
    vi.spyOn(globalThis, 'clearInterval').mockImplementation(((h: NodeJS.Timeout | undefined) => {
      intervals.delete(h);
      realClearInterval(h);
    }) as typeof clearInterval);
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      const h = realSetTimeout(() => {
        timeouts.delete(h);
        fn();
      }, ms);
      timeouts.add(h);
      created++;
      return h;
    }) as typeof setTimeout);
    vi.spyOn(globalThis, 'clearTimeout').mockImplementation(((h: NodeJS.Timeout | undefined) => {
      timeouts.delete(h);
      realClearTimeout(h);
    }) as typeof clearTimeout);
    const clearAll = (): void => {
      for (const h of intervals) realClearInterval(h as NodeJS.Timeout);
      for (const h of timeouts) realClearTimeout(h as NodeJS.Timeout);
    };
    return { pending: () => intervals.size + timeouts.size, created: () => created, clearAll };
  }

  it('start() then stop() resolves and leaves no timer behind', async () => {
    const timers = watchTimers();
    const id = make();
    id.start();
    expect(timers.created()).toBeGreaterThanOrEqual(3); // neighbour table, tracker, router-proxy check
    id.macOf('192.0.2.10'); // a miss asks the neighbour table for a refresh
    await expect(id.stop()).resolves.toBeUndefined();
    ident = null;
    // A neighbour read started by start() may still be finishing (its own timeout ends with it).
    await vi.waitFor(() => expect(timers.pending()).toBe(0), { timeout: 5000 });
  });

  it('stop() without start() resolves', async () => {
    const id = make(null);
    await expect(id.stop()).resolves.toBeUndefined();
    ident = null;
  });

  // Regression test (found in review, fixed).
  it('start() twice then stop() leaves no interval behind', async () => {
    const timers = watchTimers();
    const id = make();
    try {
      id.start();
      id.start();
      await id.stop();
      ident = null;
      await vi.waitFor(() => expect(timers.pending()).toBe(0), { timeout: 1500 });
    } finally {
      timers.clearAll(); // do not leave the leaked interval running after the test
    }
  });
});
