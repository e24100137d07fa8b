/**
 * Hand-made DNS packets for the hostile-input tests (RFC 9267 cases and friends), written byte by
 * byte so they do not depend on our own encoder, each with the outcome the strict reader must give:
 * no reply at all ('drop'), or an error answer with its RCODE and whether the question is echoed.
 * Also a seeded PRNG and a mutator for the property tests.
 */

/** What Vigie must do with a packet. */
export type Expected =
  | { readonly kind: 'answer' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'reject'; readonly rcode: 'FORMERR' | 'NOTIMP' | 'BADVERS'; readonly echo: boolean };

export interface HostileCase {
  readonly label: string;
  readonly packet: Buffer;
  readonly expected: Expected;
}

export const RCODE_VALUE = { FORMERR: 1, NOTIMP: 4, BADVERS: 16 } as const;

/** 12-byte header. */
export function header(opts: { id?: number; flags?: number; qd?: number; an?: number; ns?: number; ar?: number } = {}): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(opts.id ?? 0x1234, 0);
  h.writeUInt16BE(opts.flags ?? 0x0100, 2);
  h.writeUInt16BE(opts.qd ?? 1, 4);
  h.writeUInt16BE(opts.an ?? 0, 6);
  h.writeUInt16BE(opts.ns ?? 0, 8);
  h.writeUInt16BE(opts.ar ?? 0, 10);
  return h;
}

