/**
 * The safe-search stage alone, with a fake next that answers for the enforced host. The composed
 * message is decoded with dns2 (an independent decoder), never with our own reader.
 */
import dns2 from 'dns2';
import { describe, expect, it, vi } from 'vitest';
import { Flag, QType, Rcode } from '../../../src/dns/constants.js';
import { buildQuery, buildResponse, QNAME_POINTER, type RecordSpec } from '../../../src/dns/message-builder.js';
import { encodeName } from '../../../src/dns/name-codec.js';
import { parseQuery, type ParsedQuery } from '../../../src/dns/query-reader.js';
import { DEFAULT_SAFE_SEARCH_TARGETS, GOOGLE_SAFE_HOST, YOUTUBE_MODERATE_HOST } from '../../../src/resolver/safe-search-hosts.js';
import { createSafeSearchStage, SAFE_SEARCH_CNAME_TTL } from '../../../src/resolver/stages/safe-search.js';
import type { DnsQuery, Next, Requester, Resolution } from '../../../src/resolver/types.js';

// dns2's typings do not cover Packet's record shapes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { Packet } = dns2 as any;

function requester(on: boolean): Requester {
  return { deviceId: 'ip:192.0.2.20', deviceName: 'tablet', profileId: 'child', decide: () => null, isSafeSearchOn: vi.fn(() => on) };
}

/** A client query as the server builds it (question bytes as sent, case preserved). */
function q(name: string, type: number = QType.A, who: Requester | null = requester(true), flags: number = Flag.RD): DnsQuery {
  const raw = buildQuery({ id: 4242, name, type, flags });
  const p = parseQuery(raw) as ParsedQuery;
  const client = { ip: '192.0.2.20', port: 5353, transport: 'udp' as const };
  const question = raw.subarray(12, p.questionEnd);
  return { id: p.id, name: p.name, type: p.type, qclass: p.qclass, flags: p.flags, question, edns: null, client, receivedAt: 1_700_000_000_000, requester: who };
}

const a = (ip: string, ttl: number): RecordSpec => ({ owner: QNAME_POINTER, type: QType.A, qclass: 1, ttl, rdata: Buffer.from(ip.split('.').map(Number)) });
const aaaa = (ttl: number): RecordSpec => ({ owner: QNAME_POINTER, type: QType.AAAA, qclass: 1, ttl, rdata: Buffer.from('20010db8000000000000000000000001', 'hex') });

/** What the cache/forward stages would return for the target query. */
function innerAnswer(tq: DnsQuery, answers: RecordSpec[], opts: { rcode?: number; authority?: RecordSpec[]; outcome?: Resolution['outcome'] } = {}): Resolution {
  const message = buildResponse({ id: tq.id, queryFlags: tq.flags, rcode: opts.rcode ?? Rcode.NOERROR, question: tq.question, answers, authority: opts.authority ?? [] });
  return { outcome: opts.outcome ?? 'forwarded', message, cnames: [] };
}

function soa(ttl: number): RecordSpec {
  const rdata = Buffer.concat([encodeName('ns1.google.com'), encodeName('dns-admin.google.com'), Buffer.alloc(20, 0)]);
  rdata.writeUInt32BE(ttl, rdata.length - 4);
  return { owner: Buffer.from([0xc0, 12 + 16]), type: QType.SOA, qclass: 1, ttl, rdata }; // owner: google.com inside the QNAME
}

const decode = (r: Resolution) => Packet.parse(r.message);

