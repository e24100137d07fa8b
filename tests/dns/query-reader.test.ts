/**
 * The strict reader for client packets: valid queries are read exactly; every malformed packet of
 * the hostile corpus gets its expected outcome (drop, FORMERR, NOTIMP or BADVERS, question echoed
 * or not); and random or mutated bytes never make it throw or read out of bounds.
 */
import { describe, expect, it } from 'vitest';
import { HEADER_SIZE, Rcode } from '../../src/dns/constants.js';
import { parseQuery, type QueryParse } from '../../src/dns/query-reader.js';
import { buildQuery } from '../../src/dns/message-builder.js';
import { encodeRejection } from '../../src/resolver/wire-answer.js';
import { RCODE_VALUE, VALID_QUERY, malformedCorpus, mutate, prng, randomPacket, validCorpus, header, Q, opt } from '../helpers/hostile-corpus.js';

describe('valid queries', () => {
  it.each(validCorpus().map((c) => [c.label, c] as const))('%s', (_label, c) => {
    const r = parseQuery(c.packet);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.id).toBe(c.packet.readUInt16BE(0));
    expect(r.flags).toBe(c.packet.readUInt16BE(2));
    expect(r.name).toBe(c.name);
    expect(r.type).toBe(c.type);
    expect(r.qclass).toBe(1);
    // The question ends right after QTYPE/QCLASS: name wire length + 4.
    let end = HEADER_SIZE;
    while (c.packet[end]! !== 0) end += c.packet[end]! + 1;
    expect(r.questionEnd).toBe(end + 5);
    if (c.edns === null) {
      expect(r.edns).toBeNull();
    } else {
      expect(r.edns).not.toBeNull();
      expect(r.edns!.udpSize).toBe(c.edns.udpSize);
      expect(r.edns!.dnssecOk).toBe(c.edns.dnssecOk);
      expect(r.edns!.version).toBe(0);
      expect(r.edns!.options.length).toBe(c.edns.optionBytes);
    }
  });

  it.each(['example.test', 'example.test.', 'EXAMPLE.Test.'])('a query built for %s reads as example.test', (spelling) => {
    const r = parseQuery(buildQuery({ id: 7, name: spelling, type: 1 }));
    expect(r.ok && r.name).toBe('example.test');
  });
});

describe('malformed queries', () => {
  it.each(malformedCorpus().map((c) => [c.label, c] as const))('%s', (_label, c) => {
    const r = parseQuery(c.packet);
    const e = c.expected;
    expect(r.ok).toBe(false);
    if (r.ok) return;
    if (e.kind === 'drop') {
      expect(r.drop).toBe(true);
      return;
    }
    if (e.kind !== 'reject') throw new Error('corpus case must be drop or reject');
    expect(r.drop).toBe(false);
    expect(r.rcode).toBe(RCODE_VALUE[e.rcode]);
    expect(r.id).toBe(c.packet.readUInt16BE(0));
    if (e.echo) expect(r.questionEnd).toBe(HEADER_SIZE + Q.length);
    else expect(r.questionEnd).toBe(HEADER_SIZE);

    // The answer built from it: QR set, same ID, rcode in the header (+ OPT for BADVERS).
    const out = encodeRejection(c.packet, r);
    expect(out.readUInt16BE(0)).toBe(c.packet.readUInt16BE(0));
    expect(out[2]! & 0x80).toBe(0x80);
    expect(out[3]! & 0x0f).toBe(RCODE_VALUE[e.rcode] & 0x0f);
    expect(out.readUInt16BE(4)).toBe(e.echo ? 1 : 0);
    expect(out.readUInt16BE(6)).toBe(0);
    expect(out.readUInt16BE(8)).toBe(0);
    if (e.echo) expect(out.subarray(HEADER_SIZE, HEADER_SIZE + Q.length)).toEqual(Q);
    if (e.rcode === 'BADVERS') {
      expect(out.readUInt16BE(10)).toBe(1);
      const optAt = out.length - 11;
      expect(out.readUInt16BE(optAt + 1)).toBe(41);
      expect(out[optAt + 5]).toBe(Rcode.BADVERS >> 4);
    }
    // Never larger than header + question + OPT: no amplification from garbage.
    expect(out.length).toBeLessThanOrEqual(HEADER_SIZE + Q.length + 11);
  });

  it('reads a BADVERS packet\'s EDNS so the answer can carry the extended RCODE', () => {
    const r = parseQuery(Buffer.concat([header({ ar: 1 }), Q, opt({ version: 1, dnssecOk: true })]));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.edns?.version).toBe(1);
  });
});

/** Invariants every result must hold whatever the input. */
function checkBounds(buf: Buffer, r: QueryParse): void {
  if (r.ok) {
    expect(buf.length).toBeGreaterThanOrEqual(HEADER_SIZE + 5);
    expect(r.questionEnd).toBeGreaterThan(HEADER_SIZE);
    expect(r.questionEnd).toBeLessThanOrEqual(buf.length);
    expect(r.type).toBeGreaterThanOrEqual(0);
    expect(r.type).toBeLessThanOrEqual(0xffff);
    // ≤ 253 octets of label text, each at most 4 characters (\DDD), plus dots.
    expect(r.name.length).toBeLessThanOrEqual(253 * 4);
    expect(r.name).toMatch(/^[a-z0-9\-_*.\\]*$/);
    if (r.edns) expect(r.edns.udpSize).toBeGreaterThanOrEqual(512);
    return;
  }
  if (r.drop) return;
  expect(buf.length).toBeGreaterThanOrEqual(HEADER_SIZE);
  expect(r.questionEnd).toBeGreaterThanOrEqual(HEADER_SIZE);
  expect(r.questionEnd).toBeLessThanOrEqual(buf.length);
  expect([Rcode.FORMERR, Rcode.NOTIMP, Rcode.BADVERS]).toContain(r.rcode);
  const out = encodeRejection(buf, r);
  expect(out.length).toBeLessThanOrEqual(r.questionEnd + 11);
}

describe('property: random and mutated bytes', () => {
  it('20,000 random buffers never throw and stay within bounds', () => {
    const rand = prng(0x5eed1);
    const seen = { ok: 0, drop: 0, reject: 0 };
    for (let i = 0; i < 20_000; i++) {
      // Half short (header-sized region, where the interesting branches are), half up to 600 bytes.
      const buf = randomPacket(rand, i % 2 === 0 ? 40 : 600);
      if (i % 3 === 0 && buf.length >= 4) buf[2] = buf[2]! & 0x07; // QR=0, opcode 0 more often
      const r = parseQuery(buf);
      checkBounds(buf, r);
      seen[r.ok ? 'ok' : r.drop ? 'drop' : 'reject']++;
    }
    expect(seen.drop).toBeGreaterThan(0);
    expect(seen.reject).toBeGreaterThan(0);
  });

  it('20,000 mutations of valid queries never throw and stay within bounds', () => {
    const rand = prng(0x5eed2);
    const bases = [...validCorpus().map((c) => c.packet), ...malformedCorpus().map((c) => c.packet)];
    const seen = { ok: 0, drop: 0, reject: 0 };
    for (let i = 0; i < 20_000; i++) {
      const buf = mutate(bases[i % bases.length]!, rand);
      const r = parseQuery(buf);
      checkBounds(buf, r);
      seen[r.ok ? 'ok' : r.drop ? 'drop' : 'reject']++;
    }
    // The mutator must reach every branch, or the test proves little.
    expect(seen.ok).toBeGreaterThan(100);
    expect(seen.drop).toBeGreaterThan(100);
    expect(seen.reject).toBeGreaterThan(100);
  });
});
