import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createNeighbourTable,
  defaultNeighbourReaders,
  parseIpNeigh,
  parseProcNetArp,
} from '../../src/devices/neighbour-table.js';

const ARP_HEADER = 'IP address       HW type     Flags       HW address            Mask     Device\n';

describe('parseProcNetArp', () => {
  it.each([
    ['complete entry', '192.0.2.10       0x1         0x2         02:00:5e:10:00:01     *        br-lan', [{ ip: '192.0.2.10', mac: '02:00:5e:10:00:01' }]],
    ['permanent entry', '192.0.2.11 0x1 0x6 02:00:5E:10:00:02 * eth0', [{ ip: '192.0.2.11', mac: '02:00:5e:10:00:02' }]],
    ['incomplete (flags 0x0)', '192.0.2.12 0x1 0x0 00:00:00:00:00:00 * eth0', []],
    ['zero MAC with flags set', '192.0.2.13 0x1 0x2 00:00:00:00:00:00 * eth0', []],
    ['bad flags', '192.0.2.14 0x1 zz 02:00:5e:10:00:03 * eth0', []],
    ['bad IP', '192.0.2.300 0x1 0x2 02:00:5e:10:00:03 * eth0', []],
    ['too few columns', '192.0.2.15 0x1 0x2 02:00:5e:10:00:03', []],
    ['multicast MAC', '192.0.2.16 0x1 0x2 01:00:5e:00:00:fb * eth0', []],
  ])('%s', (_name, line, expected) => {
    expect(parseProcNetArp(ARP_HEADER + line + '\n')).toEqual(expected);
  });

  it('skips the header even when it looks like data', () => {
    expect(parseProcNetArp('192.0.2.10 0x1 0x2 02:00:5e:10:00:01 * eth0\n')).toEqual([]);
  });

  it.each([
    ['empty', ''],
    ['binary garbage', '\u0000\u0001\uffff'.repeat(100)],
    ['HTML', '<html><body>192.0.2.10 0x1 0x2</body></html>'],
  ])('garbage (%s) gives nothing', (_name, text) => {
    expect(parseProcNetArp(text)).toEqual([]);
  });
});

describe('parseIpNeigh', () => {
  it.each([
    ['IPv4 reachable', '192.0.2.10 dev eth0 lladdr 02:00:5e:10:00:01 REACHABLE', [{ ip: '192.0.2.10', mac: '02:00:5e:10:00:01' }]],
    ['IPv4 stale', '192.0.2.11 dev eth0 lladdr 02:00:5e:10:00:02 STALE', [{ ip: '192.0.2.11', mac: '02:00:5e:10:00:02' }]],
    ['IPv6 router', '2001:db8::1 dev br-lan lladdr 02:00:5e:10:00:03 router REACHABLE', [{ ip: '2001:db8::1', mac: '02:00:5e:10:00:03' }]],
    ['IPv6 link-local', 'fe80::1c2:3ff:fe04:506 dev wlan0 lladdr 02:00:5e:10:00:04 DELAY', [{ ip: 'fe80::1c2:3ff:fe04:506', mac: '02:00:5e:10:00:04' }]],
    ['IPv6 long form normalised', '2001:0db8:0000:0000:0000:0000:0000:0020 dev eth0 lladdr 02:00:5e:10:00:05 PERMANENT', [{ ip: '2001:db8::20', mac: '02:00:5e:10:00:05' }]],
    ['IPv4-mapped unmapped', '::ffff:192.0.2.30 dev eth0 lladdr 02:00:5e:10:00:06 REACHABLE', [{ ip: '192.0.2.30', mac: '02:00:5e:10:00:06' }]],
    ['FAILED without lladdr', '192.0.2.12 dev eth0 FAILED', []],
    ['INCOMPLETE without lladdr', '192.0.2.13 dev eth0 INCOMPLETE', []],
    ['FAILED with an old lladdr', '192.0.2.14 dev eth0 lladdr 02:00:5e:10:00:07 FAILED', []],
    ['multicast NOARP', '224.0.0.251 dev eth0 lladdr 01:00:5e:00:00:fb NOARP', []],
    ['lladdr without a value', '192.0.2.15 dev eth0 lladdr', []],
    ['lladdr first', 'lladdr 02:00:5e:10:00:08 REACHABLE', []],
    ['not an address', 'lea-phone dev eth0 lladdr 02:00:5e:10:00:09 REACHABLE', []],
  ])('%s', (_name, line, expected) => {
    expect(parseIpNeigh(line + '\n')).toEqual(expected);
  });

  it('reads a mixed table', () => {
    const text = [
      '192.0.2.10 dev eth0 lladdr 02:00:5e:10:00:01 REACHABLE',
      '192.0.2.12 dev eth0 FAILED',
      '2001:db8::10 dev eth0 lladdr 02:00:5e:10:00:01 STALE',
      '',
    ].join('\n');
    expect(parseIpNeigh(text)).toEqual([
      { ip: '192.0.2.10', mac: '02:00:5e:10:00:01' },
      { ip: '2001:db8::10', mac: '02:00:5e:10:00:01' },
    ]);
  });

  it('garbage gives nothing', () => {
    expect(parseIpNeigh('<script>alert(1)</script>\n\u0000'.repeat(50))).toEqual([]);
  });
});