describe('safe-search stage: rewriting', () => {
  it('answers www.google.fr with a CNAME to forcesafesearch.google.com, then its A records', () => {
    const query = q('WWW.Google.FR');
    const next = vi.fn((tq: DnsQuery) => innerAnswer(tq, [a('192.0.2.7', 120), a('192.0.2.8', 200)]));
    const res = createSafeSearchStage().run(query, next) as Resolution;

    expect(next).toHaveBeenCalledOnce();
    const tq = next.mock.calls[0]![0];
    expect(tq).toMatchObject({ id: 4242, name: GOOGLE_SAFE_HOST, type: QType.A, qclass: 1, flags: query.flags, client: query.client, receivedAt: query.receivedAt });
    expect(tq.requester).toBe(query.requester);
    expect(Buffer.from(tq.question)).toEqual(Buffer.concat([encodeName(GOOGLE_SAFE_HOST), Buffer.from([0, 1, 0, 1])]));

    const d = decode(res);
    expect(d.header).toMatchObject({ id: 4242, qr: 1, rd: 1, ra: 1, rcode: 0 });
    expect(d.questions).toEqual([expect.objectContaining({ name: 'WWW.Google.FR', type: QType.A, class: 1 })]);
    expect(d.answers).toHaveLength(3);
    expect(d.answers[0]).toMatchObject({ name: 'WWW.Google.FR', type: QType.CNAME, domain: GOOGLE_SAFE_HOST, ttl: 120 });
    expect(d.answers.slice(1).map((r: { name: string; address: string; ttl: number }) => [r.name, r.address, r.ttl])).toEqual([
      [GOOGLE_SAFE_HOST, '192.0.2.7', 120],
      [GOOGLE_SAFE_HOST, '192.0.2.8', 200],
    ]);
    expect(res.outcome).toBe('forwarded');
    expect(res.cnames).toEqual([GOOGLE_SAFE_HOST]);
  });

  it('caps the CNAME TTL at 300 s and follows an async next for AAAA', async () => {
    const next: Next = (tq) => Promise.resolve(innerAnswer(tq, [aaaa(3600)]));
    const res = await createSafeSearchStage().run(q('www.google.co.uk', QType.AAAA), next);
    const d = decode(res);
    expect(d.answers[0]).toMatchObject({ type: QType.CNAME, domain: GOOGLE_SAFE_HOST, ttl: SAFE_SEARCH_CNAME_TTL });
    expect(d.answers[1]).toMatchObject({ name: GOOGLE_SAFE_HOST, type: QType.AAAA, address: '2001:db8::1', ttl: 3600 });
  });

  it('carries the inner outcome, EDE and CNAME chain (cached, stale)', () => {
    const next: Next = (tq) => ({ ...innerAnswer(tq, [a('192.0.2.9', 30)], { outcome: 'stale' }), ede: { code: 3, text: 'stale' }, cnames: ['youtube-ui.l.google.com'] });
    const res = createSafeSearchStage().run(q('www.youtube.com'), next) as Resolution;
    expect(res.outcome).toBe('stale');
    expect(res.ede).toEqual({ code: 3, text: 'stale' });
    expect(res.cnames).toEqual(['restrict.youtube.com', 'youtube-ui.l.google.com']);
  });

  it('takes the YouTube target from its deps (moderate for an older child)', () => {
    const stage = createSafeSearchStage({ targets: { ...DEFAULT_SAFE_SEARCH_TARGETS, youtube: YOUTUBE_MODERATE_HOST } });
    const next = vi.fn((tq: DnsQuery) => innerAnswer(tq, [a('192.0.2.10', 60)]));
    const res = stage.run(q('m.youtube.com'), next) as Resolution;
    expect(next.mock.calls[0]![0].name).toBe(YOUTUBE_MODERATE_HOST);
    expect(decode(res).answers[0].domain).toBe(YOUTUBE_MODERATE_HOST);
  });

  it('keeps RD clear when the client did not set it', () => {
    const res = createSafeSearchStage().run(q('www.bing.com', QType.A, requester(true), 0), (tq) => innerAnswer(tq, [a('192.0.2.11', 60)])) as Resolution;
    expect(decode(res).header).toMatchObject({ rd: 0, ra: 1 });
    expect(decode(res).answers[0].domain).toBe('strict.bing.com');
  });

  it.each([QType.HTTPS, QType.SVCB])('answers type %i with the CNAME and the target’s own records, copied byte for byte', (type) => {
    const svcb = Buffer.from([0, 1, 0, 0, 1, 0, 3, 2, 0x68, 0x32]); // priority 1, target ".", alpn=h2
    const next = vi.fn((tq: DnsQuery) => innerAnswer(tq, [{ owner: QNAME_POINTER, type, qclass: 1, ttl: 60, rdata: svcb }]));
    const res = createSafeSearchStage().run(q('duckduckgo.com', type), next) as Resolution;
    expect(next.mock.calls[0]![0]).toMatchObject({ name: 'safe.duckduckgo.com', type });
    const d = decode(res);
    expect(d.answers[0]).toMatchObject({ type: QType.CNAME, domain: 'safe.duckduckgo.com', ttl: 60 });
    expect(d.answers[1]).toMatchObject({ name: 'safe.duckduckgo.com', type });
    expect(Buffer.from(d.answers[1].data)).toEqual(svcb);
  });

  it('answers a CNAME query with the CNAME alone, without asking next (RFC 1034 §3.6.2)', () => {
    const next = vi.fn();
    const res = createSafeSearchStage().run(q('www.google.com', QType.CNAME), next) as Resolution;
    expect(next).not.toHaveBeenCalled();
    expect(decode(res).answers).toEqual([expect.objectContaining({ name: 'www.google.com', type: QType.CNAME, domain: GOOGLE_SAFE_HOST, ttl: 300 })]);
    expect(res.cnames).toEqual([GOOGLE_SAFE_HOST]);
  });
});

