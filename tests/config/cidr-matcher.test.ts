import { describe, expect, it } from 'vitest';
import { createCidrMatcher, isValidCidr, parseCidr, parseIPv4, parseIPv6 } from '../../src/net/cidr-matcher.js';
import { DEFAULT_ALLOWED_CLIENTS } from '../../src/config-schema.js';

describe('createCidrMatcher', () => {
  it.each([
    // IPv4
    [['10.0.0.0/8'], '10.0.0.1', true],
    [['10.0.0.0/8'], '10.255.255.255', true],
    [['10.0.0.0/8'], '11.0.0.0', false],
    [['10.0.0.0/8'], '9.255.255.255', false],
    [['172.16.0.0/12'], '172.31.255.254', true],
    [['172.16.0.0/12'], '172.32.0.1', false],
    [['192.168.1.0/24'], '192.168.1.200', true],
    [['192.168.1.0/24'], '192.168.2.1', false],
    [['0.0.0.0/0'], '203.0.113.9', true],
    [['0.0.0.0/0'], '255.255.255.255', true],
    [['203.0.113.7/32'], '203.0.113.7', true],
    [['203.0.113.7/32'], '203.0.113.8', false],
    [['203.0.113.7'], '203.0.113.7', true],
    [['128.0.0.0/1'], '200.1.1.1', true],
    [['128.0.0.0/1'], '127.255.255.255', false],
    [['10.1.2.3/8'], '10.9.9.9', true], // host bits in the rule are ignored
    // IPv6
    [['fe80::/10'], 'fe80::1', true],
    [['fe80::/10'], 'febf:ffff::1', true],
    [['fe80::/10'], 'fec0::1', false],
    [['fc00::/7'], 'fd12:3456:789a::1', true],
    [['fc00::/7'], 'fe00::1', false],
    [['::1/128'], '::1', true],
    [['::1/128'], '0:0:0:0:0:0:0:1', true],
    [['::1/128'], '::2', false],
    [['::/0'], '2001:db8::1', true],
    [['2001:db8::/32'], '2001:0db8:0000:0000:0000:0000:0000:0001', true],
    [['2001:db8::/32'], '2001:DB8:FFFF::', true],
    [['2001:db8::/32'], '2001:db9::1', false],
    [['2001:db8:0:1::/64'], '2001:db8:0:1:ffff:ffff:ffff:ffff', true],
    [['2001:db8:0:1::/64'], '2001:db8:0:2::', false],
    [['2001:db8::1/128'], '2001:db8::1', true],
    [['2001:db8::1/128'], '2001:db8::1:0', false],
    [['2001:db8::/127'], '2001:db8::1', true],
    [['2001:db8::/127'], '2001:db8::2', false],
    [['fe80::/10'], 'fe80::1%eth0', true], // zone id ignored
    // IPv4-mapped IPv6
    [['10.0.0.0/8'], '::ffff:10.0.0.1', true],
    [['10.0.0.0/8'], '::FFFF:10.0.0.1', true],
    [['10.0.0.0/8'], '::ffff:a00:1', true],
    [['10.0.0.0/8'], '::ffff:11.0.0.1', false],
    [['10.0.0.0/8'], '0:0:0:0:0:ffff:10.1.2.3', true],
    [['127.0.0.0/8'], '::ffff:127.0.0.1', true],
    [['::ffff:0:0/96'], '::ffff:192.0.2.8', true],
    [['::ffff:0:0/96'], '192.0.2.8', false],
    [['10.0.0.0/8'], '::10.0.0.1', false], // IPv4-compatible is not mapped
    // families do not mix
    [['0.0.0.0/0'], '::1', false],
    [['::/0'], '10.0.0.1', false],
    // several rules
    [['10.0.0.0/8', '2001:db8::/32'], '2001:db8::5', true],
    [['10.0.0.0/8', '2001:db8::/32'], '10.2.3.4', true],
    [[], '10.2.3.4', false],
  ] as const)('%j matches %s: %s', (cidrs, ip, expected) => {
    expect(createCidrMatcher(cidrs)(ip)).toBe(expected);
  });

  it.each(['', 'x', '10.0.0', '10.0.0.1.2', '256.0.0.1', '10.0.0.01', '1:2:3', ':::', '1::2::3', 'g::1', '12345::', '::ffff:1.2.3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::8', '[::1]', ' 10.0.0.1'])(
    'never matches the malformed address %j',
    (ip) => {
      expect(createCidrMatcher(['0.0.0.0/0', '::/0'])(ip)).toBe(false);
    },
  );

  it('matches the default allowed clients as documented', () => {
    const allowed = createCidrMatcher(DEFAULT_ALLOWED_CLIENTS);
    for (const ip of ['127.0.0.1', '::1', '10.1.1.1', '172.20.0.1', '192.168.0.10', '169.254.1.1', 'fe80::abcd', 'fd00::1', '::ffff:192.168.1.5']) {
      expect(allowed(ip), ip).toBe(true);
    }
    for (const ip of ['192.0.2.8', '172.32.0.1', '2001:db8::8888', '::ffff:192.0.2.8', '::']) {
      expect(allowed(ip), ip).toBe(false);
    }
  });

  it('rejects an invalid CIDR with CIDR_INVALID', () => {
    expect(() => createCidrMatcher(['10.0.0.0/33'])).toThrow(expect.objectContaining({ code: 'CIDR_INVALID' }));
  });
});

