/** The answer cache with an injected clock: TTL countdown, clamps, negative caching, LRU, stale. */
import { describe, expect, it } from 'vitest';
import { Flag, QType, Rcode } from '../../src/dns/constants.js';
import { buildQuery, buildResponse, QNAME_POINTER, type RecordSpec } from '../../src/dns/message-builder.js';
import { encodeName } from '../../src/dns/name-codec.js';
import { parseQuery, type ParsedQuery } from '../../src/dns/query-reader.js';
import { parseReply, type ParsedReply } from '../../src/dns/reply-reader.js';
import { createAnswerCache, isCacheable } from '../../src/resolver/answer-cache.js';
import type { DnsQuery } from '../../src/resolver/types.js';

function query(name: string, id = 7): DnsQuery {
  const raw = buildQuery({ id, name, type: QType.A });
  const p = parseQuery(raw) as ParsedQuery;
  return { id, name: p.name, type: p.type, qclass: 1, flags: p.flags, question: raw.subarray(12, p.questionEnd), edns: null, client: { ip: '127.0.0.1', port: 1, transport: 'udp' }, receivedAt: 0 };
}

const a = (ttl: number): RecordSpec => ({ owner: QNAME_POINTER, type: QType.A, qclass: 1, ttl, rdata: Buffer.from([127, 0, 0, 1]) });
function soa(ttl: number, minimum: number): RecordSpec {
  const names = Buffer.concat([encodeName('ns.test'), encodeName('h.test')]);
  const tail = Buffer.alloc(20);
  tail.writeUInt32BE(minimum, 16);
  return { owner: encodeName('test'), type: QType.SOA, qclass: 1, ttl, rdata: Buffer.concat([names, tail]) };
}
function reply(q: DnsQuery, rcode: number, answers: RecordSpec[], authority: RecordSpec[] = [], flags = 0): Buffer {
  const m = buildResponse({ id: q.id, queryFlags: q.flags, rcode, question: q.question, answers, authority });
  m.writeUInt16BE(m.readUInt16BE(2) | flags, 2);
  return m;
}
const ttlsOf = (m: Buffer): number[] => (parseReply(m) as ParsedReply).ttlOffsets.map((o) => m.readUInt32BE(o));

const opts = { maxEntries: 3, minTtl: 0, maxTtl: 3600, negativeMaxTtl: 900, staleTtl: 30, maxStale: 600 };

describe('answer cache', () => {
  it('counts TTLs down and patches the ID of each client', () => {
    let now = 1_000_000;
    const cache = createAnswerCache({ ...opts, clock: () => now });
    const q = query('example.org');
    cache.set('k', reply(q, 0, [a(100), a(40)]));
    now += 15_000;
    const out = cache.render(cache.get('k')!, query('EXAMPLE.org', 99))!;
    expect(out.readUInt16BE(0)).toBe(99);
    expect(ttlsOf(out)).toEqual([85, 25]);
    expect(out.subarray(12, 20).toString('latin1')).toContain('EXAMPLE');
  });

  it('expires at the smallest answer TTL, then serves stale with TTL 30 until maxStale', () => {
    let now = 0;
    const cache = createAnswerCache({ ...opts, clock: () => now });
    cache.set('k', reply(query('x.org'), 0, [a(60)]));
    now = 59_000;
    expect(cache.isFresh(cache.get('k')!)).toBe(true);
    now = 61_000;
    const hit = cache.get('k')!;
    expect(cache.isFresh(hit)).toBe(false);
    expect(ttlsOf(cache.render(hit, query('x.org'))!)).toEqual([30]);
    now = 61_000 + 600_000;
    expect(cache.get('k')).toBeUndefined();
  });

  it.each([
    ['NXDOMAIN with SOA', Rcode.NXDOMAIN, [], [soa(300, 120)], { ok: true, ttl: 120 }],
    ['NODATA with SOA, capped', Rcode.NOERROR, [], [soa(5000, 4000)], { ok: true, ttl: 900 }],
    ['NXDOMAIN without SOA', Rcode.NXDOMAIN, [], [], { ok: false }],
    ['SERVFAIL', Rcode.SERVFAIL, [], [], { ok: false }],
    ['TTL 0', Rcode.NOERROR, [a(0)], [], { ok: false }],
    ['TTL above max', Rcode.NOERROR, [a(999_999)], [], { ok: true, ttl: 3600 }],
  ] as const)('%s', (_label, rcode, answers, authority, expected) => {
    const parsed = parseReply(reply(query('n.test'), rcode, [...answers], [...authority])) as ParsedReply;
    expect(isCacheable(parsed, opts)).toMatchObject(expected);
  });

  it('never caches a truncated answer', () => {
    const cache = createAnswerCache({ ...opts, clock: () => 0 });
    expect(cache.set('k', reply(query('t.org'), 0, [a(60)], [], Flag.TC)).ok).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('evicts an entry not used since the last sweep past maxEntries (CLOCK)', () => {
    const cache = createAnswerCache({ ...opts, clock: () => 0 });
    for (const k of ['a', 'b', 'c']) cache.set(k, reply(query(`${k}.org`), 0, [a(60)]));
    cache.get('a');
    cache.set('d', reply(query('d.org'), 0, [a(60)]));
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
  });

  it('applies the minimum TTL clamp', () => {
    const cache = createAnswerCache({ ...opts, minTtl: 30, clock: () => 0 });
    cache.set('k', reply(query('m.org'), 0, [a(5)]));
    expect(ttlsOf(cache.render(cache.get('k')!, query('m.org'))!)).toEqual([30]);
  });
});

describe('answer cache bookkeeping', () => {
  it('stays bounded when the same names are stored again and again', () => {
    const cache = createAnswerCache({ ...opts, maxEntries: 100, clock: () => 0 });
    for (let round = 0; round < 200; round++) for (let i = 0; i < 50; i++) cache.set(`k${i}`, reply(query(`n${i}.org`), 0, [a(60)]));
    expect(cache.size).toBe(50);
    for (let i = 0; i < 5000; i++) cache.set(`x${i}`, reply(query(`x${i}.org`), 0, [a(60)]));
    expect(cache.size).toBe(100);
    expect(cache.get('x4999')).toBeDefined();
  });
});
