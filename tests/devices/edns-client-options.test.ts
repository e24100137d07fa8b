import { describe, expect, it } from 'vitest';
import { EdnsOption, MAX_OPTIONS, readClientOptions } from '../../src/devices/edns-client-options.js';

/** One option: code u16, length u16 (defaults to data's), data. */
function opt(code: number, data: Uint8Array | string | number[], length?: number): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
  const head = Buffer.alloc(4);
  head.writeUInt16BE(code, 0);
  head.writeUInt16BE(length ?? body.length, 2);
  return Buffer.concat([head, body]);
}

const MAC = [0x02, 0x00, 0x5e, 0x10, 0x00, 0x01];
const ecs = (family: number, prefix: number, addr: number[], scope = 0): Buffer =>
  opt(EdnsOption.CLIENT_SUBNET, [family >> 8, family & 0xff, prefix, scope, ...addr]);

describe('readClientOptions: MAC as dnsmasq sends it', () => {
  it.each([
    ['--add-mac (65001, 6 raw bytes)', opt(65001, MAC), '02:00:5e:10:00:01'],
    ['--add-mac=text (65073, 17 chars)', opt(65073, '02:00:5e:10:00:01'), '02:00:5e:10:00:01'],
    ['--add-mac=text, upper case', opt(65073, '02:00:5E:10:00:0A'), '02:00:5e:10:00:0a'],
    // dnsmasq edns0.c encoder(): two 3-byte groups in the standard alphabet, no padding
    ['--add-mac=base64 (65073, 8 chars)', opt(65073, Buffer.from(MAC).toString('base64')), '02:00:5e:10:00:01'],
    ['base64 with + and /', opt(65073, Buffer.from([0xfa, 0xff, 0xbf, 0xfb, 0xef, 0xbe]).toString('base64')), 'fa:ff:bf:fb:ef:be'],
    ['after a cookie option', Buffer.concat([opt(10, [1, 2, 3, 4, 5, 6, 7, 8]), opt(65001, MAC)]), '02:00:5e:10:00:01'],
    ['first valid MAC wins', Buffer.concat([opt(65001, MAC), opt(65073, '02:00:5e:99:99:99')]), '02:00:5e:10:00:01'],
    ['a bad 65001 does not hide a good 65073', Buffer.concat([opt(65001, [1, 2, 3]), opt(65073, '02:00:5e:10:00:01')]), '02:00:5e:10:00:01'],
  ])('%s', (_name, options, mac) => {
    expect(readClientOptions(options).mac).toBe(mac);
  });

  it.each([
    ['65001 with 5 bytes', opt(65001, MAC.slice(0, 5))],
    ['65001 with 8 bytes (non-Ethernet hardware)', opt(65001, [...MAC, 0, 0])],
    ['65001 all zeros', opt(65001, [0, 0, 0, 0, 0, 0])],
    ['65001 broadcast', opt(65001, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff])],
    ['65001 multicast', opt(65001, [0x01, 0x00, 0x5e, 0, 0, 0xfb])],
    ['65073 opaque Nominum device id', opt(65073, 'device-1234')],
    ['65073 text with a bad digit', opt(65073, '02:00:5e:10:00:0z')],
    ['65073 base64 with = padding', opt(65073, 'AgBeEAA=')],
    ['65073 base64-url alphabet', opt(65073, 'AgBeEA-_')],
    ['65073 17 bytes of HTML', opt(65073, '<script>alert(1)<')],
    ['65074 CPE id is not a device', opt(65074, '02:00:5e:10:00:01')],
    ['unknown code with 6 bytes', opt(65002, MAC)],
  ])('no MAC: %s', (_name, options) => {
    expect(readClientOptions(options).mac).toBeNull();
  });
});

