/** Each stage alone, with a fake next: what it answers, and whether next ran. */
import { describe, expect, it, vi } from 'vitest';
import { QType, Rcode } from '../../src/dns/constants.js';
import { buildQuery } from '../../src/dns/message-builder.js';
import { parseQuery, type ParsedQuery } from '../../src/dns/query-reader.js';
import { createPolicyHolder, snapshotFromMatcher } from '../../src/policy/snapshot.js';
import { createCounters } from '../../src/resolver/counters.js';
import { createRateLimiter } from '../../src/resolver/rate-limiter.js';
import { createBlockStage } from '../../src/resolver/stages/block.js';
import { createGuardStage } from '../../src/resolver/stages/guard.js';
import { createLocalNamesStage } from '../../src/resolver/stages/local-names.js';
import { createRecordStage } from '../../src/resolver/stages/record.js';
import type { BlockDecision, DnsQuery, Resolution } from '../../src/resolver/types.js';
import { UpstreamError } from '../../src/resolver/upstream-error.js';

function q(name: string, type: number = QType.A, ip = '192.168.1.20', qclass = 1): DnsQuery {
  const raw = buildQuery({ id: 42, name, type, qclass });
  const p = parseQuery(raw) as ParsedQuery;
  return { id: p.id, name: p.name, type: p.type, qclass: p.qclass, flags: p.flags, question: raw.subarray(12, p.questionEnd), edns: null, client: { ip, port: 5000, transport: 'udp' }, receivedAt: 0 };
}

const forwarded = (query: DnsQuery, cnames: string[] = []): Resolution => ({ outcome: 'forwarded', message: Buffer.from(query.question), cnames });
const rcodeOf = (r: Resolution): number => r.message.readUInt16BE(2) & 0xf;

const coco: BlockDecision = { action: 'sinkhole', category: 'anonymous-chat', list: 'anonymous-chat', rule: 'coco.gg', matched: '' };
const matcher = { match: (name: string) => (name === 'coco.gg' || name.endsWith('.coco.gg') ? { ...coco, matched: name } : null) };

describe('block', () => {
  const policy = createPolicyHolder(snapshotFromMatcher(matcher, 'null', 0));
  const stage = createBlockStage({ policy });

  it('answers a blocked name itself and never calls next', () => {
    const next = vi.fn();
    const res = stage.run(q('www.coco.gg'), next) as Resolution;
    expect(next).not.toHaveBeenCalled();
    expect(res.outcome).toBe('blocked');
    expect(res.decision?.rule).toBe('coco.gg');
  });

  it('delegates an allowed name and blocks when a CNAME target is blocked', async () => {
    const query = q('cloak.example');
    const res = await stage.run(query, (x) => Promise.resolve(forwarded(x, ['edge.coco.gg'])));
    expect(res.outcome).toBe('blocked');
    expect(res.decision?.matched).toBe('edge.coco.gg');
  });

  it('passes an allowed answer through untouched', () => {
    const query = q('example.org');
    const answer = forwarded(query, ['cdn.example.net']);
    expect(stage.run(query, () => answer)).toBe(answer);
  });

  it('applies a swapped snapshot on the very next query', () => {
    const holder = createPolicyHolder(snapshotFromMatcher(matcher, 'null', 0));
    const s = createBlockStage({ policy: holder });
    holder.swap(snapshotFromMatcher({ match: () => null }, 'null', 1));
    const next = vi.fn((x: DnsQuery) => forwarded(x));
    expect((s.run(q('coco.gg'), next) as Resolution).outcome).toBe('forwarded');
    expect(next).toHaveBeenCalledOnce();
  });

  it.each([
    ['null', QType.A, Rcode.NOERROR],
    ['nxdomain', QType.A, Rcode.NXDOMAIN],
    ['refused', QType.A, Rcode.REFUSED],
    ['null', QType.MX, Rcode.NOERROR],
  ] as const)('block mode %s answers type %i with rcode %i', (mode, type, rcode) => {
    const s = createBlockStage({ policy: createPolicyHolder(snapshotFromMatcher(matcher, mode, 0)) });
    expect(rcodeOf(s.run(q('coco.gg', type), vi.fn()) as Resolution)).toBe(rcode);
  });
});

describe('guard', () => {
  const make = (qps = 100) =>
    createGuardStage({ isAllowedClient: (ip) => ip.startsWith('192.168.'), rateLimiter: createRateLimiter({ qps, clock: () => 0 }) });

  it('refuses clients outside the allowed networks without calling next', () => {
    const next = vi.fn();
    const res = make().run(q('example.org', QType.A, '203.0.113.5'), next) as Resolution;
    expect(res.outcome).toBe('refused');
    expect(rcodeOf(res)).toBe(Rcode.REFUSED);
    expect(next).not.toHaveBeenCalled();
  });

  it('rate-limits one client after its burst', () => {
    const stage = make(5);
    const outcomes = Array.from({ length: 20 }, () => (stage.run(q('a.example'), (x) => forwarded(x)) as Resolution).outcome);
    expect(outcomes.filter((o) => o === 'forwarded')).toHaveLength(10);
    expect(outcomes.filter((o) => o === 'rate-limited')).toHaveLength(10);
  });

  it('answers ANY minimally and CHAOS with NOTIMP', () => {
    const next = vi.fn();
    const any = make().run(q('example.org', QType.ANY), next) as Resolution;
    expect(any.message.readUInt16BE(6)).toBe(1);
    expect(rcodeOf(make().run(q('version.bind', QType.TXT, '192.168.1.2', 3), next) as Resolution)).toBe(Rcode.NOTIMP);
    expect(next).not.toHaveBeenCalled();
  });
});

describe('local names', () => {
  const stage = createLocalNamesStage();
  it.each([
    ['localhost', 'local', Rcode.NOERROR],
    ['printer.local', 'local', Rcode.NXDOMAIN],
    ['_dns.resolver.arpa', 'local', Rcode.NXDOMAIN],
    ['1.1.168.192.in-addr.arpa', 'local', Rcode.NXDOMAIN],
    ['4.3.20.172.in-addr.arpa', 'local', Rcode.NXDOMAIN],
    ['4.3.32.172.in-addr.arpa', 'forwarded', null],
    ['example.test', 'forwarded', null],
    ['notlocal', 'forwarded', null],
  ] as const)('%s → %s', (name, outcome, rcode) => {
    const res = stage.run(q(name), (x) => forwarded(x)) as Resolution;
    expect(res.outcome).toBe(outcome);
    if (rcode !== null) expect(rcodeOf(res)).toBe(rcode);
  });
});

describe('record', () => {
  it('counts outcomes and logs blocked decisions, sync and async', async () => {
    const counters = createCounters();
    const onBlocked = vi.fn();
    const stage = createRecordStage({ counters, onBlocked });
    const blocked: Resolution = { outcome: 'blocked', message: Buffer.alloc(12), decision: coco };
    stage.run(q('coco.gg'), () => blocked);
    await stage.run(q('example.org'), (x) => Promise.resolve(forwarded(x)));
    await expect(stage.run(q('down.example'), () => Promise.reject(new UpstreamError('down')))).rejects.toThrow('down');
    expect(counters).toMatchObject({ queries: 3, blocked: 1, forwarded: 1, servfail: 1 });
    expect(onBlocked).toHaveBeenCalledWith(expect.objectContaining({ name: 'coco.gg' }), coco);
  });
});
