import { describe, expect, it } from 'vitest';
import { createRouterProxyDetector, ROUTER_PROXY_ADVICE } from '../../src/devices/router-proxy-detector.js';

const HOUR = 3_600_000;

function setup(opts: { windowMs?: number; minQueries?: number; share?: number; maxClients?: number } = {}) {
  let now = 10 * HOUR; // aligned to a bucket start
  const detector = createRouterProxyDetector({ clock: () => now, ...opts });
  const feed = (ip: string, n: number): void => {
    for (let i = 0; i < n; i++) detector.observe(ip);
  };
  return { detector, feed, advance: (ms: number) => (now += ms) };
}

describe('createRouterProxyDetector', () => {
  it.each([
    // traffic, suspected, top ip, clients
    ['all from the router', [['192.0.2.1', 600]], true, '192.0.2.1', 1],
    ['router + one hand-configured device at 5 %', [['192.0.2.1', 570], ['192.0.2.50', 30]], true, '192.0.2.1', 2],
    ['router at 90 % exactly', [['192.0.2.1', 540], ['192.0.2.50', 60]], true, '192.0.2.1', 2],
    ['router at 89 %', [['192.0.2.1', 534], ['192.0.2.50', 66]], false, '192.0.2.1', 2],
    ['too few queries', [['192.0.2.1', 499]], false, '192.0.2.1', 1],
    ['three clients', [['192.0.2.1', 598], ['192.0.2.50', 1], ['192.0.2.51', 1]], false, '192.0.2.1', 3],
    ['a normal home', [['192.0.2.20', 200], ['192.0.2.21', 200], ['2001:db8::22', 200]], false, '192.0.2.20', 3],
    ['loopback is ignored', [['127.0.0.1', 5000], ['::1', 5000], ['192.0.2.1', 500]], true, '192.0.2.1', 1],
    ['IPv6 router', [['2001:db8::1', 700]], true, '2001:db8::1', 1],
  ] as const)('%s', (_name, traffic, suspected, ip, clients) => {
    const { detector, feed } = setup();
    for (const [addr, n] of traffic) feed(addr, n);
    const v = detector.verdict();
    expect(v.suspected).toBe(suspected);
    expect(v.ip).toBe(ip);
    expect(v.clients).toBe(clients);
  });

  it('reports counts and share', () => {
    const { detector, feed } = setup();
    feed('192.0.2.1', 900);
    feed('192.0.2.50', 100);
    feed('127.0.0.1', 50);
    expect(detector.verdict()).toEqual({ suspected: true, ip: '192.0.2.1', share: 0.9, queries: 1000, clients: 2 });
  });

  it('empty: no verdict', () => {
    expect(setup().detector.verdict()).toEqual({ suspected: false, ip: null, share: 0, queries: 0, clients: 0 });
  });

  it('counts the previous half-window, then forgets it', () => {
    const { detector, feed, advance } = setup();
    feed('192.0.2.1', 300);
    advance(HOUR / 2); // new bucket; the first one is now "previous"
    feed('192.0.2.1', 300);
    expect(detector.verdict()).toMatchObject({ suspected: true, queries: 600 });
    advance(HOUR / 2); // the first bucket is dropped
    expect(detector.verdict()).toMatchObject({ suspected: false, queries: 300 });
    advance(HOUR); // idle for a whole window: everything forgotten
    expect(detector.verdict()).toMatchObject({ suspected: false, queries: 0, ip: null });
  });

  it('merges one address across both buckets', () => {
    const { detector, feed, advance } = setup();
    feed('192.0.2.1', 280);
    feed('192.0.2.50', 20);
    advance(HOUR / 2);
    feed('192.0.2.1', 290);
    feed('192.0.2.50', 10);
    expect(detector.verdict()).toEqual({ suspected: true, ip: '192.0.2.1', share: 570 / 600, queries: 600, clients: 2 });
  });

  it('a clock that steps back keeps counting in the current bucket', () => {
    const { detector, feed, advance } = setup();
    feed('192.0.2.1', 300);
    advance(-HOUR);
    feed('192.0.2.1', 300);
    expect(detector.verdict()).toMatchObject({ suspected: true, queries: 600 });
  });

  it('bounded memory: many addresses overflow into a count and rule the pattern out', () => {
    const { detector, feed } = setup({ maxClients: 16 });
    feed('192.0.2.1', 10_000);
    for (let i = 0; i < 200; i++) feed(`198.51.100.${i}`, 1);
    const v = detector.verdict();
    expect(v.suspected).toBe(false);
    expect(v.clients).toBeGreaterThan(2);
    expect(v.queries).toBe(10_200);
  });

  it('custom thresholds', () => {
    const { detector, feed } = setup({ minQueries: 10, share: 0.5 });
    feed('192.0.2.1', 6);
    feed('192.0.2.50', 4);
    expect(detector.verdict().suspected).toBe(true);
  });

  it('observe is cheap for known addresses', () => {
    const { detector, feed } = setup();
    feed('192.0.2.1', 1);
    const t = performance.now();
    feed('192.0.2.1', 1_000_000);
    expect(performance.now() - t).toBeLessThan(1_000);
    expect(detector.verdict().queries).toBe(1_000_001);
  });
});

describe('ROUTER_PROXY_ADVICE', () => {
  it('tells a parent both fixes', () => {
    expect(ROUTER_PROXY_ADVICE).toMatch(/DHCP/);
    expect(ROUTER_PROXY_ADVICE).toMatch(/DNS server/);
    expect(ROUTER_PROXY_ADVICE).toMatch(/add-mac/);
    expect(ROUTER_PROXY_ADVICE.length).toBeLessThan(400);
  });
});