function arp(...lines: string[]): string {
  return ARP_HEADER + lines.map((l) => `${l}\n`).join('');
}

describe('createNeighbourTable', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_800_000_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers from the cache after refresh, unmapping and normalising the asked address', async () => {
    const table = createNeighbourTable({
      readArp: async () => arp('192.0.2.10 0x1 0x2 02:00:5e:10:00:01 * eth0'),
      runIpNeigh: async () => '2001:db8::10 dev eth0 lladdr 02:00:5e:10:00:02 REACHABLE\n',
      clock: () => Date.now(),
    });
    expect(table.macOf('192.0.2.10')).toBeNull();
    await table.refresh();
    expect(table.size).toBe(2);
    expect(table.macOf('192.0.2.10')).toBe('02:00:5e:10:00:01');
    expect(table.macOf('::ffff:192.0.2.10')).toBe('02:00:5e:10:00:01');
    expect(table.macOf('2001:DB8:0:0::10')).toBe('02:00:5e:10:00:02');
    expect(table.macOf('192.0.2.99')).toBeNull();
    expect(table.macOf('garbage')).toBeNull();
  });

  it('keeps each reader’s last good result when it fails', async () => {
    let arpText: string | Error = arp('192.0.2.10 0x1 0x2 02:00:5e:10:00:01 * eth0');
    let neighText: string | Error = '2001:db8::10 dev eth0 lladdr 02:00:5e:10:00:02 REACHABLE\n';
    const table = createNeighbourTable({
      readArp: async () => (arpText instanceof Error ? Promise.reject(arpText) : arpText),
      runIpNeigh: async () => (neighText instanceof Error ? Promise.reject(neighText) : neighText),
      clock: () => Date.now(),
    });
    await table.refresh();
    arpText = new Error('EACCES');
    neighText = new Error('timeout');
    await expect(table.refresh()).resolves.toBeUndefined();
    expect(table.macOf('192.0.2.10')).toBe('02:00:5e:10:00:01');
    expect(table.macOf('2001:db8::10')).toBe('02:00:5e:10:00:02');
    arpText = arp(); // the device left: a successful empty read replaces
    await table.refresh();
    expect(table.macOf('192.0.2.10')).toBeNull();
    expect(table.macOf('2001:db8::10')).toBe('02:00:5e:10:00:02');
  });

  it('survives readers that throw synchronously and works without ip neigh', async () => {
    const table = createNeighbourTable({
      readArp: () => {
        throw new Error('boom');
      },
      clock: () => Date.now(),
    });
    await expect(table.refresh()).resolves.toBeUndefined();
    expect(table.size).toBe(0);
  });

  it('refresh() joins a read under way instead of overlapping', async () => {
    let calls = 0;
    let release!: () => void;
    const table = createNeighbourTable({
      readArp: () => {
        calls++;
        return new Promise<string>((resolve) => {
          release = () => resolve(arp('192.0.2.10 0x1 0x2 02:00:5e:10:00:01 * eth0'));
        });
      },
      clock: () => Date.now(),
    });
    const a = table.refresh();
    const b = table.refresh();
    expect(b).toBe(a);
    release();
    await a;
    expect(calls).toBe(1);
  });

  it('requestRefresh: at once, then at most once per gap, never overlapping', async () => {
    let calls = 0;
    const table = createNeighbourTable({
      readArp: async () => {
        calls++;
        return arp();
      },
      clock: () => Date.now(),
      minRefreshGapMs: 2_000,
    });
    table.requestRefresh();
    expect(calls).toBe(1);
    for (let i = 0; i < 100; i++) table.requestRefresh(); // a burst of unknown addresses
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(2); // nothing more was asked
  });

  it('a request during a slow read schedules one follow-up read after the gap', async () => {
    let calls = 0;
    const table = createNeighbourTable({
      readArp: async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 500));
        return arp();
      },
      clock: () => Date.now(),
      minRefreshGapMs: 2_000,
    });
    table.requestRefresh();
    table.requestRefresh();
    table.requestRefresh();
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(2);
  });

  it('start() reads now and every refreshMs; stop() ends it and silences requestRefresh', async () => {
    let calls = 0;
    const table = createNeighbourTable({
      readArp: async () => {
        calls++;
        return arp();
      },
      clock: () => Date.now(),
      refreshMs: 30_000,
    });
    table.start();
    table.start(); // idempotent
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(3);
    table.stop();
    table.requestRefresh();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(calls).toBe(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('timers are unref()ed', () => {
    vi.useRealTimers();
    const spy = vi.spyOn(globalThis, 'setInterval');
    const table = createNeighbourTable({ readArp: async () => arp(), clock: () => Date.now() });
    table.start();
    const timer = spy.mock.results[0]!.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    table.stop();
    spy.mockRestore();
  });
});

describe('defaultNeighbourReaders', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigie-neigh-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the arp file and runs the command without a shell', async () => {
    const arpPath = join(dir, 'arp');
    await writeFile(arpPath, arp('192.0.2.10 0x1 0x2 02:00:5e:10:00:01 * eth0'));
    const script = join(dir, 'ip');
    await writeFile(script, '#!/bin/sh\necho "$1 $2; 2001:db8::10 dev eth0 lladdr 02:00:5e:10:00:02 REACHABLE"\n');
    await chmod(script, 0o755);
    const readers = defaultNeighbourReaders({ arpPath, ipCommand: script });
    expect(parseProcNetArp(await readers.readArp())).toHaveLength(1);
    expect(await readers.runIpNeigh!()).toBe('neigh show; 2001:db8::10 dev eth0 lladdr 02:00:5e:10:00:02 REACHABLE\n');
  });

  it('a missing file or command is empty, not an error', async () => {
    const readers = defaultNeighbourReaders({ arpPath: join(dir, 'none'), ipCommand: join(dir, 'no-ip') });
    await expect(readers.readArp()).resolves.toBe('');
    await expect(readers.runIpNeigh!()).resolves.toBe('');
  });

  it('a failing or hanging command rejects (the table keeps its last good map)', async () => {
    const failing = join(dir, 'fail');
    await writeFile(failing, '#!/bin/sh\nexit 2\n');
    await chmod(failing, 0o755);
    await expect(defaultNeighbourReaders({ ipCommand: failing }).runIpNeigh!()).rejects.toThrow();
    const hanging = join(dir, 'hang');
    await writeFile(hanging, '#!/bin/sh\nexec sleep 5\n');
    await chmod(hanging, 0o755);
    await expect(defaultNeighbourReaders({ ipCommand: hanging, timeoutMs: 100 }).runIpNeigh!()).rejects.toThrow();
  });
});
