import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLeasesWatcher, MAX_LEASES_FILE_BYTES, parseDhcpLeases, type DhcpLease } from '../../src/devices/dhcp-leases.js';

const T = 1_795_687_200; // 2026-11-26T10:00:00Z

describe('parseDhcpLeases: dnsmasq', () => {
  it.each<[string, string, DhcpLease[]]>([
    ['a lease', `${T} 02:00:5e:10:00:01 192.0.2.20 lea-phone 01:02:00:5e:10:00:01`, [
      { mac: '02:00:5e:10:00:01', ip: '192.0.2.20', hostname: 'lea-phone', expiresAt: T * 1000 },
    ]],
    ['no hostname', `${T} 02:00:5e:10:00:02 192.0.2.21 * *`, [
      { mac: '02:00:5e:10:00:02', ip: '192.0.2.21', hostname: null, expiresAt: T * 1000 },
    ]],
    ['infinite lease (0)', '0 02:00:5E:10:00:03 192.0.2.22 tv *', [
      { mac: '02:00:5e:10:00:03', ip: '192.0.2.22', hostname: 'tv', expiresAt: null },
    ]],
    ['hostile hostname', `${T} 02:00:5e:10:00:04 192.0.2.23 <script>alert(1)</script> *`, [
      { mac: '02:00:5e:10:00:04', ip: '192.0.2.23', hostname: null, expiresAt: T * 1000 },
    ]],
    ['64-char hostname', `${T} 02:00:5e:10:00:05 192.0.2.24 ${'a'.repeat(64)} *`, [
      { mac: '02:00:5e:10:00:05', ip: '192.0.2.24', hostname: null, expiresAt: T * 1000 },
    ]],
    ['non-Ethernet hardware (type prefix)', `${T} 20-02:00:5e:10:00:06 192.0.2.25 x *`, []],
    ['bad IP', `${T} 02:00:5e:10:00:07 192.0.2.256 x *`, []],
    ['bad expiry', `soon 02:00:5e:10:00:08 192.0.2.26 x *`, []],
    ['negative expiry', `-1 02:00:5e:10:00:08 192.0.2.26 x *`, []],
    ['too few fields', `${T} 02:00:5e:10:00:09 192.0.2.27`, []],
    ['CRLF line ends', `${T} 02:00:5e:10:00:0a 192.0.2.28 pc *\r`, [
      { mac: '02:00:5e:10:00:0a', ip: '192.0.2.28', hostname: 'pc', expiresAt: T * 1000 },
    ]],
  ])('%s', (_name, text, expected) => {
    expect(parseDhcpLeases(text + '\n')).toEqual(expected);
  });

  it('skips the DHCPv6 section (IAIDs, not MACs)', () => {
    const text = [
      `${T} 02:00:5e:10:00:01 192.0.2.20 lea-phone *`,
      'duid 00:01:00:01:2c:3d:4e:5f:02:00:5e:00:00:01',
      `${T} 1234567 2001:db8::20 lea-phone 00:01:00:01:2c:3d:4e:5f:02:00:5e:10:00:01`,
      `${T} T89 2001:db8::21 * 00:03:00:01:02:00:5e:10:00:02`,
      `${T} 02:00:5e:10:00:05 192.0.2.30 after-duid *`,
    ].join('\n');
    expect(parseDhcpLeases(text).map((l) => l.ip)).toEqual(['192.0.2.20']);
  });

  it('skips IAID lines even without a duid header', () => {
    expect(parseDhcpLeases(`${T} 1234567 2001:db8::20 lea-phone 00:01:00:01\n`)).toEqual([]);
  });

  it.each([
    ['empty', ''],
    ['binary', '\u0000\u0001\u0002'.repeat(500)],
    ['HTML', '<html><body><h1>502 Bad Gateway</h1></body></html>'],
    ['JSON', '{"leases": [1, 2, 3]}'],
  ])('garbage (%s) gives nothing', (_name, text) => {
    expect(parseDhcpLeases(text)).toEqual([]);
  });

  it('non-string input gives nothing', () => {
    expect(parseDhcpLeases(undefined as unknown as string)).toEqual([]);
  });
});