/** Uncompressed wire name from labels (each a string or raw bytes). */
export function wireName(...labels: Array<string | Uint8Array>): Buffer {
  const parts: Buffer[] = [];
  for (const l of labels) {
    const b = typeof l === 'string' ? Buffer.from(l, 'latin1') : Buffer.from(l);
    parts.push(Buffer.from([b.length]), b);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/** QNAME + QTYPE + QCLASS. */
export function question(name: Buffer, type = 1, qclass = 1): Buffer {
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(qclass, 2);
  return Buffer.concat([name, tail]);
}

/** An OPT record: root owner, payload size, extended rcode, version, DO bit, raw options. */
export function opt(opts: { udpSize?: number; version?: number; dnssecOk?: boolean; options?: Buffer; owner?: Buffer } = {}): Buffer {
  const owner = opts.owner ?? Buffer.from([0]);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(41, 0);
  fixed.writeUInt16BE(opts.udpSize ?? 1232, 2);
  fixed[4] = 0;
  fixed[5] = opts.version ?? 0;
  fixed.writeUInt16BE(opts.dnssecOk ? 0x8000 : 0, 6);
  const rdata = opts.options ?? Buffer.alloc(0);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([owner, fixed, rdata]);
}

/** One EDNS option (code, length, data). */
export function ednsOption(code: number, data: Buffer, lengthOverride?: number): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(code, 0);
  head.writeUInt16BE(lengthOverride ?? data.length, 2);
  return Buffer.concat([head, data]);
}

/** A plain record header + rdata with a given owner (raw bytes, maybe a pointer). */
export function record(owner: Buffer, type: number, rdata: Buffer, ttl = 60, qclass = 1): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(qclass, 2);
  fixed.writeUInt32BE(ttl, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([owner, fixed, rdata]);
}

export const QNAME = wireName('example', 'test');
export const Q = question(QNAME);
/** A valid query for example.test A, RD set, no EDNS. */
export const VALID_QUERY = Buffer.concat([header(), Q]);
/** Offset of the first byte after the question in a packet made of header() + Q. */
export const AFTER_Q = 12 + Q.length;

function ansiLabel(n: number, ch = 'a'): string {
  return ch.repeat(n);
}

/** A name of exactly `wire` octets on the wire (root included), made of 63-octet labels and one remainder. */
export function nameOfWireLength(wire: number): Buffer {
  const labels: string[] = [];
  let left = wire - 1;
  while (left > 0) {
    const len = Math.min(63, left - 1);
    labels.push(ansiLabel(len, String.fromCharCode(0x61 + (labels.length % 26))));
    left -= len + 1;
  }
  return wireName(...labels);
}

const formerr = (echo: boolean): Expected => ({ kind: 'reject', rcode: 'FORMERR', echo });

/** The malformed corpus: every case and what must happen to it. */
export function malformedCorpus(): HostileCase[] {
  return [
    { label: 'empty packet', packet: Buffer.alloc(0), expected: { kind: 'drop' } },
    { label: '5-byte packet', packet: Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00]), expected: { kind: 'drop' } },
    { label: '11-byte packet', packet: VALID_QUERY.subarray(0, 11), expected: { kind: 'drop' } },
    { label: 'header only, all counts 65535', packet: header({ qd: 0xffff, an: 0xffff, ns: 0xffff, ar: 0xffff }), expected: formerr(false) },
    { label: 'QR=1 (a response sent to us)', packet: Buffer.concat([header({ flags: 0x8180 }), Q]), expected: { kind: 'drop' } },
    { label: 'QR=1 with all counts 65535', packet: header({ flags: 0x8000, qd: 0xffff, an: 0xffff, ns: 0xffff, ar: 0xffff }), expected: { kind: 'drop' } },
    { label: 'opcode 1 (IQUERY)', packet: Buffer.concat([header({ flags: 0x0900 }), Q]), expected: { kind: 'reject', rcode: 'NOTIMP', echo: false } },
    { label: 'opcode 2 (STATUS)', packet: Buffer.concat([header({ flags: 0x1100 }), Q]), expected: { kind: 'reject', rcode: 'NOTIMP', echo: false } },
    { label: 'opcode 4 (NOTIFY)', packet: Buffer.concat([header({ flags: 0x2100 }), Q]), expected: { kind: 'reject', rcode: 'NOTIMP', echo: false } },
    { label: 'opcode 5 (UPDATE)', packet: Buffer.concat([header({ flags: 0x2800 }), Q]), expected: { kind: 'reject', rcode: 'NOTIMP', echo: false } },
    { label: 'qdcount 0', packet: header({ qd: 0 }), expected: formerr(false) },
    { label: 'qdcount 0 with a question anyway', packet: Buffer.concat([header({ qd: 0 }), Q]), expected: formerr(false) },
    { label: 'qdcount 2', packet: Buffer.concat([header({ qd: 2 }), Q, Q]), expected: formerr(false) },
    { label: 'qdcount 65535 with one question', packet: Buffer.concat([header({ qd: 0xffff }), Q]), expected: formerr(false) },
    { label: 'compression pointer in the question (to itself)', packet: Buffer.concat([header(), Buffer.from([0xc0, 0x0c, 0, 1, 0, 1])]), expected: formerr(false) },
    { label: 'compression pointer in the question (into the header)', packet: Buffer.concat([header(), Buffer.from([0xc0, 0x02, 0, 1, 0, 1])]), expected: formerr(false) },
    { label: 'label then pointer in the question', packet: Buffer.concat([header(), Buffer.from([3, 0x77, 0x77, 0x77, 0xc0, 0x0c, 0, 1, 0, 1])]), expected: formerr(false) },
    { label: 'reserved label type 0x40 in the question', packet: Buffer.concat([header(), Buffer.from([0x41, 0x61, 0, 0, 1, 0, 1])]), expected: formerr(false) },
    {
      label: 'pointer loop in an additional record (self pointer)',
      packet: Buffer.concat([header({ ar: 1 }), Q, record(Buffer.from([0xc0, AFTER_Q]), 1, Buffer.from([127, 0, 0, 1]))]),
      expected: formerr(true),
    },
    {
      label: 'forward pointer in an additional record',
      packet: Buffer.concat([header({ ar: 1 }), Q, record(Buffer.from([1, 0x61, 0xc0, AFTER_Q + 4]), 1, Buffer.from([127, 0, 0, 1]))]),
      expected: formerr(true),
    },
    {
      label: 'pointer ping-pong A↔B across two additional records',
      packet: Buffer.concat([
        header({ ar: 2 }),
        Q,
        // Record 1 (root owner) carries pointer A in its RDATA, aimed forward at record 2's owner;
        // record 2's owner is pointer B, aimed back at A.
        record(Buffer.from([0]), 1, Buffer.from([0xc0, AFTER_Q + 15, 0, 0])),
        record(Buffer.from([0xc0, AFTER_Q + 11]), 1, Buffer.from([127, 0, 0, 1])),
      ]),
      expected: formerr(true),
    },
    {
      label: 'forward pointer past the end in an additional record',
      packet: Buffer.concat([header({ ar: 1 }), Q, record(Buffer.from([0xc0, 0xff]), 1, Buffer.from([127, 0, 0, 1]))]),
      expected: formerr(true),
    },
    { label: '64-octet label', packet: Buffer.concat([header(), question(wireName('a'.repeat(64), 'test'))]), expected: formerr(false) },
    { label: 'label running past the end', packet: Buffer.concat([header(), Buffer.from([7, 0x65, 0x78, 0x61])]), expected: formerr(false) },
    { label: 'missing root terminator', packet: Buffer.concat([header(), Buffer.from([3, 0x63, 0x6f, 0x6d])]), expected: formerr(false) },
    { label: 'name of 256 octets', packet: Buffer.concat([header(), question(nameOfWireLength(256))]), expected: formerr(false) },
    { label: 'name of 300 octets', packet: Buffer.concat([header(), question(nameOfWireLength(300))]), expected: formerr(false) },
    { label: 'truncated type/class (3 of 4 bytes)', packet: Buffer.concat([header(), QNAME, Buffer.from([0, 1, 0])]), expected: formerr(false) },
    { label: 'type/class missing', packet: Buffer.concat([header(), QNAME]), expected: formerr(false) },
    { label: 'ancount 1 in a query', packet: Buffer.concat([header({ an: 1 }), Q, record(Buffer.from([0xc0, 12]), 1, Buffer.from([1, 2, 3, 4]))]), expected: formerr(true) },
    { label: 'nscount 65535 in a query', packet: Buffer.concat([header({ ns: 0xffff }), Q]), expected: formerr(true) },
    { label: 'two OPT records', packet: Buffer.concat([header({ ar: 2 }), Q, opt(), opt()]), expected: formerr(true) },
    { label: 'OPT owned by a non-root name', packet: Buffer.concat([header({ ar: 1 }), Q, opt({ owner: wireName('x') })]), expected: formerr(true) },
    {
      label: 'OPT option length past the RDATA',
      packet: Buffer.concat([header({ ar: 1 }), Q, opt({ options: ednsOption(10, Buffer.alloc(8), 40) })]),
      expected: formerr(true),
    },
    {
      label: 'OPT with 3 stray option bytes',
      packet: Buffer.concat([header({ ar: 1 }), Q, opt({ options: Buffer.from([0, 10, 0]) })]),
      expected: formerr(true),
    },
    {
      label: 'OPT RDLENGTH past the end of the packet',
      packet: Buffer.concat([header({ ar: 1 }), Q, opt({ options: ednsOption(10, Buffer.alloc(8)) }).subarray(0, 15)]),
      expected: formerr(true),
    },
    {
      label: 'OPT with 15,000 empty options (60 KB)',
      packet: Buffer.concat([header({ ar: 1 }), Q, opt({ options: Buffer.concat(Array.from({ length: 15_000 }, () => ednsOption(65001, Buffer.alloc(0)))) })]),
      expected: formerr(true),
    },
    {
      label: 'OPT with 17 options (more than any client sends)',
      packet: Buffer.concat([header({ ar: 1 }), Q, opt({ options: Buffer.concat(Array.from({ length: 17 }, () => ednsOption(65001, Buffer.alloc(1)))) })]),
      expected: formerr(true),
    },
    { label: 'OPT record header cut short', packet: Buffer.concat([header({ ar: 1 }), Q, opt().subarray(0, 6)]), expected: formerr(true) },
    { label: 'EDNS version 1', packet: Buffer.concat([header({ ar: 1 }), Q, opt({ version: 1 })]), expected: { kind: 'reject', rcode: 'BADVERS', echo: true } },
    { label: 'EDNS version 255', packet: Buffer.concat([header({ ar: 1 }), Q, opt({ version: 255, udpSize: 65535 })]), expected: { kind: 'reject', rcode: 'BADVERS', echo: true } },
    { label: 'trailing bytes after the question', packet: Buffer.concat([header(), Q, Buffer.from([0xde, 0xad])]), expected: formerr(true) },
    { label: 'trailing bytes after the OPT', packet: Buffer.concat([header({ ar: 1 }), Q, opt(), Buffer.from([0])]), expected: formerr(true) },
    { label: 'arcount 65535 with one OPT', packet: Buffer.concat([header({ ar: 0xffff }), Q, opt()]), expected: formerr(true) },
    { label: 'arcount 2 with one OPT', packet: Buffer.concat([header({ ar: 2 }), Q, opt()]), expected: formerr(true) },
  ];
}

