/**
 * The upstream reply reader: compressed names, CNAME targets, the SOA MINIMUM of negative answers,
 * TTL offsets, OPT position and stripping, extended RCODE; and hostile replies rejected without a
 * throw (upstream bytes are untrusted too).
 */
import dns2 from 'dns2';
import { describe, expect, it } from 'vitest';
import { parseReply, stripOpt } from '../../src/dns/reply-reader.js';
import { ok, PTR_Q, RESPONSE } from './reply-helpers.js';
import { cleanReply } from '../../src/dns/reply-scrub.js';
import { AFTER_Q, Q, header, mutate, opt, prng, randomPacket, record, wireName } from '../helpers/hostile-corpus.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { Packet } = dns2 as any;


function soaRdata(minimum: number): Buffer {
  const tail = Buffer.alloc(20);
  [1, 3600, 600, 86400, minimum].forEach((v, i) => tail.writeUInt32BE(v, i * 4));
  return Buffer.concat([wireName('ns', 'test'), wireName('host', 'test'), tail]);
}

describe('parseReply: what the cache and CNAME inspection need', () => {
  it('reads a compressed answer with a CNAME chain and every TTL offset', () => {
    // example.test CNAME cdn.<ptr to "test" in the question>; cdn.test A
    const cnameRdata = Buffer.concat([Buffer.from([3, 0x63, 0x64, 0x6e]), Buffer.from([0xc0, 12 + 8])]);
    const r1 = record(PTR_Q, 5, cnameRdata, 300);
    const r2At = AFTER_Q + r1.length;
    const r2 = record(Buffer.from([0xc0, AFTER_Q + 12]), 1, Buffer.from([127, 1, 0, 3]), 120);
    const buf = Buffer.concat([header({ flags: RESPONSE, an: 2 }), Q, r1, r2]);
    const r = ok(buf);
    expect(r.name).toBe('example.test');
    expect(r.type).toBe(1);
    expect(r.questionEnd).toBe(AFTER_Q);
    expect(r.answerCount).toBe(2);
    expect(r.cnames).toEqual(['cdn.test']);
    expect(r.minAnswerTtl).toBe(120);
    expect(r.ttlOffsets).toEqual([AFTER_Q + 2 + 4, r2At + 2 + 4]);
    for (const o of r.ttlOffsets) expect([300, 120]).toContain(buf.readUInt32BE(o));
    expect(r.soa).toBeNull();
    expect(r.optStart).toBe(-1);
  });

  it('collects several CNAME targets in order (dns2-encoded reply)', () => {
    const p = new Packet();
    p.header.qr = 1;
    p.header.id = 9;
    p.questions = [{ name: 'a.test', type: 1, class: 1 }];
    p.answers.push({ name: 'a.test', type: 5, class: 1, ttl: 60, domain: 'b.test' });
    p.answers.push({ name: 'b.test', type: 5, class: 1, ttl: 30, domain: 'C.Tracker.Test' });
    p.answers.push({ name: 'c.tracker.test', type: 1, class: 1, ttl: 90, address: '127.0.0.9' });
    const r = ok(p.toBuffer());
    expect(r.id).toBe(9);
    expect(r.cnames).toEqual(['b.test', 'c.tracker.test']);
    expect(r.minAnswerTtl).toBe(30);
    expect(r.ttlOffsets).toHaveLength(3);
  });

  it('reads the SOA TTL and MINIMUM of a negative answer (RFC 2308)', () => {
    const buf = Buffer.concat([header({ flags: RESPONSE | 3, ns: 1 }), Q, record(Buffer.from([4, 0x74, 0x65, 0x73, 0x74, 0]), 6, soaRdata(45), 900)]);
    const r = ok(buf);
    expect(r.rcode).toBe(3);
    expect(r.answerCount).toBe(0);
    expect(r.minAnswerTtl).toBe(-1);
    expect(r.soa).toEqual({ ttl: 900, minimum: 45 });
  });

  it('rejects an SOA too short to hold its fields', () => {
    const buf = Buffer.concat([header({ flags: RESPONSE, ns: 1 }), Q, record(PTR_Q, 6, Buffer.alloc(21), 60)]);
    expect(typeof parseReply(buf)).toBe('string');
  });

  it('finds OPT, folds its extended RCODE in, and leaves its "TTL" out of the TTL offsets', () => {
    const o = opt({ udpSize: 1232 });
    o[5] = 1; // extended RCODE upper bits: 1 → with header 0 this is BADVERS (16)
    const a = record(PTR_Q, 1, Buffer.from([1, 2, 3, 4]));
    const extra = record(PTR_Q, 28, Buffer.alloc(16));
    const buf = Buffer.concat([header({ flags: RESPONSE, an: 1, ar: 3 }), Q, a, extra, o, extra]);
    const r = ok(buf);
    expect(r.rcode).toBe(16);
    expect(r.optStart).toBe(AFTER_Q + a.length + extra.length);
    expect(r.additionalBeforeOpt).toBe(1);
    expect(r.ttlOffsets).toHaveLength(3);
    expect(r.ttlOffsets).not.toContain(r.optStart + 1 + 4);
  });

  it('stripOpt drops the OPT and what follows it, fixes ARCOUNT, and the result still parses', () => {
    const a = record(PTR_Q, 1, Buffer.from([1, 2, 3, 4]));
    const extra = record(PTR_Q, 28, Buffer.alloc(16));
    const buf = Buffer.concat([header({ flags: RESPONSE, an: 1, ar: 3 }), Q, a, extra, opt(), extra]);
    const stripped = stripOpt(buf, ok(buf));
    expect(stripped.length).toBe(AFTER_Q + a.length + extra.length);
    expect(stripped.readUInt16BE(10)).toBe(1);
    const again = ok(stripped);
    expect(again.optStart).toBe(-1);
    expect(again.additionalBeforeOpt).toBe(1);
    for (const off of again.ttlOffsets) expect(off + 4).toBeLessThanOrEqual(stripped.length);
    // Independent decoder agrees.
    const d = Packet.parse(stripped);
    expect(d.answers).toHaveLength(1);
    expect(d.additionals).toHaveLength(1);
  });

  it('stripOpt without OPT returns an equal copy', () => {
    const buf = Buffer.concat([header({ flags: RESPONSE, an: 1 }), Q, record(PTR_Q, 1, Buffer.from([1, 2, 3, 4]))]);
    const out = stripOpt(buf, ok(buf));
    expect(out).toEqual(buf);
    expect(out).not.toBe(buf);
  });
});

