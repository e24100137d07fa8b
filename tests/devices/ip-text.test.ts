import { describe, expect, it } from 'vitest';
import { formatIPv6, isLoopbackText, normalizeIp } from '../../src/devices/ip-text.js';

describe('normalizeIp', () => {
  it.each([
    ['192.0.2.10', '192.0.2.10'],
    ['::ffff:192.0.2.10', '192.0.2.10'],
    ['::FFFF:c000:020a', '192.0.2.10'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0000:0001:0:0:0:0', '2001:db8:0:1::'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::1', '::1'],
    ['::', '::'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeIp(input)).toBe(expected);
  });

  it.each(['', '192.0.2', '192.0.2.256', '192.0.2.010', '2001:db8:::1', 'lea-phone', '1'.repeat(100), '192.0.2.1 '])(
    'rejects %j',
    (input) => {
      expect(normalizeIp(input)).toBeNull();
    },
  );
});

describe('formatIPv6', () => {
  it.each([
    ['20010db8000000000000000000000001', '2001:db8::1'],
    ['00000000000000000000ffffc0000201', '::ffff:192.0.2.1'],
    ['20010db8000100000001000000000000', '2001:db8:1:0:1::'],
    ['00000000000000000000000000000000', '::'],
  ])('%s → %s', (hex, expected) => {
    expect(formatIPv6(Buffer.from(hex, 'hex'))).toBe(expected);
  });
});

describe('isLoopbackText', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['192.0.2.1', false],
    ['2001:db8::1', false],
    ['::ffff:192.0.2.1', false],
  ])('%s → %s', (ip, expected) => {
    expect(isLoopbackText(ip)).toBe(expected);
  });
});