/** Valid queries and what the reader must return for them. */
export interface ValidCase {
  readonly label: string;
  readonly packet: Buffer;
  readonly name: string;
  readonly type: number;
  readonly edns: null | { readonly udpSize: number; readonly dnssecOk: boolean; readonly optionBytes: number };
}

export function validCorpus(): ValidCase[] {
  const max = nameOfWireLength(255);
  const maxText = readableName(max);
  return [
    { label: 'plain A', packet: VALID_QUERY, name: 'example.test', type: 1, edns: null },
    { label: 'mixed case', packet: Buffer.concat([header(), question(wireName('ExAmPlE', 'TeSt'), 28)]), name: 'example.test', type: 28, edns: null },
    { label: 'root name', packet: Buffer.concat([header(), question(Buffer.from([0]), 2)]), name: '', type: 2, edns: null },
    { label: 'RD=0', packet: Buffer.concat([header({ flags: 0 }), Q]), name: 'example.test', type: 1, edns: null },
    { label: 'EDNS without options', packet: Buffer.concat([header({ ar: 1 }), Q, opt({ udpSize: 4096 })]), name: 'example.test', type: 1, edns: { udpSize: 4096, dnssecOk: false, optionBytes: 0 } },
    {
      label: 'EDNS with a cookie option and DO',
      packet: Buffer.concat([header({ ar: 1 }), Q, opt({ udpSize: 1232, dnssecOk: true, options: ednsOption(10, Buffer.alloc(8, 7)) })]),
      name: 'example.test',
      type: 1,
      edns: { udpSize: 1232, dnssecOk: true, optionBytes: 12 },
    },
    {
      label: 'EDNS with two options (padding + unknown)',
      packet: Buffer.concat([header({ ar: 1 }), Q, opt({ options: Buffer.concat([ednsOption(12, Buffer.alloc(20)), ednsOption(65001, Buffer.alloc(0))]) })]),
      name: 'example.test',
      type: 1,
      edns: { udpSize: 1232, dnssecOk: false, optionBytes: 28 },
    },
    { label: 'EDNS size 100 is read as 512', packet: Buffer.concat([header({ ar: 1 }), Q, opt({ udpSize: 100 })]), name: 'example.test', type: 1, edns: { udpSize: 512, dnssecOk: false, optionBytes: 0 } },
    { label: 'EDNS size 65535', packet: Buffer.concat([header({ ar: 1 }), Q, opt({ udpSize: 65535 })]), name: 'example.test', type: 1, edns: { udpSize: 65535, dnssecOk: false, optionBytes: 0 } },
    { label: 'name of exactly 255 octets', packet: Buffer.concat([header(), question(max, 16)]), name: maxText, type: 16, edns: null },
    {
      label: 'additional record owned by a backward pointer, plus OPT',
      packet: Buffer.concat([header({ ar: 2 }), Q, record(Buffer.from([0xc0, 12]), 1, Buffer.from([1, 2, 3, 4])), opt()]),
      name: 'example.test',
      type: 1,
      edns: { udpSize: 1232, dnssecOk: false, optionBytes: 0 },
    },
    { label: 'unknown type 65280', packet: Buffer.concat([header(), question(QNAME, 65280)]), name: 'example.test', type: 65280, edns: null },
  ];
}

