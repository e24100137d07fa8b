/**
 * Fairness between devices, over real sockets on 127.0.0.0/8: one device must not be able to take
 * every upstream slot (issue 12 item 6) or every TCP connection slot (item 7) from the others.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, query, sendTcp, sendUdp } from '../helpers/dns-client.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestVigie, type TestVigie } from '../helpers/start-vigie.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Below the upstream timeout (800 ms), so slow answers neither time out nor mark the server down. */
const SLOW_MS = 600;

let upstream: FakeUpstream;
let vigie: TestVigie;

beforeAll(async () => {
  upstream = await startFakeUpstream({ 'normal.example': [{ type: 'A', value: '127.1.0.1' }] }, { delayFor: (name) => (name.endsWith('.slow.example') ? SLOW_MS : undefined) });
  for (let i = 0; i < 400; i++) upstream.zone.set(`n${i}.slow.example`, [{ type: 'A', value: '127.1.0.2' }]);
  // Default limits: 300 upstream queries in flight, 200 TCP connections, 10 per client.
  vigie = await startTestVigie({ VIGIE_UPSTREAMS: upstream.url });
});
afterAll(async () => {
  await vigie.close();
  await upstream.close();
});

describe('upstream slots are shared between clients', () => {
  it('400 slow names from 127.0.0.2 do not make 127.0.0.3 fail: its uncached lookup is answered', async () => {
    const flood = dgram.createSocket('udp4');
    const rcodes: number[] = [];
    flood.on('message', (msg) => rcodes.push(msg[3]! & 0x0f));
    await new Promise<void>((r) => flood.bind({ address: '127.0.0.2', port: 0 }, () => r()));
    try {
      // Paced in small batches so the kernel's receive buffer does not drop any (all sent well
      // within SLOW_MS, so they are all outstanding at once).
      for (let i = 0; i < 400; i++) {
        flood.send(query(`n${i}.slow.example`), vigie.port, '127.0.0.1');
        if (i % 20 === 19) await sleep(5);
      }
      // Every flood query has reached the upstream or been turned away before the other client asks.
      for (let waited = 0; waited < 2000 && upstream.seen.length + rcodes.length < 400; waited += 10) await sleep(10);
      const started = Date.now();
      const other = decode((await sendUdp(vigie.port, query('normal.example'), { from: '127.0.0.3' }))!);
      const tookMs = Date.now() - started;
      console.info(`other client: rcode ${other.rcode} in ${tookMs} ms while 127.0.0.2 floods`);
      expect(other.rcode).toBe(0);
      expect(other.answers[0]?.address).toBe('127.1.0.1');
      // The flooding client still gets answers for its share (bounded wait for the slow ones).
      for (let waited = 0; waited < 3000 && rcodes.length < 400; waited += 20) await sleep(20);
      expect(rcodes.filter((r) => r === 0).length).toBeGreaterThan(0);
    } finally {
      flood.close();
    }
  });
});

/** A client TCP connection from a chosen source address that has had one query answered. */
interface Held {
  readonly socket: net.Socket;
  closed: boolean;
}

/** Opens a connection from `from`, gets one answer on it, and keeps it open (idle). */
function holdIdle(from: string): Promise<Held> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: vigie.port, localAddress: from });
    const held: Held = { socket, closed: false };
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => reject(new Error(`no answer on a connection from ${from}`)), 3000);
    socket.on('error', () => {
      /* a reset when the server evicts it is expected */
    });
    socket.on('close', () => {
      held.closed = true;
      clearTimeout(timer);
      reject(new Error(`connection from ${from} closed before its answer`));
    });
    socket.on('connect', () => {
      const q = query('normal.example');
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(q.length);
      socket.write(Buffer.concat([prefix, q]));
    });
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        clearTimeout(timer);
        resolve(held);
      }
    });
  });
}

describe('TCP connection slots are shared between clients', () => {
  it('20 addresses × 10 idle connections (all 200 slots) do not keep 127.0.0.40 out: its TCP query is answered', async () => {
    const held: Held[] = [];
    try {
      for (let a = 10; a < 30; a++) held.push(...(await Promise.all(Array.from({ length: 10 }, () => holdIdle(`127.0.0.${a}`)))));
      expect(held.filter((h) => !h.closed)).toHaveLength(200);
      const started = Date.now();
      const raw = await sendTcp(vigie.port, query('normal.example'), { from: '127.0.0.40' });
      console.info(`new TCP client: ${raw === null ? 'closed without an answer' : `rcode ${raw[3]! & 0x0f}`} in ${Date.now() - started} ms`);
      expect(raw).not.toBeNull();
      expect(decode(raw!).answers[0]?.address).toBe('127.1.0.1');
      // Room was made by closing one idle connection, among the oldest: the first address's ten
      // were all answered before the next address connected.
      for (let waited = 0; waited < 1000 && !held.some((h) => h.closed); waited += 10) await sleep(10);
      const closed = held.flatMap((h, i) => (h.closed ? [i] : []));
      expect(closed).toHaveLength(1);
      expect(closed[0]).toBeLessThan(10);
    } finally {
      for (const h of held) h.socket.destroy();
    }
  });

  it('a client at its own cap (10) gets its oldest idle connection closed, not the new one refused', async () => {
    const held: Held[] = [];
    try {
      for (let i = 0; i < 10; i++) held.push(await holdIdle('127.0.0.41'));
      const raw = await sendTcp(vigie.port, query('normal.example'), { from: '127.0.0.41' });
      expect(raw).not.toBeNull();
      expect(decode(raw!).rcode).toBe(0);
      for (let waited = 0; waited < 1000 && !held[0]!.closed; waited += 10) await sleep(10);
      expect(held.map((h) => h.closed)).toEqual([true, ...Array.from({ length: 9 }, () => false)]);
    } finally {
      for (const h of held) h.socket.destroy();
    }
  });
});