describe('parseCidr / isValidCidr', () => {
  it.each([
    ['10.0.0.0/8', true], ['0.0.0.0/0', true], ['1.2.3.4/32', true], ['1.2.3.4', true],
    ['::/0', true], ['::1/128', true], ['fe80::/10', true], ['::ffff:10.0.0.0/104', true],
    ['10.0.0.0/33', false], ['::/129', false], ['10.0.0.0/', false], ['10.0.0.0/-1', false],
    ['10.0.0.0/8/8', false], ['10.0.0.0/ 8', false], ['10.0.0.0/0x8', false], ['fe80::1%eth0/64', false],
    ['example.com/8', false], ['', false], ['300.0.0.0/8', false],
  ])('%j valid: %s', (text, ok) => {
    expect(isValidCidr(text)).toBe(ok);
  });

  it('clears host bits', () => {
    expect(parseCidr('10.1.2.3/8')).toEqual({ family: 4, words: [0x0a000000], prefix: 8 });
    expect(parseCidr('2001:db8::1/32')).toEqual({ family: 6, words: [0x20010db8, 0, 0, 0], prefix: 32 });
  });
});

describe('address parsers', () => {
  it.each([
    ['0.0.0.0', 0], ['255.255.255.255', 0xffffffff], ['10.0.0.1', 0x0a000001], ['1.2.3', -1], ['1.2.3.4.', -1],
  ])('parseIPv4(%j) = %d', (s, n) => {
    expect(parseIPv4(s)).toBe(n);
  });

  it.each([
    ['::', [0, 0, 0, 0, 0, 0, 0, 0]],
    ['::1', [0, 0, 0, 0, 0, 0, 0, 1]],
    ['1::', [1, 0, 0, 0, 0, 0, 0, 0]],
    ['1:2:3:4:5:6:7:8', [1, 2, 3, 4, 5, 6, 7, 8]],
    ['1:2::7:8', [1, 2, 0, 0, 0, 0, 7, 8]],
    ['::ffff:1.2.3.4', [0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]],
    ['1:2:3:4:5:6:1.2.3.4', [1, 2, 3, 4, 5, 6, 0x0102, 0x0304]],
  ])('parseIPv6(%j)', (s, groups) => {
    const out = new Uint16Array(8);
    expect(parseIPv6(s, out)).toBe(true);
    expect([...out]).toEqual(groups);
  });
});