describe('readClientOptions: client subnet (RFC 7871)', () => {
  it.each([
    ['IPv4 /32', ecs(1, 32, [192, 0, 2, 20]), { family: 4, address: '192.0.2.20', sourcePrefix: 32 }],
    ['IPv4 /24 padded', ecs(1, 24, [198, 51, 100]), { family: 4, address: '198.51.100.0', sourcePrefix: 24 }],
    ['IPv4 /20', ecs(1, 20, [198, 51, 96]), { family: 4, address: '198.51.96.0', sourcePrefix: 20 }],
    ['IPv4 /0', ecs(1, 0, []), { family: 4, address: '0.0.0.0', sourcePrefix: 0 }],
    ['IPv6 /56', ecs(2, 56, [0x20, 0x01, 0x0d, 0xb8, 0, 0x12, 0x34]), { family: 6, address: '2001:db8:12:3400::', sourcePrefix: 56 }],
    ['IPv6 /128', ecs(2, 128, [0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 0x20]), { family: 6, address: '2001:db8::20', sourcePrefix: 128 }],
    ['non-zero scope ignored', ecs(1, 32, [192, 0, 2, 20], 16), { family: 4, address: '192.0.2.20', sourcePrefix: 32 }],
  ])('%s', (_name, options, subnet) => {
    expect(readClientOptions(options).subnet).toEqual(subnet);
  });

  it.each([
    ['too short', opt(8, [0, 1, 32])],
    ['unknown family 3', ecs(3, 8, [1])],
    ['IPv4 prefix 33', ecs(1, 33, [192, 0, 2, 20, 0])],
    ['IPv6 prefix 129', ecs(2, 129, Array(17).fill(0))],
    ['too few address octets', ecs(1, 24, [198, 51])],
    ['too many address octets', ecs(1, 16, [198, 51, 100])],
    ['bits set past the prefix', ecs(1, 20, [198, 51, 100])],
  ])('null: %s', (_name, options) => {
    expect(readClientOptions(options).subnet).toBeNull();
  });

  it('reads both MAC and subnet from one OPT', () => {
    expect(readClientOptions(Buffer.concat([ecs(1, 32, [192, 0, 2, 20]), opt(65001, MAC)]))).toEqual({
      mac: '02:00:5e:10:00:01',
      subnet: { family: 4, address: '192.0.2.20', sourcePrefix: 32 },
    });
  });
});

describe('readClientOptions: hostile input', () => {
  it.each([
    ['empty', Buffer.alloc(0)],
    ['3 stray bytes', Buffer.from([0xfd, 0xe9, 0x00])],
    ['header only, length past the end', Buffer.from([0xfd, 0xe9, 0x00, 0x06, 0x02])],
    ['length 0xffff', Buffer.concat([Buffer.from([0xfd, 0xe9, 0xff, 0xff]), Buffer.from(MAC)])],
    ['truncated after a good option', Buffer.concat([opt(10, [1, 2, 3, 4, 5, 6, 7, 8]), Buffer.from([0xfd, 0xe9, 0, 6, 2, 0])])],
    ['random bytes', Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff))],
  ])('%s: no throw, nothing read', (_name, options) => {
    expect(readClientOptions(options)).toEqual({ mac: null, subnet: null });
  });

  it(`examines at most ${MAX_OPTIONS} options`, () => {
    const padding = Array.from({ length: MAX_OPTIONS }, () => opt(12, []));
    expect(readClientOptions(Buffer.concat([...padding, opt(65001, MAC)])).mac).toBeNull();
    expect(readClientOptions(Buffer.concat([...padding.slice(1), opt(65001, MAC)])).mac).toBe('02:00:5e:10:00:01');
  });

  it('bounded work on a 64 KiB OPT of empty options', () => {
    const huge = Buffer.alloc(65_532); // 16 383 zero-length options of code 0
    const t = performance.now();
    expect(readClientOptions(huge)).toEqual({ mac: null, subnet: null });
    expect(performance.now() - t).toBeLessThan(50);
  });

  it('accepts a Uint8Array view into a larger buffer', () => {
    const whole = Buffer.concat([Buffer.from([9, 9, 9]), opt(65001, MAC)]);
    expect(readClientOptions(new Uint8Array(whole.buffer, whole.byteOffset + 3, whole.length - 3)).mac).toBe('02:00:5e:10:00:01');
  });

  it('non-Uint8Array input gives nulls', () => {
    expect(readClientOptions('nope' as unknown as Uint8Array)).toEqual({ mac: null, subnet: null });
  });
});
