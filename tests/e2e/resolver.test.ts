/**
 * End to end over real sockets on 127.0.0.1: Vigie in front of a fake upstream on loopback.
 * Covers blocking (modes, subdomains, case, canaries, types), forwarding, caching, CNAME
 * inspection and the blocked-attempt log.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ask, decode, query, sendTcp } from '../helpers/dns-client.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestVigie, type TestVigie } from '../helpers/start-vigie.js';
import { listBlockedAttempts } from '../../src/store/blocked-attempts-query.js';

const ZONE = {
  'example.test': [{ type: 'A', value: '127.1.0.1', ttl: 120 }, { type: 'AAAA', value: '::1', ttl: 120 }],
  'short.example.test': [{ type: 'A', value: '127.1.0.2', ttl: 2 }],
  'cloak.example.test': [{ type: 'CNAME', value: 'cdn.coco.gg' }],
  'cdn.coco.gg': [{ type: 'A', value: '127.1.0.3' }],
  'alias.example.test': [{ type: 'CNAME', value: 'example.test' }],
} as const;

let upstream: FakeUpstream;
let vigie: TestVigie;

beforeAll(async () => {
  upstream = await startFakeUpstream(ZONE as never);
  vigie = await startTestVigie({ VIGIE_UPSTREAMS: upstream.url });
});
afterAll(async () => {
  await vigie.close();
  await upstream.close();
});
afterEach(() => {
  upstream.behaviour = { mode: 'answer', delayMs: 0, truncateUdp: false, spoofFirst: false, negativeTtl: 60 };
});

describe('blocking from the curated lists', () => {
  it.each([
    ['coco.gg', 'A', '0.0.0.0'],
    ['www.coco.gg', 'A', '0.0.0.0'],
    ['a.b.c.coco.gg', 'A', '0.0.0.0'],
    ['CoCo.GG', 'A', '0.0.0.0'],
    ['coco.gg.', 'A', '0.0.0.0'],
    ['omegle.com', 'AAAA', '::'],
    ['yubo.live', 'A', '0.0.0.0'],
  ] as const)('%s %s → %s with a 10 s TTL', async (name, type, address) => {
    const res = await ask(vigie.port, name, type);
    expect(res.rcode).toBe(0);
    expect(res.answers).toHaveLength(1);
    expect(res.answers[0]!.address).toBe(address);
    expect(res.answers[0]!.ttl).toBe(10);
  });

  it('answers other types of a blocked name with NODATA (no HTTPS/SVCB hints around the block)', async () => {
    for (const type of ['HTTPS', 'TXT', 'MX'] as const) {
      const res = await ask(vigie.port, 'coco.gg', type);
      expect(res.rcode).toBe(0);
      expect(res.answers).toHaveLength(0);
      expect(res.authorities[0]!.type).toBe(6);
    }
  });

  it.each(['use-application-dns.net', 'mask.icloud.com', 'mask-h2.icloud.com'])('answers the bypass canary %s with NXDOMAIN', async (name) => {
    const res = await ask(vigie.port, name, 'A');
    expect(res.rcode).toBe(3);
    expect(res.answers).toHaveLength(0);
  });

  it('does not block look-alike suffixes or shared infrastructure', async () => {
    upstream.zone.set('notcoco.gg', [{ type: 'A', value: '127.1.0.9' }]);
    upstream.zone.set('icloud.com', [{ type: 'A', value: '127.1.0.8' }]);
    expect((await ask(vigie.port, 'notcoco.gg')).answers[0]!.address).toBe('127.1.0.9');
    expect((await ask(vigie.port, 'icloud.com')).answers[0]!.address).toBe('127.1.0.8');
  });

  it('never forwards a blocked name upstream', async () => {
    const before = upstream.seen.length;
    await ask(vigie.port, 'chatroulette.com');
    expect(upstream.seen.slice(before).some((q) => q.name.toLowerCase().includes('chatroulette'))).toBe(false);
  });
});

describe('forwarding and cache', () => {
  it('forwards allowed names and answers the second time from the cache with a lower TTL', async () => {
    const first = await ask(vigie.port, 'example.test');
    expect(first.answers[0]!.address).toBe('127.1.0.1');
    const seen = upstream.seen.filter((q) => q.name === 'example.test').length;
    await new Promise((r) => setTimeout(r, 1100));
    const second = await ask(vigie.port, 'EXAMPLE.test');
    expect(second.answers[0]!.address).toBe('127.1.0.1');
    expect(second.answers[0]!.ttl).toBeLessThan(120);
    expect(upstream.seen.filter((q) => q.name === 'example.test').length).toBe(seen);
    // The question is echoed as this client asked it (case preserved).
    expect(second.raw.subarray(12, 12 + 14).toString('latin1')).toContain('EXAMPLE');
  });

  it('caches NXDOMAIN for the SOA negative TTL (RFC 2308)', async () => {
    const a = await ask(vigie.port, 'nothing-here.example.test');
    expect(a.rcode).toBe(3);
    const count = upstream.seen.filter((q) => q.name === 'nothing-here.example.test').length;
    const b = await ask(vigie.port, 'nothing-here.example.test');
    expect(b.rcode).toBe(3);
    expect(upstream.seen.filter((q) => q.name === 'nothing-here.example.test').length).toBe(count);
  });

  it('answers over TCP', async () => {
    const raw = await sendTcp(vigie.port, query('example.test', 'AAAA'));
    expect(raw).not.toBeNull();
    expect(decode(raw!).answers[0]!.address).toBe('::1');
  });

  it('retries over TCP when the upstream truncates (TC=1) and returns the full answer', async () => {
    upstream.behaviour.truncateUdp = true;
    const res = await ask(vigie.port, 'alias.example.test');
    expect(res.tc).toBe(false);
    expect(res.answers.map((a) => a.type)).toEqual([5, 1]);
    expect(upstream.seen.some((q) => q.name === 'alias.example.test' && q.transport === 'tcp')).toBe(true);
  });

  it('ignores spoofed replies with a wrong ID and still takes the real one', async () => {
    upstream.behaviour.spoofFirst = true;
    upstream.zone.set('spoof.example.test', [{ type: 'A', value: '127.1.0.7' }]);
    const before = vigie.counters.unwantedReplies;
    const res = await ask(vigie.port, 'spoof.example.test');
    expect(res.answers[0]!.address).toBe('127.1.0.7');
    expect(vigie.counters.unwantedReplies).toBeGreaterThan(before);
  });

  it('shares one upstream query between identical queries in flight', async () => {
    upstream.behaviour.delayMs = 200;
    upstream.zone.set('slow.example.test', [{ type: 'A', value: '127.1.0.6' }]);
    const results = await Promise.all(Array.from({ length: 20 }, () => ask(vigie.port, 'slow.example.test')));
    expect(results.every((r) => r.answers[0]?.address === '127.1.0.6')).toBe(true);
    expect(upstream.seen.filter((q) => q.name === 'slow.example.test')).toHaveLength(1);
  });
});

describe('CNAME inspection', () => {
  it('blocks an allowed name whose CNAME chain reaches a blocked name', async () => {
    const res = await ask(vigie.port, 'cloak.example.test');
    expect(res.answers).toHaveLength(1);
    expect(res.answers[0]!.address).toBe('0.0.0.0');
  });

  it('keeps blocking it when the chain comes from the cache', async () => {
    await ask(vigie.port, 'cloak.example.test');
    const res = await ask(vigie.port, 'cloak.example.test');
    expect(res.answers[0]!.address).toBe('0.0.0.0');
  });
});

describe('blocked-attempt log', () => {
  it('records each blocked attempt with client, name, type, category, list and rule', async () => {
    await ask(vigie.port, 'logged.coco.gg', 'AAAA');
    vigie.blockedLog.flush();
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(`${vigie.dataDir}/logs.db`, { readonly: true });
    try {
      const rows = listBlockedAttempts(db, { limit: 500 });
      const row = rows.find((r) => r.name === 'logged.coco.gg');
      expect(row).toMatchObject({ client: '127.0.0.1', qtype: 'AAAA', category: 'anonymous-chat', list: 'anonymous-chat', rule: 'coco.gg' });
      const cloak = rows.find((r) => r.name === 'cloak.example.test');
      expect(cloak?.rule).toBe('coco.gg');
    } finally {
      db.close();
    }
  });
});
