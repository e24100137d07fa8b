/**
 * Hostile clients against a real Vigie on loopback (research/reliability-security.md §7 A, B, E):
 * the malformed corpus over UDP and TCP, a bounded random-packet flood, no reflection of
 * responses, the client ACL, RFC 8482 ANY, the UDP size cap with TC, the per-client rate limit and
 * the TCP connection limits and timeouts. Every flood is bounded in count and time; nothing here
 * asserts speed, only that the server still answers within its normal timeouts.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, decode, query, sendTcp, sendUdp } from '../helpers/dns-client.js';
import { startFakeUpstream, type FakeRecord, type FakeUpstream } from '../helpers/fake-upstream.js';
import { RCODE_VALUE, VALID_QUERY, malformedCorpus, mutate, prng, randomPacket, type HostileCase } from '../helpers/hostile-corpus.js';
import { startTestVigie, type TestVigie } from '../helpers/start-vigie.js';

const BIG_TXT: FakeRecord[] = Array.from({ length: 60 }, (_, i) => ({ type: 'TXT', value: `${String(i).padStart(3, '0')}${'x'.repeat(197)}` }));
const MANY_A: FakeRecord[] = Array.from({ length: 150 }, (_, i) => ({ type: 'A', value: `127.2.${i >> 8}.${i & 0xff}` }));

const ZONE: Record<string, FakeRecord[]> = {
  'example.test': [{ type: 'A', value: '127.1.0.1', ttl: 300 }],
  'acl-probe.example.test': [{ type: 'A', value: '127.1.0.5' }],
  'big.example.test': BIG_TXT,
  'many.example.test': MANY_A,
};

let upstream: FakeUpstream;
/** Default limits: corpus, flood, reflection, ANY, amplification, junk. */
let main: TestVigie;
/** Only 127.0.0.1 may ask. */
let acl: TestVigie;
/** Tight limits: rate 20 qps, 2 TCP connections per client, 300 ms idle, 800 ms per message. */
let tight: TestVigie;