describe('parseReply: hostile replies', () => {
  const a = record(PTR_Q, 1, Buffer.from([1, 2, 3, 4]));
  it.each([
    ['short header', Buffer.alloc(11)],
    ['not a response (QR=0)', Buffer.concat([header({ an: 1 }), Q, a])],
    ['qdcount 0', header({ flags: RESPONSE, qd: 0 })],
    ['qdcount 2', Buffer.concat([header({ flags: RESPONSE, qd: 2 }), Q, Q])],
    ['pointer in the question', Buffer.concat([header({ flags: RESPONSE }), Buffer.from([0xc0, 12, 0, 1, 0, 1])])],
    ['ancount 65535 with one record', Buffer.concat([header({ flags: RESPONSE, an: 0xffff }), Q, a])],
    ['all counts 65535, nothing behind', Buffer.concat([header({ flags: RESPONSE, an: 0xffff, ns: 0xffff, ar: 0xffff }), Q])],
    ['record cut in its RDATA', Buffer.concat([header({ flags: RESPONSE, an: 1 }), Q, a.subarray(0, a.length - 1)])],
    ['record cut in its header', Buffer.concat([header({ flags: RESPONSE, an: 1 }), Q, a.subarray(0, 8)])],
    ['owner name of 256 octets', Buffer.concat([header({ flags: RESPONSE, an: 1 }), Q, record(Buffer.concat([Buffer.from([63]), Buffer.alloc(63, 0x61), Buffer.from([63]), Buffer.alloc(63, 0x62), Buffer.from([63]), Buffer.alloc(63, 0x63), Buffer.from([63]), Buffer.alloc(63, 0x64), Buffer.from([0])]), 1, Buffer.from([1, 2, 3, 4]))])],
    ['CNAME target with a forward pointer', Buffer.concat([header({ flags: RESPONSE, an: 1 }), Q, record(PTR_Q, 5, Buffer.from([0xc0, 0xf0]))])],
    ['CNAME target with a self pointer', Buffer.concat([header({ flags: RESPONSE, an: 1 }), Q, record(PTR_Q, 5, Buffer.from([0xc0, AFTER_Q + 12]))])],
    ['CNAME target longer than its RDATA', Buffer.concat([header({ flags: RESPONSE, an: 1 }), Q, record(PTR_Q, 5, Buffer.from([3, 0x61, 0x62]))])],
    ['CNAME target shorter than its RDATA', Buffer.concat([header({ flags: RESPONSE, an: 1 }), Q, record(PTR_Q, 5, Buffer.from([0, 0xff, 0xff]))])],
    ['OPT in the answer section', Buffer.concat([header({ flags: RESPONSE, an: 1 }), Q, opt()])],
    ['OPT in the authority section', Buffer.concat([header({ flags: RESPONSE, ns: 1 }), Q, opt()])],
    ['two OPT records', Buffer.concat([header({ flags: RESPONSE, ar: 2 }), Q, opt(), opt()])],
  ] as const)('rejects %s', (_l, buf) => {
    expect(typeof parseReply(buf)).toBe('string');
  });

  it('never throws and keeps every offset inside the buffer on 10,000 random and mutated replies', () => {
    const rand = prng(0xbeef);
    const base = Buffer.concat([
      header({ flags: RESPONSE, an: 2, ns: 1, ar: 1 }),
      Q,
      record(PTR_Q, 5, Buffer.concat([Buffer.from([3, 0x63, 0x64, 0x6e]), Buffer.from([0xc0, 12 + 8])])),
      record(PTR_Q, 1, Buffer.from([1, 2, 3, 4])),
      record(PTR_Q, 6, soaRdata(5)),
      opt(),
    ]);
    expect(typeof parseReply(base)).toBe('object');
    let parsed = 0;
    for (let i = 0; i < 10_000; i++) {
      const buf = i % 2 === 0 ? mutate(base, rand) : randomPacket(rand, 300);
      if (i % 2 === 1 && buf.length >= 4) buf[2] = buf[2]! | 0x80;
      const r = parseReply(buf);
      if (typeof r === 'string') continue;
      parsed++;
      expect(r.questionEnd).toBeLessThanOrEqual(buf.length);
      for (const o of r.ttlOffsets) expect(o + 4).toBeLessThanOrEqual(buf.length);
      expect(r.optStart).toBeLessThan(buf.length);
      const stripped = stripOpt(buf, r);
      expect(stripped.length).toBeLessThanOrEqual(buf.length);
      // Scrubbing out-of-chain records never throws and yields a message that reads back.
      const clean = cleanReply(buf, r);
      if (typeof clean !== 'string') expect(typeof parseReply(clean.message)).toBe('object');
    }
    expect(parsed).toBeGreaterThan(100);
  });
});
