/**
 * The question's chain in an upstream reply (answer-chain.ts via parseReply) and the scrubbed
 * rewrite (reply-scrub.ts): which names are inspected, which records go, and that the rewritten
 * message decodes with dns2 (an independent decoder) even when a kept record's names pointed into
 * a dropped one.
 */
import dns2 from 'dns2';
import { describe, expect, it } from 'vitest';
import { parseReply } from '../../src/dns/reply-reader.js';
import { ok, PTR_Q, RESPONSE } from './reply-helpers.js';
import { cleanReply } from '../../src/dns/reply-scrub.js';
import { sameNameAt } from '../../src/dns/name-codec.js';
import { AFTER_Q, Q, header, record, wireName } from '../helpers/hostile-corpus.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { Packet } = dns2 as any;


/** A reply to `qname`/`qtype` encoded by dns2 with the given answer and additional records. */
function reply(qname: string, qtype: number, answers: object[], additionals: object[] = []): Buffer {
  const p = new Packet();
  p.header.qr = 1;
  p.header.id = 7;
  p.questions = [{ name: qname, type: qtype, class: 1 }];
  p.answers = answers.map((a) => ({ class: 1, ttl: 60, ...a }));
  p.additionals = additionals.map((a) => ({ class: 1, ttl: 60, ...a }));
  return p.toBuffer();
}

const name = (s: string): Buffer => (s === '' ? Buffer.from([0]) : wireName(...s.split('.')));

describe('plain answers', () => {
  it('an A answer owned by the question (compressed or not) is not analysed: no names, nothing to scrub', () => {
    const compressed = Buffer.concat([header({ flags: RESPONSE, an: 2 }), Q, record(PTR_Q, 1, Buffer.from([1, 2, 3, 4])), record(PTR_Q, 1, Buffer.from([1, 2, 3, 5]))]);
    for (const buf of [compressed, reply('Example.Test', 1, [{ name: 'example.TEST', type: 1, address: '127.1.0.1' }])]) {
      const r = ok(buf);
      expect(r.cnames).toHaveLength(0);
      expect(r.scrub).toBeNull();
    }
  });

  it('sameNameAt compares wire names through pointers, ignoring case', () => {
    const buf = Buffer.concat([header(), Q, name('EXAMPLE.test'), Buffer.from([3, 0x77, 0x77, 0x77, 0xc0, 12]), name('example.tes')]);
    expect(sameNameAt(buf, 12, AFTER_Q)).toBe(true);
    expect(sameNameAt(buf, AFTER_Q, AFTER_Q + 14)).toBe(false);
    expect(sameNameAt(buf, 12, AFTER_Q + 20)).toBe(false);
    expect(sameNameAt(Buffer.from([0xc0, 0]), 0, 0)).toBe(false);
  });
});

