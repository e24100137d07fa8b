/**
 * Names on the wire: compression pointers go backwards only and chains are bounded; lengths are
 * checked; odd bytes are escaped as \DDD so the text is unambiguous and safe to log or show.
 */
import { describe, expect, it } from 'vitest';
import { MAX_POINTER_JUMPS, encodeName, labelText, readName, readPlainName, skipName } from '../../src/dns/name-codec.js';
import { nameOfWireLength, prng, randomPacket, wireName } from '../helpers/hostile-corpus.js';

describe('readName and readPlainName', () => {
  it.each([
    ['one label', wireName('com'), 'com'],
    ['case is folded', wireName('WwW', 'ExAmple', 'COM'), 'www.example.com'],
    ['root', Buffer.from([0]), ''],
    ['digits, hyphen, underscore, star', wireName('_dmarc', '*', 'a-1'), '_dmarc.*.a-1'],
  ] as const)('%s', (_l, wire, text) => {
    expect(readName(wire, 0)).toEqual({ name: text, end: wire.length });
    expect(readPlainName(wire, 0)).toEqual({ name: text, end: wire.length });
  });

  it('follows a backward pointer and reports the end just past the pointer', () => {
    // 0: example.test ; 14: www + pointer to 0
    const buf = Buffer.concat([wireName('example', 'test'), Buffer.from([3, 0x77, 0x77, 0x77, 0xc0, 0x00])]);
    expect(readName(buf, 14)).toEqual({ name: 'www.example.test', end: 20 });
    expect(skipName(buf, 14)).toBe(20);
    // The plain reader refuses pointers outright (a question never needs one).
    expect(readPlainName(buf, 14)).toBeNull();
  });

  it.each([
    ['self pointer', Buffer.from([0xc0, 0x00])],
    ['forward pointer', Buffer.from([0xc0, 0x02, 0x01, 0x61, 0x00])],
    ['pointer past the end', Buffer.from([0xc0, 0xff])],
    ['pointer cut after one byte', Buffer.from([0xc0])],
    ['label past the end', Buffer.from([0x05, 0x61, 0x62])],
    ['missing terminator', Buffer.from([0x01, 0x61])],
    ['64-octet label', wireName('a'.repeat(64))],
    ['reserved label type 0x40', Buffer.from([0x41, 0x61, 0x00])],
    ['reserved label type 0x80', Buffer.from([0x81, 0x61, 0x00])],
    ['empty buffer', Buffer.alloc(0)],
  ] as const)('rejects a %s', (_l, wire) => {
    expect(readName(wire, 0)).toBeNull();
    expect(readPlainName(wire, 0)).toBeNull();
  });

  it('rejects A↔B ping-pong (one pointer backwards, the other forwards)', () => {
    // 0: 'a' then pointer to 4 (forward); 4: pointer to 0.
    const buf = Buffer.from([0x01, 0x61, 0xc0, 0x04, 0xc0, 0x00]);
    expect(readName(buf, 4)).toBeNull();
    expect(readName(buf, 0)).toBeNull();
  });

  it('stops a loop made of a label and a backward pointer to it (length bound)', () => {
    // 0: 'abc' label, 4: pointer to 0 → abc.abc.abc... until the 255-octet limit.
    const buf = Buffer.from([0x03, 0x61, 0x62, 0x63, 0xc0, 0x00]);
    expect(readName(buf, 0)).toBeNull();
  });

  it(`follows at most ${MAX_POINTER_JUMPS} pointers in a chain`, () => {
    const chain = (jumps: number): { buf: Buffer; start: number } => {
      const parts = [Buffer.from([0x01, 0x61, 0x00])];
      let prev = 0;
      let at = 3;
      for (let i = 0; i < jumps; i++) {
        parts.push(Buffer.from([0xc0 | (prev >> 8), prev & 0xff]));
        prev = at;
        at += 2;
      }
      return { buf: Buffer.concat(parts), start: prev };
    };
    const ok = chain(MAX_POINTER_JUMPS);
    expect(readName(ok.buf, ok.start)).toEqual({ name: 'a', end: ok.start + 2 });
    const tooLong = chain(MAX_POINTER_JUMPS + 1);
    expect(readName(tooLong.buf, tooLong.start)).toBeNull();
  });

  it.each([
    [255, true],
    [256, false],
  ] as const)('a name of %i octets is accepted: %s', (octets, ok) => {
    const wire = nameOfWireLength(octets);
    expect(wire.length).toBe(octets);
    expect(readName(wire, 0) !== null).toBe(ok);
    expect(readPlainName(wire, 0) !== null).toBe(ok);
  });

  it('counts octets reached through pointers towards the 255 limit', () => {
    // 200-octet name at 0, then a 60-octet label + pointer to it: 261 octets in all.
    const base = nameOfWireLength(200);
    const buf = Buffer.concat([base, Buffer.from([60]), Buffer.alloc(60, 0x62), Buffer.from([0xc0, 0x00])]);
    expect(readName(buf, base.length)).toBeNull();
  });

  it('skipName rejects over-long and truncated names without decoding them', () => {
    expect(skipName(nameOfWireLength(256), 0)).toBe(-1);
    expect(skipName(Buffer.from([0x05, 0x61]), 0)).toBe(-1);
    expect(skipName(Buffer.from([0xc0]), 0)).toBe(-1);
    expect(skipName(Buffer.from([0x41]), 0)).toBe(-1);
  });
});