describe('safe-search stage: passing through', () => {
  it.each([
    ['SafeSearch off', q('www.google.com', QType.A, requester(false))],
    ['no requester', q('www.google.com', QType.A, null)],
    ['not a search host', q('maps.google.com')],
  ])('%s: next gets the original query and its answer is returned as is', (_label, query) => {
    const answer: Resolution = { outcome: 'forwarded', message: Buffer.from('x') };
    const next = vi.fn(() => answer);
    expect(createSafeSearchStage().run(query, next)).toBe(answer);
    expect(next).toHaveBeenCalledWith(query);
  });

  it('asks the profile only for names that have a target', () => {
    const who = requester(true);
    createSafeSearchStage().run(q('example.org', QType.A, who), () => ({ outcome: 'forwarded', message: Buffer.alloc(0) }));
    expect(who.isSafeSearchOn).not.toHaveBeenCalled();
    createSafeSearchStage().run(q('www.google.com', QType.A, who), (tq) => innerAnswer(tq, []));
    expect(who.isSafeSearchOn).toHaveBeenCalledWith(1_700_000_000_000);
  });
});

describe('safe-search stage: failures and negative answers', () => {
  it.each([Rcode.SERVFAIL, Rcode.REFUSED])('turns an inner rcode %i into SERVFAIL for the client’s question', (rcode) => {
    const res = createSafeSearchStage().run(q('www.Google.de'), (tq) => innerAnswer(tq, [], { rcode })) as Resolution;
    const d = decode(res);
    expect(res.outcome).toBe('servfail');
    expect(d.header).toMatchObject({ id: 4242, rcode: Rcode.SERVFAIL });
    expect(d.questions[0].name).toBe('www.Google.de');
    expect(d.answers).toHaveLength(0);
  });

  it('keeps the inner EDE on that SERVFAIL (why the target failed)', () => {
    const ede = { code: 22, text: 'no upstream answered' };
    const res = createSafeSearchStage().run(q('www.google.com'), (tq) => ({ ...innerAnswer(tq, [], { rcode: Rcode.SERVFAIL, outcome: 'servfail' }), ede })) as Resolution;
    expect(res).toMatchObject({ outcome: 'servfail', ede });
  });

  it('SERVFAILs on an inner message it cannot read', () => {
    const res = createSafeSearchStage().run(q('www.google.com'), () => ({ outcome: 'forwarded', message: Buffer.from([1, 2, 3]) })) as Resolution;
    expect(res.outcome).toBe('servfail');
  });

  it('NODATA for the target: CNAME with 300 s, SOA kept in authority, NS dropped', () => {
    const ns: RecordSpec = { owner: Buffer.from([0xc0, 28]), type: QType.NS, qclass: 1, ttl: 600, rdata: encodeName('ns1.google.com') };
    const res = createSafeSearchStage().run(q('www.google.com', QType.AAAA), (tq) => innerAnswer(tq, [], { authority: [soa(60), ns] })) as Resolution;
    const d = decode(res);
    expect(d.header.rcode).toBe(0);
    expect(d.answers).toEqual([expect.objectContaining({ type: QType.CNAME, domain: GOOGLE_SAFE_HOST, ttl: 300 })]);
    expect(d.authorities).toEqual([expect.objectContaining({ name: 'google.com', type: QType.SOA, primary: 'ns1.google.com', admin: 'dns-admin.google.com', minimum: 60 })]);
  });

  it('keeps NXDOMAIN of the target with the CNAME (RFC 6604 §2: the rcode is about the chain’s end)', () => {
    const res = createSafeSearchStage().run(q('www.google.com'), (tq) => innerAnswer(tq, [], { rcode: Rcode.NXDOMAIN, authority: [soa(30)] })) as Resolution;
    const d = decode(res);
    expect(d.header.rcode).toBe(Rcode.NXDOMAIN);
    expect(d.answers[0]).toMatchObject({ type: QType.CNAME, domain: GOOGLE_SAFE_HOST });
    expect(d.authorities[0]).toMatchObject({ type: QType.SOA, minimum: 30 });
  });
});

