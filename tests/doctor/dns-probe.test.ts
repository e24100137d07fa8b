/**
 * `vigie doctor` and `vigie healthcheck` ask one question. The old probe took any packet with the
 * right ID as an answer: a copy of the query (QR=0), or a reply to another question, reported a
 * healthy server (issue 13, item 12). Real UDP servers on loopback play each case.
 */
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { isAnswerTo, probeDns } from '../../src/doctor/dns-probe.js';
import { buildQuery } from '../../src/dns/message-builder.js';

const servers: dgram.Socket[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A UDP server on 127.0.0.1 that answers each query with `reply(query)` (null: silence). */
async function server(reply: (query: Buffer) => Buffer | null): Promise<number> {
  const s = dgram.createSocket('udp4');
  servers.push(s);
  s.on('message', (msg, from) => {
    const out = reply(msg);
    if (out !== null) s.send(out, from.port, from.address);
  });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return s.address().port;
}

/** The query turned into a reply header: QR set, RCODE `rcode`, no records. */
const asReply = (q: Buffer, rcode = 0): Buffer => {
  const r = Buffer.from(q);
  r[2] = (r[2]! | 0x80) & 0xf9;
  r[3] = 0x80 | rcode;
  return r;
};

describe('probeDns only believes an answer to its own question', () => {
  it('a genuine reply (name in other case) counts, with its RCODE', async () => {
    const port = await server((q) => {
      const r = asReply(q, 3);
      for (let i = 13; i < r.length - 4; i++) if (r[i]! >= 0x61 && r[i]! <= 0x7a) r[i] = r[i]! - 0x20; // 0x20 case mixing
      return r;
    });
    expect(await probeDns('127.0.0.1', port, { name: 'localhost', type: 1, timeoutMs: 2000 })).toMatchObject({ ok: true, rcode: 3 });
  });

  it('a copy of the query (QR=0) is not an answer', async () => {
    const port = await server((q) => Buffer.from(q));
    expect(await probeDns('127.0.0.1', port, { name: 'localhost', type: 1, timeoutMs: 400 })).toMatchObject({ ok: false });
  });

  it('a reply with the right ID to another question is not an answer', async () => {
    const port = await server((q) => {
      const other = buildQuery({ id: q.readUInt16BE(0), name: 'elsewhere.example', type: 1 });
      return asReply(other);
    });
    expect(await probeDns('127.0.0.1', port, { name: 'localhost', type: 1, timeoutMs: 400 })).toMatchObject({ ok: false });
  });

  it('isAnswerTo checks ID, QR, opcode, question count and question bytes', () => {
    const q = buildQuery({ id: 0x1234, name: 'localhost', type: 1 });
    expect(isAnswerTo(q, asReply(q))).toBe(true);
    expect(isAnswerTo(q, Buffer.from(q))).toBe(false); // QR=0
    const wrongId = asReply(q);
    wrongId.writeUInt16BE(0x4321, 0);
    expect(isAnswerTo(q, wrongId)).toBe(false);
    const notify = asReply(q);
    notify[2] = notify[2]! | (4 << 3); // opcode NOTIFY
    expect(isAnswerTo(q, notify)).toBe(false);
    expect(isAnswerTo(q, asReply(q).subarray(0, 12))).toBe(false);
  });
});