describe('the chain', () => {
  it('follows CNAMEs in any order and keeps only chain owners', () => {
    const r = ok(reply('a.test', 1, [
      { name: 'b.test', type: 1, address: '127.0.0.9' },
      { name: 'a.test', type: 5, domain: 'b.test' },
      { name: 'elsewhere.test', type: 1, address: '127.0.0.8' },
    ]));
    expect(r.cnames).toEqual(['b.test']);
    expect(r.scrub).toEqual([false, false, true]);
  });

  it('synthesizes DNAME names even without the synthesized CNAME, and inspects the target', () => {
    const r = ok(reply('www.old.test', 1, [
      { name: 'old.test', type: 39, data: name('new.example') },
      { name: 'www.new.example', type: 1, address: '127.0.0.9' },
    ]));
    expect(r.cnames).toEqual(['new.example', 'www.new.example']);
    expect(r.scrub).toBeNull();
  });

  it('drops a DNAME that does not apply to the question', () => {
    const r = ok(reply('www.a.test', 1, [
      { name: 'www.a.test', type: 1, address: '127.0.0.9' },
      { name: 'other.test', type: 39, data: name('blocked.example') },
    ]));
    expect(r.scrub).toEqual([false, true]);
    expect(r.cnames).toEqual([]);
  });

  it('inspects SVCB/HTTPS TargetNames; "." adds nothing; AliasMode targets join the chain', () => {
    const svcb = (prio: number, target: string): Buffer => Buffer.concat([Buffer.from([0, prio]), name(target), Buffer.from([0, 4, 0, 4, 127, 0, 0, 1])]);
    const service = ok(reply('s.test', 65, [{ name: 's.test', type: 65, data: svcb(1, 'cdn.example') }], [{ name: 'cdn.example', type: 1, address: '127.0.0.2' }, { name: 'x.example', type: 1, address: '127.0.0.3' }]));
    expect(service.cnames).toEqual(['cdn.example']);
    expect(service.scrub).toEqual([false, false, true]);
    expect(ok(reply('s.test', 65, [{ name: 's.test', type: 65, data: svcb(1, '') }])).cnames).toEqual([]);
    const alias = ok(reply('s.test', 65, [{ name: 's.test', type: 65, data: svcb(0, 'pool.example') }, { name: 'pool.example', type: 65, data: svcb(1, '') }]));
    expect(alias.cnames).toEqual(['pool.example']);
    expect(alias.scrub).toBeNull();
  });

  it('bounds the work of a hostile reply: 100 DNAME records are refused, a DNAME loop stops at the chain cap', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ name: `d${i}.test`, type: 39, data: name(`t${i}.example`) }));
    expect(parseReply(reply('a.d1.test', 1, many))).toBe('too many CNAME/DNAME/SVCB records');
    // x.loop → x.x.loop → …: each synthesized name is again under the DNAME owner.
    const loop = ok(reply('x.loop', 1, [{ name: 'loop', type: 39, data: name('x.loop') }]));
    expect(loop.cnames.length).toBeLessThanOrEqual(33);
    expect(loop.scrub).toBeNull();
  });

  it('rejects a DNAME or SVCB whose target does not read', () => {
    expect(typeof parseReply(reply('a.test', 1, [{ name: 'test', type: 39, data: Buffer.from([3, 0x61]) }]))).toBe('string');
    expect(typeof parseReply(reply('a.test', 65, [{ name: 'a.test', type: 65, data: Buffer.from([0, 1, 0xc0, 0xff]) }]))).toBe('string');
  });
});

describe('scrubbing', () => {
  it('rewrites without the dropped records; a kept record whose owner pointed into a dropped one still decodes (dns2)', () => {
    // Answer 1 (dropped): x.other.test A; answer 2: a CNAME whose target is "b." + pointer to
    // "other.test" inside answer 1's owner, so dropping answer 1 breaks the pointer unless rewritten.
    const ans1Owner = wireName('x', 'other', 'test');
    const ans1 = record(ans1Owner, 1, Buffer.from([127, 6, 6, 6]));
    const otherAt = AFTER_Q + 2; // "other.test" inside answer 1's owner
    const target = Buffer.concat([Buffer.from([1, 0x62]), Buffer.from([0xc0, otherAt])]);
    const ans2 = record(PTR_Q, 5, target);
    const ans3 = record(Buffer.from([0xc0, AFTER_Q + ans1.length + 12]), 1, Buffer.from([127, 1, 0, 1]));
    const buf = Buffer.concat([header({ flags: RESPONSE, an: 3 }), Q, ans1, ans2, ans3]);
    const r = ok(buf);
    expect(r.cnames).toEqual(['b.other.test']);
    expect(r.scrub).toEqual([true, false, false]);
    const clean = cleanReply(buf, r);
    if (typeof clean === 'string') throw new Error(clean);
    expect(clean.reply.scrub).toBeNull();
    expect(clean.reply.cnames).toEqual(['b.other.test']);
    const decoded = Packet.parse(clean.message);
    expect(decoded.answers.map((a: { name: string; type: number }) => [a.name, a.type])).toEqual([['example.test', 5], ['b.other.test', 1]]);
    expect(decoded.answers[0].domain).toBe('b.other.test');
    expect(decoded.answers[1].address).toBe('127.1.0.1');
    expect(clean.message.includes(Buffer.from([127, 6, 6, 6]))).toBe(false);
  });
});
