/**
 * The strict, bounded reader for untrusted client packets. It reads the header, exactly one
 * question and the additional section (looking only for OPT), checks every count and length, and
 * does a bounded amount of work whatever the bytes claim: at most MAX_ADDITIONAL records are
 * walked, names are at most 255 octets, pointers go backwards only.
 */
import { Flag, HEADER_SIZE, QType, Rcode } from './constants.js';
import { readName, readPlainName } from './name-codec.js';
import type { EdnsInfo } from '../resolver/types.js';

/** EDNS options accepted in one query: real clients send a handful (cookie, ECS, padding, MAC). */
const MAX_EDNS_OPTIONS = 16;

/** Additional records walked in a query (OPT, plus room for a cookie-less TSIG/SIG(0)). */
const MAX_ADDITIONAL = 4;

/** A well-formed query's fields (the transport and clock are added by the server). */
export interface ParsedQuery {
  readonly ok: true;
  readonly id: number;
  readonly flags: number;
  readonly name: string;
  readonly type: number;
  readonly qclass: number;
  /** End of the question section: buf[12, questionEnd) is the question as sent. */
  readonly questionEnd: number;
  readonly edns: EdnsInfo | null;
}

/**
 * A packet we will not run through the pipeline. `drop`: no reply at all (too short to carry an
 * ID, or a response: answering responses would let two resolvers loop or reflect). Otherwise the
 * rcode to answer with; `questionEnd` > 12 when the question could be read and should be echoed.
 */
export interface RejectedQuery {
  readonly ok: false;
  readonly drop: boolean;
  readonly reason: string;
  readonly id: number;
  readonly flags: number;
  readonly rcode: number;
  readonly questionEnd: number;
  readonly edns: EdnsInfo | null;
}

export type QueryParse = ParsedQuery | RejectedQuery;

function reject(buf: Uint8Array, reason: string, rcode: number, questionEnd = HEADER_SIZE, edns: EdnsInfo | null = null): RejectedQuery {
  const id = buf.length >= 2 ? (buf[0]! << 8) | buf[1]! : 0;
  const flags = buf.length >= 4 ? (buf[2]! << 8) | buf[3]! : 0;
  return { ok: false, drop: false, reason, id, flags, rcode, questionEnd, edns };
}

function drop(reason: string): RejectedQuery {
  return { ok: false, drop: true, reason, id: 0, flags: 0, rcode: Rcode.FORMERR, questionEnd: HEADER_SIZE, edns: null };
}

/** Parses one client query. Never throws; never does more than O(packet length) work. */
export function parseQuery(buf: Uint8Array): QueryParse {
  if (buf.length < HEADER_SIZE) return drop('short header');
  const flags = (buf[2]! << 8) | buf[3]!;
  if (flags & Flag.QR) return drop('response received as query');
  const opcode = (flags >> 11) & 0xf;
  if (opcode !== 0) return reject(buf, `opcode ${opcode}`, Rcode.NOTIMP);
  const qd = (buf[4]! << 8) | buf[5]!;
  const an = (buf[6]! << 8) | buf[7]!;
  const ns = (buf[8]! << 8) | buf[9]!;
  const ar = (buf[10]! << 8) | buf[11]!;
  if (qd !== 1) return reject(buf, `qdcount ${qd}`, Rcode.FORMERR);
  const qname = readPlainName(buf, HEADER_SIZE);
  if (qname === null || qname.end + 4 > buf.length) return reject(buf, 'bad question', Rcode.FORMERR);
  const questionEnd = qname.end + 4;
  if (an !== 0 || ns !== 0) return reject(buf, 'records in answer/authority of a query', Rcode.FORMERR, questionEnd);
  if (ar > MAX_ADDITIONAL) return reject(buf, `arcount ${ar}`, Rcode.FORMERR, questionEnd);
  const type = (buf[qname.end]! << 8) | buf[qname.end + 1]!;
  const qclass = (buf[qname.end + 2]! << 8) | buf[qname.end + 3]!;
  const additional = readAdditional(buf, questionEnd, ar);
  if (typeof additional === 'string') return reject(buf, additional, Rcode.FORMERR, questionEnd);
  if (additional !== null && additional.version !== 0) {
    return reject(buf, `EDNS version ${additional.version}`, Rcode.BADVERS, questionEnd, additional);
  }
  const id = (buf[0]! << 8) | buf[1]!;
  return { ok: true, id, flags, name: qname.name, type, qclass, questionEnd, edns: additional };
}

/** Walks `count` additional records; returns the OPT record, null, or a reason string when malformed. */
function readAdditional(buf: Uint8Array, start: number, count: number): EdnsInfo | null | string {
  let pos = start;
  let edns: EdnsInfo | null = null;
  for (let i = 0; i < count; i++) {
    // Owner names are decoded, not just skipped, so a looping, forward or out-of-range pointer
    // makes the packet malformed (RFC 9267 §2) instead of being passed over unseen.
    const owner = readName(buf, pos);
    const nameEnd = owner === null ? -1 : owner.end;
    if (nameEnd < 0 || nameEnd + 10 > buf.length) return 'bad additional record';
    const type = (buf[nameEnd]! << 8) | buf[nameEnd + 1]!;
    const rdlen = (buf[nameEnd + 8]! << 8) | buf[nameEnd + 9]!;
    const rdStart = nameEnd + 10;
    if (rdStart + rdlen > buf.length) return 'additional record past end';
    if (type === QType.OPT) {
      // RFC 6891 §6.1.1: one OPT at most, owned by the root.
      if (edns !== null || nameEnd !== pos + 1 || buf[pos] !== 0) return 'bad OPT record';
      if (!areOptionsWellFormed(buf, rdStart, rdStart + rdlen)) return 'bad EDNS options';
      const udpSize = (buf[nameEnd + 2]! << 8) | buf[nameEnd + 3]!;
      edns = {
        udpSize: Math.max(udpSize, 512),
        version: buf[nameEnd + 5]!,
        dnssecOk: (buf[nameEnd + 6]! & 0x80) !== 0,
        // A view, not a copy: the packet lives as long as the query.
        options: Buffer.from(buf.buffer, buf.byteOffset + rdStart, rdlen),
      };
    }
    pos = rdStart + rdlen;
  }
  if (pos !== buf.length) return 'trailing bytes';
  return edns;
}

function areOptionsWellFormed(buf: Uint8Array, start: number, end: number): boolean {
  let pos = start;
  for (let count = 0; pos < end; count++) {
    if (pos + 4 > end || count >= MAX_EDNS_OPTIONS) return false;
    pos += 4 + ((buf[pos + 2]! << 8) | buf[pos + 3]!);
  }
  return pos === end;
}