describe('safe-search stage: compressed inner answers', () => {
  // Inner message for forcesafesearch.google.com: QNAME at offset 12 (28 octets: 15 "forcesafesearch",
  // 6 "google", 3 "com", root), so "google.com" starts at 12 + 16 = 28 (0x1c); question ends at 44.
  // Answer 1 at 44: owner C00C, 10 octets, RDATA at 56 (0x38) = "edge" + pointer to 28.
  // Answer 2: owner pointer to 56 (edge.google.com). In the client's message those offsets hold
  // other bytes: copied as they are, every pointer would dangle.
  const chain = (tq: DnsQuery): Resolution => {
    const cname: RecordSpec = { owner: QNAME_POINTER, type: QType.CNAME, qclass: 1, ttl: 250, rdata: Buffer.from([4, ...Buffer.from('edge'), 0xc0, 0x1c]) };
    const addr: RecordSpec = { owner: Buffer.from([0xc0, 0x38]), type: QType.A, qclass: 1, ttl: 90, rdata: Buffer.from([192, 0, 2, 12]) };
    return { ...innerAnswer(tq, [cname, addr]), cnames: ['edge.google.com'] };
  };

  it('re-encodes owners and CNAME targets in full', () => {
    const res = createSafeSearchStage().run(q('www.google.com.br'), chain) as Resolution;
    const d = decode(res);
    expect(d.answers.map((r: { name: string; type: number; domain?: string; address?: string; ttl: number }) => [r.name, r.type, r.domain ?? r.address, r.ttl])).toEqual([
      ['www.google.com.br', QType.CNAME, GOOGLE_SAFE_HOST, 90],
      [GOOGLE_SAFE_HOST, QType.CNAME, 'edge.google.com', 250],
      ['edge.google.com', QType.A, '192.0.2.12', 90],
    ]);
    expect(res.cnames).toEqual([GOOGLE_SAFE_HOST, 'edge.google.com']);
  });

  it('decompresses names inside MX RDATA (after the preference)', () => {
    const mx = (tq: DnsQuery): Resolution =>
      innerAnswer(tq, [{ owner: QNAME_POINTER, type: QType.MX, qclass: 1, ttl: 300, rdata: Buffer.from([0, 10, 4, ...Buffer.from('smtp'), 0xc0, 0x1c]) }]);
    const d = decode(createSafeSearchStage().run(q('www.google.com', QType.MX), mx) as Resolution);
    expect(d.answers[1]).toMatchObject({ name: GOOGLE_SAFE_HOST, type: QType.MX, exchange: 'smtp.google.com', priority: 10 });
  });
});