/** Labels of a plain-ASCII wire name joined with dots (test-side, independent of name-codec). */
export function readableName(wire: Buffer): string {
  const labels: string[] = [];
  let pos = 0;
  while (wire[pos]! !== 0) {
    labels.push(wire.subarray(pos + 1, pos + 1 + wire[pos]!).toString('latin1').toLowerCase());
    pos += wire[pos]! + 1;
  }
  return labels.join('.');
}

/** mulberry32: a small seeded PRNG so failures reproduce. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random bytes of a random length in [0, maxLen]. */
export function randomPacket(rand: () => number, maxLen = 600): Buffer {
  const len = Math.floor(rand() * (maxLen + 1));
  const out = Buffer.allocUnsafe(len);
  for (let i = 0; i < len; i++) out[i] = Math.floor(rand() * 256);
  return out;
}

const INTERESTING = [0x00, 0x01, 0x3f, 0x40, 0x7f, 0x80, 0xc0, 0xc0, 0xff, 0x0c, 0x29];

/** 1–4 random edits of `base`: bit flips, interesting bytes, cuts, inserts, count rewrites. */
export function mutate(base: Buffer, rand: () => number): Buffer {
  let b = Buffer.from(base);
  const edits = 1 + Math.floor(rand() * 4);
  for (let e = 0; e < edits; e++) {
    const at = b.length === 0 ? 0 : Math.floor(rand() * b.length);
    switch (Math.floor(rand() * 7)) {
      case 0:
        if (b.length > 0) b[at] = b[at]! ^ (1 << Math.floor(rand() * 8));
        break;
      case 1:
        if (b.length > 0) b[at] = INTERESTING[Math.floor(rand() * INTERESTING.length)]!;
        break;
      case 2:
        b = b.subarray(0, at);
        break;
      case 3:
        b = Buffer.concat([b.subarray(0, at), Buffer.from([Math.floor(rand() * 256)]), b.subarray(at)]);
        break;
      case 4:
        if (b.length >= 12) b.writeUInt16BE(Math.floor(rand() * 4) === 0 ? 0xffff : Math.floor(rand() * 5), 4 + 2 * Math.floor(rand() * 4));
        break;
      case 5:
        b = Buffer.concat([b, opt({ udpSize: Math.floor(rand() * 65536), version: rand() < 0.8 ? 0 : 1, dnssecOk: rand() < 0.5 })]);
        break;
      default:
        b = Buffer.concat([b, randomPacket(rand, 20)]);
        break;
    }
  }
  return b;
}
