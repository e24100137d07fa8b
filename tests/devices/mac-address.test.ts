import { describe, expect, it } from 'vitest';
import { isRandomizedMac, isUsableMac, macFromBytes, normalizeMac } from '../../src/devices/mac-address.js';
import { sanitizeHostname } from '../../src/devices/hostname.js';

describe('normalizeMac', () => {
  it.each([
    ['02:00:5e:10:00:01', '02:00:5e:10:00:01'],
    ['02:00:5E:10:00:0A', '02:00:5e:10:00:0a'],
    ['02-00-5E-10-00-01', '02:00:5e:10:00:01'],
    ['0200.5e10.0001', '02:00:5e:10:00:01'],
    ['02005E100001', '02:00:5e:10:00:01'],
    ['  02:00:5e:10:00:01\n', '02:00:5e:10:00:01'],
  ])('%j → %s', (input, expected) => {
    expect(normalizeMac(input)).toBe(expected);
  });

  it.each([
    '',
    '02:00:5e:10:00',
    '02:00:5e:10:00:01:02',
    '02:00-5e:10:00:01',
    '2:0:5e:10:0:1',
    '02:00:5e:10:00:0g',
    '0200.5e10.000',
    '02005e10000',
    '02005e1000011',
    '02:00:5e:10:00:01\u0000',
    'x'.repeat(1000),
    '<script>alert(1)</script>',
  ])('rejects %j', (input) => {
    expect(normalizeMac(input)).toBeNull();
  });

  it('rejects non-strings without throwing', () => {
    expect(normalizeMac(undefined as unknown as string)).toBeNull();
    expect(normalizeMac(42 as unknown as string)).toBeNull();
  });
});

describe('macFromBytes', () => {
  it.each([
    [[0x02, 0x00, 0x5e, 0x10, 0x00, 0x01], '02:00:5e:10:00:01'],
    [[0xff, 0xfe, 0x0a, 0xb0, 0xc0, 0xd0], 'ff:fe:0a:b0:c0:d0'],
    [[0x02, 0x00, 0x5e, 0x10, 0x00], null],
    [[0x02, 0x00, 0x5e, 0x10, 0x00, 0x01, 0x00], null],
    [[], null],
  ])('%j → %s', (bytes, expected) => {
    expect(macFromBytes(Uint8Array.from(bytes))).toBe(expected);
  });
});

describe('isRandomizedMac / isUsableMac', () => {
  it.each([
    // mac, randomized (locally administered), usable
    ['00:1b:63:84:45:e6', false, true],
    ['02:00:5e:10:00:01', true, true],
    ['da:a1:19:00:00:01', true, true],
    ['00:00:00:00:00:00', false, false],
    ['ff:ff:ff:ff:ff:ff', true, false],
    ['01:00:5e:00:00:fb', false, false],
    ['33:33:00:00:00:01', true, false],
    ['not a mac', false, false],
    ['02-00-5E-10-00-01', true, true],
  ])('%s → randomized %s, usable %s', (mac, randomized, usable) => {
    expect(isRandomizedMac(mac)).toBe(randomized);
    expect(isUsableMac(mac)).toBe(usable);
  });
});

describe('sanitizeHostname', () => {
  it.each([
    ['lea-phone', 'lea-phone'],
    ['Leas-iPhone', 'Leas-iPhone'],
    ['tv_salon.lan', 'tv_salon.lan'],
    ['a'.repeat(63), 'a'.repeat(63)],
    ['a'.repeat(64), null],
    ['', null],
    ['<script>alert(1)</script>', null],
    ["Léa's iPhone", null],
    ['lea phone', null],
    ['lea\nphone', null],
    ['lea\u0000', null],
    [null, null],
    [undefined, null],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeHostname(input)).toBe(expected);
  });
});
