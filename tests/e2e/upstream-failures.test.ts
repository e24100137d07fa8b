/**
 * Upstream faults over real loopback sockets: failover, all upstreams down (SERVFAIL within 2 s),
 * serve-stale (RFC 8767) with an injected clock, broken replies, recovery.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ask } from '../helpers/dns-client.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestVigie, type TestVigie } from '../helpers/start-vigie.js';

const ZONE = { 'site.example.test': [{ type: 'A' as const, value: '127.3.0.1', ttl: 60 }] };

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const s of open.splice(0).reverse()) await s.close();
});

async function upstreamWith(mode: 'answer' | 'drop' | 'servfail' | 'garbage'): Promise<FakeUpstream> {
  const u = await startFakeUpstream(ZONE, { mode });
  open.push(u);
  return u;
}

async function vigieWith(env: Record<string, string>, clock?: () => number): Promise<TestVigie> {
  const v = await startTestVigie(env, clock ? { clock } : {});
  open.push(v);
  return v;
}

describe('failover', () => {
  it.each(['drop', 'servfail', 'garbage'] as const)('moves on to the next upstream when the first one answers %s', async (mode) => {
    const bad = await upstreamWith(mode);
    const good = await upstreamWith('answer');
    const vigie = await vigieWith({ VIGIE_UPSTREAMS: `${bad.url},${good.url}` });
    const res = await ask(vigie.port, 'site.example.test');
    expect(res.rcode).toBe(0);
    expect(res.answers[0]!.address).toBe('127.3.0.1');
    expect(bad.seen.length).toBeGreaterThan(0);
    expect(good.seen.length).toBeGreaterThan(0);
  });

  it('skips an upstream whose port is closed without waiting for a timeout (ICMP unreachable)', async () => {
    const closed = await upstreamWith('answer');
    const closedUrl = closed.url;
    await closed.close();
    open.splice(open.indexOf(closed), 1);
    const good = await upstreamWith('answer');
    const vigie = await vigieWith({ VIGIE_UPSTREAMS: `${closedUrl},${good.url}`, VIGIE_UPSTREAM_TIMEOUT_MS: '1000' });
    const started = Date.now();
    const res = await ask(vigie.port, 'site.example.test');
    expect(res.answers[0]!.address).toBe('127.3.0.1');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(vigie.counters.upstreamErrors).toBe(1);
  });

  it('tries a dead upstream last once it has failed', async () => {
    const dead = await upstreamWith('drop');
    const good = await upstreamWith('answer');
    good.zone.set('second.example.test', [{ type: 'A', value: '127.3.0.2' }]);
    const vigie = await vigieWith({ VIGIE_UPSTREAMS: `${dead.url},${good.url}` });
    await ask(vigie.port, 'site.example.test');
    const deadBefore = dead.seen.length;
    const res = await ask(vigie.port, 'second.example.test');
    expect(res.answers[0]!.address).toBe('127.3.0.2');
    expect(dead.seen.length).toBe(deadBefore);
  });
});

describe('all upstreams down', () => {
  it('answers SERVFAIL within 2 s for an uncached name', async () => {
    const a = await upstreamWith('drop');
    const b = await upstreamWith('drop');
    const vigie = await vigieWith({ VIGIE_UPSTREAMS: `${a.url},${b.url}` });
    const started = Date.now();
    const res = await ask(vigie.port, 'site.example.test', 'A', { timeoutMs: 5000 });
    expect(res.rcode).toBe(2);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('serves the expired answer with TTL 30 (RFC 8767) and recovers when upstream returns', async () => {
    let now = Date.parse('2026-11-28T12:00:00Z');
    const up = await upstreamWith('answer');
    const vigie = await vigieWith({ VIGIE_UPSTREAMS: up.url }, () => now);
    const fresh = await ask(vigie.port, 'site.example.test');
    expect(fresh.answers[0]!.ttl).toBe(60);
    now += 61_000; // expired
    up.behaviour.mode = 'drop';
    const stale = await ask(vigie.port, 'site.example.test', 'A', { timeoutMs: 5000 });
    expect(stale.rcode).toBe(0);
    expect(stale.answers[0]!.address).toBe('127.3.0.1');
    expect(stale.answers[0]!.ttl).toBe(30);
    expect(vigie.counters.stale).toBe(1);
    // Past the failure cache (RFC 9520), a working upstream gives fresh answers again.
    up.behaviour.mode = 'answer';
    up.zone.set('site.example.test', [{ type: 'A', value: '127.3.0.9', ttl: 60 }]);
    now += 6_000;
    const recovered = await ask(vigie.port, 'site.example.test');
    expect(recovered.answers[0]!.address).toBe('127.3.0.9');
    expect(recovered.answers[0]!.ttl).toBe(60);
  });

  it('stops serving stale past maxStale', async () => {
    let now = Date.parse('2026-11-28T12:00:00Z');
    const up = await upstreamWith('answer');
    const vigie = await vigieWith({ VIGIE_UPSTREAMS: up.url, VIGIE_CACHE_MAX_STALE: '120' }, () => now);
    await ask(vigie.port, 'site.example.test');
    up.behaviour.mode = 'drop';
    now += 60_000 + 121_000;
    const res = await ask(vigie.port, 'site.example.test', 'A', { timeoutMs: 5000 });
    expect(res.rcode).toBe(2);
  });

  it('does not hammer a failing upstream: repeated questions within 5 s reuse the failure', async () => {
    const up = await upstreamWith('servfail');
    const vigie = await vigieWith({ VIGIE_UPSTREAMS: up.url });
    await ask(vigie.port, 'site.example.test', 'A', { timeoutMs: 5000 });
    const after = up.seen.length;
    for (let i = 0; i < 5; i++) expect((await ask(vigie.port, 'site.example.test')).rcode).toBe(2);
    expect(up.seen.length).toBe(after);
  });
});

describe('upstream query hygiene', () => {
  it('uses a random ID and a randomly picked, rotating source port for each upstream query (RFC 5452)', async () => {
    const up = await upstreamWith('answer');
    const vigie = await vigieWith({ VIGIE_UPSTREAMS: up.url });
    for (let i = 0; i < 40; i++) up.zone.set(`n${i}.example.test`, [{ type: 'A', value: '127.3.1.1' }]);
    await Promise.all(Array.from({ length: 40 }, (_, i) => ask(vigie.port, `n${i}.example.test`)));
    const udp = up.seen.filter((q) => q.transport === 'udp');
    expect(udp).toHaveLength(40);
    expect(new Set(udp.map((q) => q.id)).size).toBeGreaterThanOrEqual(38);
    // 40 queries over a pool of 64 random-port sockets picked at random: about 30 distinct ports.
    expect(new Set(udp.map((q) => q.srcPort)).size).toBeGreaterThanOrEqual(20);
    expect(udp.every((q) => q.id !== 0)).toBe(true);
  });
});