const ISC = `# The format of this file is documented in the dhcpd.leases(5) manual page.
# This lease file was written by isc-dhcp-4.4.3
authoring-byte-order little-endian;
server-duid "\\000\\001\\000\\001,\\306\\342";

lease 192.0.2.20 {
  starts 4 2026/11/19 10:00:00;
  ends 4 2026/11/26 10:00:00;
  cltt 4 2026/11/19 10:00:00;
  binding state active;
  next binding state free;
  rewind binding state free;
  hardware ethernet 02:00:5e:10:00:01;
  uid "\\001\\002\\000^\\020\\000\\001";
  set vendor-class-identifier = "android-dhcp-14";
  client-hostname "lea-phone";
}
lease 192.0.2.21 {
  starts 4 2026/11/19 10:00:00;
  ends epoch 1795687200; # Thu Nov 26 10:00:00 2026
  binding state active;
  hardware ethernet 02:00:5E:10:00:02;
  client-hostname "<script>alert(1)</script>";
}
lease 192.0.2.22 {
  ends never;
  hardware ethernet 02:00:5e:10:00:03;
  client-hostname "tv;salon}{";
}
lease 192.0.2.23 {
  binding state free;
  hardware ethernet 02:00:5e:10:00:04;
}
host printer {
  hardware ethernet 02:00:5e:10:00:05;
  fixed-address 192.0.2.99;
}
`;

describe('parseDhcpLeases: ISC dhcpd.leases', () => {
  it('reads active lease blocks', () => {
    expect(parseDhcpLeases(ISC)).toEqual([
      { mac: '02:00:5e:10:00:01', ip: '192.0.2.20', hostname: 'lea-phone', expiresAt: Date.UTC(2026, 10, 26, 10, 0, 0) },
      { mac: '02:00:5e:10:00:02', ip: '192.0.2.21', hostname: null, expiresAt: 1_795_687_200_000 },
      { mac: '02:00:5e:10:00:03', ip: '192.0.2.22', hostname: null, expiresAt: null },
    ]);
  });

  it('a later block for the same address wins, a later free block removes it', () => {
    const renewed = `${ISC}lease 192.0.2.20 {\n  ends 5 2026/11/27 10:00:00;\n  binding state active;\n  hardware ethernet 02:00:5e:10:00:09;\n}\n`;
    expect(parseDhcpLeases(renewed).find((l) => l.ip === '192.0.2.20')).toEqual({
      mac: '02:00:5e:10:00:09', ip: '192.0.2.20', hostname: null, expiresAt: Date.UTC(2026, 10, 27, 10, 0, 0),
    });
    const released = `${ISC}lease 192.0.2.20 {\n  binding state released;\n  hardware ethernet 02:00:5e:10:00:01;\n}\n`;
    expect(parseDhcpLeases(released).map((l) => l.ip)).toEqual(['192.0.2.21', '192.0.2.22']);
  });

  it.each<[string, string, number]>([
    ['unterminated block', 'lease 192.0.2.30 {\n  hardware ethernet 02:00:5e:10:00:01;\n', 1],
    ['unterminated string', 'lease 192.0.2.30 {\n  hardware ethernet 02:00:5e:10:00:01;\n client-hostname "abc\n', 1],
    ['nested braces', 'lease 192.0.2.30 {\n on commit { set x = "}"; }\n hardware ethernet 02:00:5e:10:00:01;\n}\n', 1],
    ['bad MAC', 'lease 192.0.2.30 {\n  hardware ethernet 02:00:5e:10:00;\n}\n', 0],
    ['token ring', 'lease 192.0.2.30 {\n  hardware token-ring 02:00:5e:10:00:01;\n}\n', 0],
    ['bad address', 'lease 192.0.2.300 {\n  hardware ethernet 02:00:5e:10:00:01;\n}\n', 0],
    ['bad ends date', 'lease 192.0.2.30 {\n  ends 4 2026/13/45 99:00:00;\n  hardware ethernet 02:00:5e:10:00:01;\n}\n', 1],
    ['IPv6 address', 'lease 2001:db8::30 {\n  hardware ethernet 02:00:5e:10:00:01;\n}\n', 1],
    ['100 000 opening braces', 'lease 192.0.2.30 ' + '{'.repeat(100_000), 0],
    ['stray closing braces first', '}}}} ;;;\nlease 192.0.2.30 { hardware ethernet 02:00:5e:10:00:01; }', 1],
  ])('hostile: %s (no throw)', (_name, text, count) => {
    const leases = parseDhcpLeases(text);
    expect(leases).toHaveLength(count);
    for (const l of leases) expect(l.expiresAt === null || Number.isFinite(l.expiresAt)).toBe(true);
  });
});