beforeAll(async () => {
  upstream = await startFakeUpstream(ZONE);
  [main, acl, tight] = await Promise.all([
    startTestVigie({ VIGIE_UPSTREAMS: upstream.url }),
    startTestVigie({ VIGIE_UPSTREAMS: upstream.url, VIGIE_ALLOWED_CLIENTS: '127.0.0.1/32' }),
    startTestVigie({
      VIGIE_UPSTREAMS: upstream.url,
      VIGIE_RATE_LIMIT: '20',
      VIGIE_TCP_MAX_PER_CLIENT: '2',
      VIGIE_TCP_IDLE_MS: '300',
      VIGIE_TCP_MESSAGE_MS: '800',
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([main?.close(), acl?.close(), tight?.close()]);
  await upstream?.close();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** RCODE of a reply, with the extended bits of a trailing OPT (how BADVERS travels). */
function rcodeOf(raw: Buffer): number {
  let rcode = raw[3]! & 0x0f;
  if (raw.readUInt16BE(10) === 1 && raw.length >= 23 && raw[raw.length - 11] === 0 && raw.readUInt16BE(raw.length - 10) === 41) {
    rcode |= raw[raw.length - 6]! << 4;
  }
  return rcode;
}

async function stillAnswers(v: TestVigie): Promise<void> {
  const udp = await ask(v.port, 'example.test', 'A', { timeoutMs: 3000 });
  expect(udp.rcode).toBe(0);
  expect(udp.answers[0]?.address).toBe('127.1.0.1');
  const tcp = await sendTcp(v.port, query('example.test', 'A'));
  expect(tcp).not.toBeNull();
  expect(decode(tcp!).answers[0]?.address).toBe('127.1.0.1');
}

function checkReply(c: HostileCase, raw: Buffer | null): void {
  const e = c.expected;
  if (e.kind === 'drop') {
    expect(raw).toBeNull();
    return;
  }
  expect(raw).not.toBeNull();
  const r = raw!;
  if (e.kind === 'answer') {
    expect(r[2]! & 0x80).toBe(0x80);
    return;
  }
  expect(r.readUInt16BE(0)).toBe(c.packet.readUInt16BE(0));
  expect(r[2]! & 0x80).toBe(0x80);
  expect(rcodeOf(r)).toBe(RCODE_VALUE[e.rcode]);
  expect(r.readUInt16BE(4)).toBe(e.echo ? 1 : 0);
  expect(r.readUInt16BE(6)).toBe(0);
  // Never more than the question echoed plus one OPT: garbage does not amplify.
  expect(r.length).toBeLessThanOrEqual(Math.max(c.packet.length, 12) + 11);
}

const CORPUS = malformedCorpus().map((c) => [c.label, c] as const);
const DROPS = CORPUS.filter(([, c]) => c.expected.kind === 'drop').length;
const REJECTS = CORPUS.length - DROPS;

describe('malformed corpus over UDP', () => {
  let before = { malformed: 0, dropped: 0 };
  beforeAll(() => {
    before = { malformed: main.counters.malformed, dropped: main.counters.dropped };
  });

  it.each(CORPUS)('%s', async (_l, c) => {
    const raw = await sendUdp(main.port, c.packet, { timeoutMs: c.expected.kind === 'drop' ? 300 : 3000 });
    checkReply(c, raw);
  });

  it('counted every packet and still answers', async () => {
    expect(main.counters.malformed - before.malformed).toBe(REJECTS);
    expect(main.counters.dropped - before.dropped).toBe(DROPS);
    await stillAnswers(main);
  });
});

describe('malformed corpus over TCP', () => {
  let before = { malformed: 0, dropped: 0 };
  beforeAll(() => {
    before = { malformed: main.counters.malformed, dropped: main.counters.dropped };
  });

  it.each(CORPUS)('%s', async (_l, c) => {
    const raw = await sendTcp(main.port, c.packet, { timeoutMs: c.expected.kind === 'drop' ? 300 : 3000 });
    checkReply(c, raw);
  });

  it('counted every packet and still answers', async () => {
    expect(main.counters.malformed - before.malformed).toBe(REJECTS);
    expect(main.counters.dropped - before.dropped).toBe(DROPS);
    await stillAnswers(main);
  });
});

describe('random packets', () => {
  it('5,000 random and mutated packets over UDP: the counters move and the server still answers', async () => {
    const before = { malformed: main.counters.malformed, dropped: main.counters.dropped };
    const rand = prng(0xf100d);
    const socket = dgram.createSocket('udp4');
    let replies = 0;
    socket.on('message', () => replies++);
    await new Promise<void>((r) => socket.bind({ address: '127.0.0.4', port: 0 }, () => r()));
    try {
      for (let batch = 0; batch < 50; batch++) {
        for (let i = 0; i < 100; i++) {
          const n = batch * 100 + i;
          const packet = n % 2 === 0 ? randomPacket(rand, n % 4 === 0 ? 30 : 512) : mutate(VALID_QUERY, rand);
          socket.send(packet, main.port, '127.0.0.1');
        }
        await sleep(5);
      }
      await sleep(300);
    } finally {
      socket.close();
    }
    const malformed = main.counters.malformed - before.malformed;
    const dropped = main.counters.dropped - before.dropped;
    expect(malformed).toBeGreaterThan(500);
    expect(dropped).toBeGreaterThan(500);
    expect(replies).toBeGreaterThan(0);
    await stillAnswers(main);
  });
});

describe('no reflection, no open resolver', () => {
  it('does not answer responses (QR=1) sent to it', async () => {
    const before = main.counters.dropped;
    const response = Buffer.from(VALID_QUERY);
    response.writeUInt16BE(0x8180, 2);
    expect(await sendUdp(main.port, response, { timeoutMs: 300 })).toBeNull();
    expect(await sendTcp(main.port, response, { timeoutMs: 300 })).toBeNull();
    expect(main.counters.dropped - before).toBe(2);
  });

  it('refuses clients outside VIGIE_ALLOWED_CLIENTS and forwards nothing for them', async () => {
    const seen = upstream.seen.length;
    const udp = await ask(acl.port, 'acl-probe.example.test', 'A', { from: '127.0.0.2' });
    expect(udp.rcode).toBe(5);
    expect(udp.answers).toHaveLength(0);
    const tcp = await sendTcp(acl.port, query('acl-probe.example.test', 'A'), { from: '127.0.0.2' });
    expect(decode(tcp!).rcode).toBe(5);
    expect(upstream.seen.slice(seen).some((q) => q.name.includes('acl-probe'))).toBe(false);
    // The allowed address is served.
    const ok = await ask(acl.port, 'acl-probe.example.test', 'A', { from: '127.0.0.1' });
    expect(ok.answers[0]?.address).toBe('127.1.0.5');
  });

  it.each([
    ['without EDNS', undefined, 64],
    ['with EDNS 65535', { udpSize: 65535 }, 80],
  ] as const)('answers ANY with the RFC 8482 minimal HINFO (%s), a few dozen bytes', async (_l, edns, max) => {
    const seen = upstream.seen.length;
    const res = await ask(main.port, 'example.test', 'ANY', edns ? { edns } : {});
    expect(res.rcode).toBe(0);
    expect(res.answers).toHaveLength(1);
    expect(res.answers[0]!.type).toBe(13);
    expect(res.raw.length).toBeLessThanOrEqual(max);
    expect(upstream.seen.slice(seen).some((q) => q.type === 255)).toBe(false);
  });
});

describe('amplification: UDP answers are capped, TCP carries the full answer', () => {
  it.each([
    ['60 TXT of 200 bytes', 'big.example.test', 'TXT', 60],
    ['150 A records', 'many.example.test', 'A', 150],
  ] as const)('%s', async (_l, name, type, count) => {
    const big = await sendUdp(main.port, query(name, type, { udpSize: 65535 }));
    expect(big).not.toBeNull();
    expect(big!.length).toBeLessThanOrEqual(1232);
    expect(decode(big!).tc).toBe(true);

    const classic = await sendUdp(main.port, query(name, type));
    expect(classic).not.toBeNull();
    expect(classic!.length).toBeLessThanOrEqual(512);
    expect(decode(classic!).tc).toBe(true);

    const full = await sendTcp(main.port, query(name, type, { udpSize: 65535 }));
    expect(full).not.toBeNull();
    const d = decode(full!);
    expect(d.tc).toBe(false);
    expect(d.answers).toHaveLength(count);
    expect(full!.length).toBeGreaterThan(1232);
  });

  it('keeps every UDP answer within 1232 bytes across query types with EDNS 65535', async () => {
    for (const type of ['A', 'AAAA', 'TXT', 'MX', 'NS', 'SOA', 'HTTPS', 'ANY', 'SRV', 'PTR'] as const) {
      for (const name of ['big.example.test', 'many.example.test', 'example.test']) {
        const raw = await sendUdp(main.port, query(name, type, { udpSize: 65535 }));
        expect(raw).not.toBeNull();
        expect(raw!.length).toBeLessThanOrEqual(1232);
      }
    }
  });
});

describe('rate limit', () => {
  it('a burst of 200 from 127.0.0.2 gets some REFUSED while 127.0.0.3 is still answered', async () => {
    await ask(tight.port, 'example.test', 'A', { from: '127.0.0.5' }); // warm the cache
    const before = tight.counters.rateLimited;
    const socket = dgram.createSocket('udp4');
    const rcodes: number[] = [];
    socket.on('message', (msg) => rcodes.push(msg[3]! & 0x0f));
    await new Promise<void>((r) => socket.bind({ address: '127.0.0.2', port: 0 }, () => r()));
    try {
      for (let i = 0; i < 200; i++) socket.send(query('example.test', 'A'), tight.port, '127.0.0.1');
      for (let waited = 0; waited < 2000 && rcodes.length < 200; waited += 50) await sleep(50);
    } finally {
      socket.close();
    }
    expect(rcodes.filter((r) => r === 5).length).toBeGreaterThan(0);
    expect(rcodes.filter((r) => r === 0).length).toBeGreaterThan(0);
    expect(tight.counters.rateLimited - before).toBeGreaterThan(0);
    const other = await ask(tight.port, 'example.test', 'A', { from: '127.0.0.3' });
    expect(other.rcode).toBe(0);
    expect(other.answers[0]?.address).toBe('127.1.0.1');
  });
});

/** A test TCP connection that collects framed replies. */
class Conn {
  readonly socket: net.Socket;
  readonly replies: Buffer[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;
  private buf = Buffer.alloc(0);
  private readonly started = Date.now();

  constructor(port: number, from: string) {
    this.socket = net.connect({ host: '127.0.0.1', port, localAddress: from });
    this.socket.on('error', () => {
      /* resets are expected here */
    });
    this.opened = new Promise((r) => this.socket.once('connect', () => r()));
    this.closed = new Promise((r) => this.socket.once('close', () => r(Date.now() - this.started)));
    this.socket.on('data', (chunk) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      while (this.buf.length >= 2 && this.buf.length >= 2 + this.buf.readUInt16BE(0)) {
        this.replies.push(this.buf.subarray(2, 2 + this.buf.readUInt16BE(0)));
        this.buf = this.buf.subarray(2 + this.buf.readUInt16BE(0));
      }
    });
  }

  static frame(...messages: Buffer[]): Buffer {
    return Buffer.concat(
      messages.flatMap((m) => {
        const p = Buffer.alloc(2);
        p.writeUInt16BE(m.length);
        return [p, m];
      }),
    );
  }

  /** Waits (bounded) until `n` replies arrived or the connection closed. */
  async waitReplies(n: number, ms = 3000): Promise<Buffer[]> {
    let open = true;
    void this.closed.then(() => (open = false));
    for (let waited = 0; waited < ms && this.replies.length < n && open; waited += 20) await sleep(20);
    return this.replies;
  }

  /** Resolves true if closed within `ms`. */
  closedWithin(ms: number): Promise<boolean> {
    return Promise.race([this.closed.then(() => true), sleep(ms).then(() => false)]);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

describe('TCP limits and abuse', () => {
  it('closes a third connection from a client allowed two while both of its connections are busy', async () => {
    const rejectedBefore = tight.counters.tcpRejected;
    const c1 = new Conn(tight.port, '127.0.0.6');
    const c2 = new Conn(tight.port, '127.0.0.6');
    // Both connections wait on a slow upstream answer: neither is idle, so neither can make room.
    upstream.behaviour.delayFor = (name) => (name === 'busy.example.test' ? 600 : undefined);
    try {
      await Promise.all([c1.opened, c2.opened]);
      c1.socket.write(Conn.frame(query('busy.example.test')));
      c2.socket.write(Conn.frame(query('busy.example.test')));
      await sleep(50);
      const c3 = new Conn(tight.port, '127.0.0.6');
      c3.socket.write(Conn.frame(query('example.test')));
      expect(await c3.closedWithin(2000)).toBe(true);
      expect(c3.replies).toHaveLength(0);
      expect(tight.counters.tcpRejected - rejectedBefore).toBe(1);
      // Another address is not affected.
      const other = await sendTcp(tight.port, query('example.test'), { from: '127.0.0.7' });
      expect(other).not.toBeNull();
      expect(await c1.waitReplies(1)).toHaveLength(1);
      expect(await c2.waitReplies(1)).toHaveLength(1);
      // Now both are idle: a new connection from the client takes the place of its oldest one.
      const again = await sendTcp(tight.port, query('example.test'), { from: '127.0.0.6' });
      expect(again).not.toBeNull();
      expect(await c1.closedWithin(150)).toBe(true); // sooner than its 300 ms idle limit
      expect(tight.counters.tcpRejected - rejectedBefore).toBe(1);
    } finally {
      delete upstream.behaviour.delayFor;
      c1.destroy();
      c2.destroy();
    }
  });

  it('closes an idle connection after VIGIE_TCP_IDLE_MS', async () => {
    const c = new Conn(tight.port, '127.0.0.8');
    await c.opened;
    const closedAfter = await Promise.race([c.closed, sleep(3000).then(() => -1)]);
    c.destroy();
    expect(closedAfter).toBeGreaterThanOrEqual(250);
  });

  it('does not count a query waiting for a slow upstream as idle time', async () => {
    const c = new Conn(tight.port, '127.0.0.15');
    await c.opened;
    upstream.behaviour.delayMs = 600; // twice the idle limit, inside the upstream timeout
    try {
      c.socket.write(Conn.frame(query('slow.example.test', 'A')));
      const replies = await c.waitReplies(1, 3000);
      expect(replies).toHaveLength(1);
      expect(decode(replies[0]!).rcode).toBe(3);
    } finally {
      upstream.behaviour.delayMs = 0;
      c.destroy();
    }
  });

  it('closes a trickle client (length prefix, then 1 byte per 100 ms) after VIGIE_TCP_MESSAGE_MS', async () => {
    const c = new Conn(tight.port, '127.0.0.9');
    await c.opened;
    c.socket.write(Buffer.from([0x00, 0x40])); // a 64-byte message announced
    let sent = 0;
    let closed = false;
    void c.closed.then(() => (closed = true));
    // Bounded: at most 40 bytes (4 s); the 800 ms message deadline must end it long before.
    while (!closed && sent < 40) {
      await sleep(100);
      if (!closed && !c.socket.destroyed) {
        c.socket.write(Buffer.from([0x41]));
        sent++;
      }
    }
    const closedAfter = await Promise.race([c.closed, sleep(1000).then(() => -1)]);
    c.destroy();
    expect(closed).toBe(true);
    expect(sent).toBeLessThan(40);
    // Bytes kept arriving more often than the 300 ms idle limit: the message deadline did it.
    expect(closedAfter).toBeGreaterThanOrEqual(700);
    expect(c.replies).toHaveLength(0);
  });

  it.each([
    ['kept open', false],
    ['half-closed by the client after sending', true],
  ] as const)('answers several pipelined queries on one connection (%s)', async (_l, halfClose) => {
    // Two names are new to the cache and the upstream answers them late, so their answers are
    // still pending when the client's FIN arrives in the half-closed case.
    const fresh = `pipe-${halfClose ? 'half' : 'open'}.example.test`;
    const names = ['example.test', 'coco.gg', fresh, `a.${fresh}`, 'localhost', 'example.test'];
    const queries = names.map((n, i) => {
      const q = query(n, 'A');
      q.writeUInt16BE(0x4000 + i, 0);
      return q;
    });
    const c = new Conn(tight.port, halfClose ? '127.0.0.11' : '127.0.0.10');
    await c.opened;
    upstream.behaviour.delayMs = 150;
    let replies: Buffer[];
    try {
      c.socket.write(Conn.frame(...queries));
      if (halfClose) c.socket.end();
      replies = await c.waitReplies(queries.length);
    } finally {
      upstream.behaviour.delayMs = 0;
      c.destroy();
    }
    expect(replies.map((r) => r.readUInt16BE(0)).sort()).toEqual(queries.map((q) => q.readUInt16BE(0)).sort());
    for (const r of replies) expect(decode(r).answers.length + decode(r).authorities.length).toBeGreaterThan(0);
  });

  it('answers the first 100 queries of a connection, then closes it', async () => {
    const queries = Array.from({ length: 120 }, (_, i) => {
      const q = query('example.test', 'A');
      q.writeUInt16BE(i + 1, 0);
      return q;
    });
    const c = new Conn(main.port, '127.0.0.12');
    await c.opened;
    c.socket.write(Conn.frame(...queries));
    const replies = await c.waitReplies(120, 3000);
    expect(await c.closedWithin(2000)).toBe(true);
    expect(replies).toHaveLength(100);
    expect(new Set(replies.map((r) => r.readUInt16BE(0))).size).toBe(100);
  });

  it('stops promptly while a client holds a TCP connection open', async () => {
    const v = await startTestVigie({ VIGIE_UPSTREAMS: upstream.url });
    const c = new Conn(v.port, '127.0.0.14');
    await c.opened;
    c.socket.write(Conn.frame(query('example.test')));
    await c.waitReplies(1);
    // The idle limit is 10 s by default: stop() must not wait for it.
    const stopped = await Promise.race([v.close().then(() => true), sleep(3000).then(() => false)]);
    expect(stopped).toBe(true);
    expect(await c.closedWithin(1000)).toBe(true);
    c.destroy();
  });

  it('survives a 60 KB junk stream and still answers', async () => {
    const rand = prng(0x60);
    // Half framed junk messages (many parse attempts), half unframed random bytes.
    const framed: Buffer[] = [];
    let size = 0;
    while (size < 30_000) {
      const m = randomPacket(rand, 100);
      framed.push(m);
      size += m.length + 2;
    }
    const junk = Buffer.concat([Conn.frame(...framed), randomPacket(rand, 0).fill(0), Buffer.from(Array.from({ length: 30_000 }, () => Math.floor(rand() * 256)))]);
    const c = new Conn(main.port, '127.0.0.13');
    await c.opened;
    for (let off = 0; off < junk.length && !c.socket.destroyed; off += 4096) c.socket.write(junk.subarray(off, off + 4096));
    await c.closedWithin(1000);
    c.destroy();
    await stillAnswers(main);
  });
});