describe('escaping of odd bytes', () => {
  it.each([
    ['a dot inside a label', ['a.b', 'test'], 'a\\046b.test'],
    ['a space', ['a b'], 'a\\032b'],
    ['markup', ['<script>'], '\\060script\\062'],
    ['a backslash', ['a\\b'], 'a\\092b'],
    ['NUL and newline', [Buffer.from([0x00, 0x0a])], '\\000\\010'],
    ['quotes and CSV formula', ['"=cmd\''], '\\034\\061cmd\\039'],
    ['bytes above 0x7f', [Buffer.from([0xc3, 0xa9, 0xff])], '\\195\\169\\255'],
    ['upper case is folded, not escaped', ['ABC'], 'abc'],
  ] as const)('%s', (_l, labels, text) => {
    const wire = wireName(...(labels as readonly (string | Buffer)[]));
    expect(readName(wire, 0)?.name).toBe(text);
    expect(readPlainName(wire, 0)?.name).toBe(text);
  });

  it('keeps one label containing a dot distinct from two labels', () => {
    expect(readName(wireName('a.b'), 0)!.name).not.toBe(readName(wireName('a', 'b'), 0)!.name);
  });

  it('round-trips: encodeName(readName(wire)) gives the same wire bytes (case folded)', () => {
    const rand = prng(42);
    for (let i = 0; i < 2_000; i++) {
      const labels: Buffer[] = [];
      const count = 1 + Math.floor(rand() * 4);
      for (let j = 0; j < count; j++) {
        const l = randomPacket(rand, 20);
        labels.push(l.length === 0 ? Buffer.from([0x61]) : l);
      }
      const wire = wireName(...labels);
      const text = readName(wire, 0)!.name;
      // Only safe characters: nothing that could be markup, a control character or a separator.
      expect(text).toMatch(/^[a-z0-9\-_*.\\]*$/);
      const lower = Buffer.from(wire.map((c) => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c)));
      expect(encodeName(text)).toEqual(lower);
    }
  });

  it('labelText reads a slice of a larger buffer', () => {
    const buf = Buffer.from('xxHeLLo yy', 'latin1');
    expect(labelText(buf, 2, 8)).toBe('hello\\032');
  });
});

describe('encodeName', () => {
  it.each([
    ['', [0]],
    ['.', [0]],
    ['a.b', [1, 0x61, 1, 0x62, 0]],
    ['a.b.', [1, 0x61, 1, 0x62, 0]],
    ['a\\046b', [3, 0x61, 0x2e, 0x62, 0]],
  ] as const)('%j', (name, bytes) => {
    expect([...encodeName(name)]).toEqual(bytes);
  });

  it.each([
    ['an empty label', 'a..b'],
    ['a 64-octet label', `${'a'.repeat(64)}.test`],
    ['a name over 255 octets', Array.from({ length: 5 }, () => 'a'.repeat(63)).join('.')],
  ])('throws RangeError on %s', (_l, name) => {
    expect(() => encodeName(name)).toThrow(RangeError);
  });
});
