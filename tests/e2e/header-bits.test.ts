/**
 * Header bits a DNS compliance tester checks (ISC genreport, issue 13 item 12), through a real
 * Vigie on loopback: an unknown OPCODE is answered NOTIMP with the request's OPCODE copied (RFC
 * 1035 §4.1.1), and the upstream's AA bit is not passed on, fresh or cached (Vigie is not the
 * authority; unbound clears it too).
 */
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildQuery } from '../../src/dns/message-builder.js';
import { sendUdp } from '../helpers/dns-client.js';
import { startTestVigie, type TestVigie } from '../helpers/start-vigie.js';

let upstream: dgram.Socket;
let vigie: TestVigie;

/** An upstream that answers every A question with 192.0.2.7 and the AA bit set. */
beforeAll(async () => {
  upstream = dgram.createSocket('udp4');
  upstream.on('message', (q, from) => {
    const end = q.indexOf(0, 12) + 5; // question: name + type + class (no EDNS from the test client)
    const header = Buffer.from(q.subarray(0, 12));
    header.writeUInt16BE(0x8000 | 0x0400 | 0x0080 | (q.readUInt16BE(2) & 0x0100), 2); // QR AA RA (+RD)
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(1, 6);
    header.writeUInt16BE(0, 8);
    header.writeUInt16BE(0, 10);
    const answer = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 192, 0, 2, 7]);
    upstream.send(Buffer.concat([header, q.subarray(12, end), answer]), from.port, from.address);
  });
  await new Promise<void>((r) => upstream.bind(0, '127.0.0.1', () => r()));
  vigie = await startTestVigie({ VIGIE_UPSTREAMS: `udp://127.0.0.1:${upstream.address().port}` });
});
afterAll(async () => {
  await vigie?.close();
  upstream?.close();
});

describe('header bits', () => {
  it('answers an unknown OPCODE with NOTIMP and the same OPCODE', async () => {
    const q = buildQuery({ id: 0x2222, name: 'example.org', type: 1 });
    q.writeUInt16BE(q.readUInt16BE(2) | (2 << 11), 2); // OPCODE 2 (STATUS)
    const r = (await sendUdp(vigie.port, q))!;
    expect(r.readUInt16BE(0)).toBe(0x2222);
    expect(r[3]! & 0x0f).toBe(4); // NOTIMP
    expect((r.readUInt16BE(2) >> 11) & 0xf).toBe(2);
    expect(r[2]! & 0x80).toBe(0x80);
  });

  it('clears the upstream AA bit on a forwarded answer and on the cached one', async () => {
    const cachedBefore = vigie.counters.cached;
    for (let i = 0; i < 2; i++) {
      const r = (await sendUdp(vigie.port, buildQuery({ id: 0x3333 + i, name: 'aa.example.org', type: 1 })))!;
      expect(r[3]! & 0x0f).toBe(0);
      expect(r.subarray(-4)).toEqual(Buffer.from([192, 0, 2, 7]));
      expect(r.readUInt16BE(2) & 0x0400).toBe(0);
    }
    expect(vigie.counters.cached).toBe(cachedBefore + 1); // the second answer came from the cache
  });
});
