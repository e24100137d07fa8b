/**
 * Reverse lookups against a real PTR responder on 127.0.0.1 (dgram + dns2's encoder), so the
 * node:dns/c-ares path, its timeouts and the sanitizing are exercised end to end on loopback.
 */
import dgram from 'node:dgram';
import dns2 from 'dns2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createReverseLookup, firstLabel } from '../../src/devices/reverse-lookup.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { Packet } = dns2 as any;

interface PtrServer {
  port: number;
  zone: Map<string, string>;
  mode: 'answer' | 'drop' | 'garbage' | 'servfail';
  delayMs: number;
  seen: string[];
  maxOutstanding: number;
  /** Replies still to be sent (a slow reply may outlive the test that asked). */
  outstanding(): number;
  close(): Promise<void>;
}

async function startPtrServer(): Promise<PtrServer> {
  const socket = dgram.createSocket('udp4');
  let outstanding = 0;
  const state: PtrServer = {
    port: 0, zone: new Map(), mode: 'answer', delayMs: 0, seen: [], maxOutstanding: 0, outstanding: () => outstanding,
    close: () => new Promise<void>((r) => socket.close(() => r())),
  };
  socket.on('message', (msg, rinfo) => {
    const req = Packet.parse(msg);
    const q = req.questions[0];
    const name = String(q?.name ?? '').toLowerCase();
    state.seen.push(name);
    if (state.mode === 'drop') return;
    outstanding++;
    state.maxOutstanding = Math.max(state.maxOutstanding, outstanding);
    setTimeout(() => {
      outstanding--;
      if (state.mode === 'garbage') {
        socket.send(Buffer.from([msg[0]!, msg[1]!, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 0xc0]), rinfo.port, rinfo.address);
        return;
      }
      const res = new Packet();
      res.header.id = req.header.id;
      res.header.qr = 1;
      res.header.rd = req.header.rd;
      res.header.ra = 1;
      res.questions = req.questions;
      const target = state.zone.get(name);
      if (state.mode === 'servfail') res.header.rcode = 2;
      else if (target === undefined) res.header.rcode = 3;
      else res.answers.push({ name, type: Packet.TYPE.PTR, class: 1, ttl: 60, domain: target });
      socket.send(res.toBuffer(), rinfo.port, rinfo.address);
    }, state.delayMs);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  state.port = socket.address().port;
  return state;
}

const V6_PTR = '0.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa';

describe('createReverseLookup against a loopback PTR server', () => {
  let server: PtrServer;
  beforeAll(async () => {
    server = await startPtrServer();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    while (server.outstanding() > 0) await new Promise((r) => setTimeout(r, 20));
    server.mode = 'answer';
    server.delayMs = 0;
    server.seen = [];
    server.maxOutstanding = 0;
    server.zone = new Map([
      ['20.2.0.192.in-addr.arpa', 'lea-phone.lan'],
      ['21.2.0.192.in-addr.arpa', 'tv'],
      ['22.2.0.192.in-addr.arpa', '<script>alert(1)</script>.lan'],
      ['23.2.0.192.in-addr.arpa', `${'a'.repeat(63)}.home`],
      ['24.2.0.192.in-addr.arpa', 'Leas-iPhone.fritz.box'],
      [V6_PTR, 'lea-laptop.lan'],
    ]);
  });

  const lookup = (ip: string, timeoutMs = 1_500) =>
    createReverseLookup({ server: { host: '127.0.0.1', port: server.port }, timeoutMs }).lookup(ip);

  it.each([
    ['192.0.2.20', 'lea-phone'],
    ['192.0.2.21', 'tv'],
    ['192.0.2.22', null],
    ['192.0.2.23', 'a'.repeat(63)],
    ['192.0.2.24', 'Leas-iPhone'],
    ['::ffff:192.0.2.20', 'lea-phone'],
    ['2001:db8::20', 'lea-laptop'],
    ['192.0.2.99', null], // NXDOMAIN
  ])('%s → %j', async (ip, expected) => {
    expect(await lookup(ip)).toBe(expected);
  });

  it.each(['not-an-ip', '', '192.0.2.256', '<script>'])('invalid address %j → null without a query', async (ip) => {
    expect(await lookup(ip)).toBeNull();
    expect(server.seen).toEqual([]);
  });

  it.each(['servfail', 'garbage'] as const)('%s answer → null', async (mode) => {
    server.mode = mode;
    expect(await lookup('192.0.2.20', 500)).toBeNull();
  });

  it('no answer → null within the timeout', async () => {
    server.mode = 'drop';
    const t = Date.now();
    expect(await lookup('192.0.2.20', 200)).toBeNull();
    expect(Date.now() - t).toBeLessThan(1_500);
  });

  it('a slow answer past the timeout → null', async () => {
    server.delayMs = 600;
    expect(await lookup('192.0.2.20', 150)).toBeNull();
  });

  it('nothing listening → null', async () => {
    const closed = await startPtrServer();
    const port = closed.port;
    await closed.close();
    expect(await createReverseLookup({ server: { host: '127.0.0.1', port }, timeoutMs: 300 }).lookup('192.0.2.20')).toBeNull();
  });

  it('concurrent lookups of one address share one query; at most maxConcurrent on the wire', async () => {
    server.delayMs = 50;
    const r = createReverseLookup({ server: { host: '127.0.0.1', port: server.port }, maxConcurrent: 2 });
    const same = await Promise.all([r.lookup('192.0.2.20'), r.lookup('192.0.2.20'), r.lookup('::ffff:192.0.2.20')]);
    expect(same).toEqual(['lea-phone', 'lea-phone', 'lea-phone']);
    expect(server.seen).toHaveLength(1);
    const ips = Array.from({ length: 8 }, (_, i) => `192.0.2.${20 + i}`);
    const names = await Promise.all(ips.map((ip) => r.lookup(ip)));
    expect(names.slice(0, 5)).toEqual(['lea-phone', 'tv', null, 'a'.repeat(63), 'Leas-iPhone']);
    expect(server.maxOutstanding).toBeLessThanOrEqual(2);
  });

  it('beyond the queue limit answers null at once', async () => {
    server.delayMs = 100;
    const r = createReverseLookup({ server: { host: '127.0.0.1', port: server.port }, maxConcurrent: 1, maxQueued: 1 });
    const names = await Promise.all(['192.0.2.20', '192.0.2.21', '192.0.2.24'].map((ip) => r.lookup(ip)));
    expect(names).toEqual(['lea-phone', 'tv', null]);
  });
});

describe('firstLabel', () => {
  it.each([
    ['lea-phone.lan', 'lea-phone'],
    ['lea-phone.lan.', 'lea-phone'],
    ['lea-phone', 'lea-phone'],
    ['.lan', null],
    ['', null],
    ['<b>x</b>.lan', null],
    ['lea phone.lan', null],
  ])('%j → %j', (name, expected) => {
    expect(firstLabel(name)).toBe(expected);
  });
});