describe('createLeasesWatcher', () => {
  let files: Map<string, { text: string; mtimeMs: number }>;
  let reads: number;
  const path = '/leases';
  const deps = (over: Partial<Parameters<typeof createLeasesWatcher>[0]> = {}) => ({
    path,
    clock: () => Date.now(),
    readFile: async (p: string) => {
      reads++;
      const f = files.get(p);
      if (!f) throw Object.assign(new Error('gone'), { code: 'ENOENT' });
      return f.text;
    },
    stat: async (p: string) => {
      const f = files.get(p);
      if (!f) throw Object.assign(new Error('no file'), { code: 'ENOENT' });
      return { mtimeMs: f.mtimeMs, size: f.text.length };
    },
    ...over,
  });

  beforeEach(() => {
    vi.useFakeTimers({ now: (T - 3600) * 1000 });
    files = new Map();
    reads = 0;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('looks up by IP and MAC, re-reading only when mtime or size changes', async () => {
    files.set(path, { text: `${T} 02:00:5e:10:00:01 192.0.2.20 lea-phone *\n`, mtimeMs: 1 });
    const w = createLeasesWatcher(deps());
    await w.refresh();
    expect(w.byIp('192.0.2.20')?.hostname).toBe('lea-phone');
    expect(w.byIp('::ffff:192.0.2.20')?.hostname).toBe('lea-phone');
    expect(w.byMac('02-00-5E-10-00-01')?.ip).toBe('192.0.2.20');
    expect(w.byIp('192.0.2.99')).toBeNull();
    expect(w.byMac('not a mac')).toBeNull();
    await w.refresh();
    expect(reads).toBe(1);
    files.set(path, { text: `${T} 02:00:5e:10:00:01 192.0.2.21 lea-phone *\n`, mtimeMs: 2 });
    await w.refresh();
    expect(reads).toBe(2);
    expect(w.byIp('192.0.2.20')).toBeNull();
    expect(w.byMac('02:00:5e:10:00:01')?.ip).toBe('192.0.2.21');
  });

  it('hides expired leases by the clock; byMac picks the lease that ends last', async () => {
    files.set(path, {
      text: [
        `${T - 60} 02:00:5e:10:00:01 192.0.2.20 old *`,
        `${T} 02:00:5e:10:00:01 192.0.2.21 newer *`,
        `${T - 30} 02:00:5e:10:00:01 192.0.2.22 middle *`,
        '0 02:00:5e:10:00:02 192.0.2.23 forever *',
      ].join('\n'),
      mtimeMs: 1,
    });
    const w = createLeasesWatcher(deps());
    await w.refresh();
    expect(w.byMac('02:00:5e:10:00:01')?.hostname).toBe('newer');
    vi.setSystemTime(T * 1000);
    expect(w.byMac('02:00:5e:10:00:01')).toBeNull();
    expect(w.byIp('192.0.2.21')).toBeNull();
    expect(w.byIp('192.0.2.23')?.hostname).toBe('forever');
  });

  it('a missing file is empty; a failing read keeps the last good leases', async () => {
    const w = createLeasesWatcher(deps());
    await expect(w.refresh()).resolves.toBeUndefined();
    expect(w.byIp('192.0.2.20')).toBeNull();
    files.set(path, { text: `${T} 02:00:5e:10:00:01 192.0.2.20 lea-phone *\n`, mtimeMs: 1 });
    await w.refresh();
    expect(w.byIp('192.0.2.20')).not.toBeNull();

    const failing = createLeasesWatcher(deps({ readFile: async () => Promise.reject(new Error('EIO')) }));
    await failing.refresh();
    expect(failing.byIp('192.0.2.20')).toBeNull();

    const flaky = deps();
    let broken = false;
    const w2 = createLeasesWatcher({ ...flaky, stat: (p) => (broken ? Promise.reject(new Error('EACCES')) : flaky.stat(p)) });
    await w2.refresh();
    broken = true;
    files.set(path, { text: '', mtimeMs: 5 });
    await w2.refresh();
    expect(w2.byIp('192.0.2.20')?.hostname).toBe('lea-phone');

    files.delete(path); // the DHCP server was removed: leases go away
    await w.refresh();
    expect(w.byIp('192.0.2.20')).toBeNull();
  });

  it('does not read an oversized file', async () => {
    const w = createLeasesWatcher(deps({ stat: async () => ({ mtimeMs: 1, size: MAX_LEASES_FILE_BYTES + 1 }) }));
    await w.refresh();
    expect(reads).toBe(0);
  });

  it('start() checks now and every refreshMs with an unref()ed timer; stop() ends it', async () => {
    let stats = 0;
    const base = deps();
    const w = createLeasesWatcher({ ...base, refreshMs: 10_000, stat: (p) => (stats++, base.stat(p)) });
    w.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(stats).toBe(1);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(stats).toBe(4);
    w.stop();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(stats).toBe(4);
    expect(vi.getTimerCount()).toBe(0);

    vi.useRealTimers();
    const spy = vi.spyOn(globalThis, 'setInterval');
    const w3 = createLeasesWatcher(base);
    w3.start();
    expect((spy.mock.results[0]!.value as NodeJS.Timeout).hasRef()).toBe(false);
    w3.stop();
    spy.mockRestore();
  });
});
