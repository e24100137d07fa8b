/**
 * Reads an upstream reply only as far as the cache and answer inspection need: header, question,
 * the TTL position of every record, the names the answer leads to (CNAME, DNAME, SVCB/HTTPS
 * targets; see answer-chain.ts) and the records outside the question's chain, the SOA of a
 * negative answer (RFC 2308) and where the OPT record sits. Untrusted too: every length is
 * checked, and the work is bounded by the packet length (each record consumes at least 11 bytes).
 *
 * A plain answer (every answer record owned by the question name, none of CNAME, DNAME, SVCB or
 * HTTPS, no additional record but OPT) is recognized by comparing wire names in place and costs
 * no chain work and no name decoding; anything else goes through analyzeChain.
 */
import { analyzeChain, readRecords } from './answer-chain.js';
import { Flag, HEADER_SIZE, QType } from './constants.js';
import { readPlainName, sameNameAt, skipName } from './name-codec.js';

/** What the resolver needs to know about an upstream reply. */
export interface ParsedReply {
  readonly id: number;
  readonly flags: number;
  /** RCODE including the extended bits from OPT (RFC 6891 §6.1.3). */
  readonly rcode: number;
  readonly truncated: boolean;
  readonly name: string;
  readonly type: number;
  readonly qclass: number;
  readonly questionEnd: number;
  readonly answerCount: number;
  /** Offsets of the 32-bit TTL field of every record except OPT (whose "TTL" holds flags). */
  readonly ttlOffsets: readonly number[];
  /** Smallest TTL among answer records; -1 without answers. */
  readonly minAnswerTtl: number;
  /**
   * Names the answer leads to, for inspection: CNAME and DNAME targets, DNAME-synthesized names
   * and SVCB/HTTPS TargetNames, first seen first (the field keeps the name it had when it held
   * CNAME targets only).
   */
  readonly cnames: readonly string[];
  /**
   * Null when every record belongs to the question's chain. Otherwise one flag per record after
   * the question, in message order: true for a record to drop (see scrubReply).
   */
  readonly scrub: readonly boolean[] | null;
  /** SOA found in the authority section: its TTL and MINIMUM field (negative TTL, RFC 2308 §5). */
  readonly soa: { readonly ttl: number; readonly minimum: number } | null;
  /** Where the OPT record starts, or -1. */
  readonly optStart: number;
  /** Additional records that precede the OPT record (all of them when there is none). */
  readonly additionalBeforeOpt: number;
}

const NO_NAMES: readonly string[] = Object.freeze([]);

/** Types whose RDATA names where the answer leads. */
function isChainType(type: number): boolean {
  return type === QType.CNAME || type === QType.DNAME || type === QType.SVCB || type === QType.HTTPS;
}

function u16(b: Uint8Array, p: number): number {
  return (b[p]! << 8) | b[p + 1]!;
}

function u32(b: Uint8Array, p: number): number {
  return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
}

/** Parses a reply; returns a reason string when it is malformed. Never throws. */
export function parseReply(buf: Uint8Array): ParsedReply | string {
  if (buf.length < HEADER_SIZE) return 'short header';
  const flags = u16(buf, 2);
  if (!(flags & Flag.QR)) return 'not a response';
  if (u16(buf, 4) !== 1) return 'qdcount is not 1';
  const q = readPlainName(buf, HEADER_SIZE);
  if (q === null || q.end + 4 > buf.length) return 'bad question';
  const counts = [u16(buf, 6), u16(buf, 8), u16(buf, 10)] as const;
  const ttlOffsets: number[] = [];
  let cnames: readonly string[] = NO_NAMES;
  let scrub: boolean[] | null = null;
  let simple = true;
  let minAnswerTtl = -1;
  let soa: ParsedReply['soa'] = null;
  let optStart = -1;
  let extRcode = 0;
  let additionalBeforeOpt = counts[2];
  let pos = q.end + 4;
  for (let section = 0; section < 3; section++) {
    for (let i = 0; i < counts[section]!; i++) {
      const start = pos;
      const nameEnd = skipName(buf, pos);
      if (nameEnd < 0 || nameEnd + 10 > buf.length) return 'bad record header';
      const type = u16(buf, nameEnd);
      const ttl = u32(buf, nameEnd + 4);
      const rdStart = nameEnd + 10;
      const rdEnd = rdStart + u16(buf, nameEnd + 8);
      if (rdEnd > buf.length) return 'record past end';
      if (type === QType.OPT) {
        if (section !== 2 || optStart >= 0) return 'misplaced OPT';
        optStart = start;
        additionalBeforeOpt = i;
        extRcode = buf[nameEnd + 4]!;
      } else {
        ttlOffsets.push(nameEnd + 4);
        if (section === 0) {
          minAnswerTtl = minAnswerTtl < 0 ? ttl : Math.min(minAnswerTtl, ttl);
          // Most upstreams write the owner as a pointer to the QNAME (0xC00C): no walk needed then.
          if (simple && (isChainType(type) || ((buf[start] !== 0xc0 || buf[start + 1] !== HEADER_SIZE) && !sameNameAt(buf, start, HEADER_SIZE)))) simple = false;
        } else if (section === 2) {
          simple = false;
        } else if (section === 1 && type === QType.SOA && soa === null) {
          if (rdEnd - rdStart < 22) return 'bad SOA';
          soa = { ttl, minimum: u32(buf, rdEnd - 4) };
        }
      }
      pos = rdEnd;
    }
  }
  if (!simple) {
    const records = readRecords(buf, q.end + 4);
    if (typeof records === 'string') return records;
    const verdict = analyzeChain(buf, q.name, records);
    if (typeof verdict === 'string') return verdict;
    cnames = verdict.names;
    if (verdict.drop.includes(true)) scrub = verdict.drop;
  }
  return {
    id: u16(buf, 0),
    flags,
    rcode: (extRcode << 4) | (flags & 0xf),
    truncated: (flags & Flag.TC) !== 0,
    name: q.name,
    type: u16(buf, q.end),
    qclass: u16(buf, q.end + 2),
    questionEnd: q.end + 4,
    answerCount: counts[0],
    ttlOffsets,
    minAnswerTtl,
    cnames,
    scrub,
    soa,
    optStart,
    additionalBeforeOpt,
  };
}

/**
 * The reply without its OPT record (and any additional records after it, which are optional
 * hints: dropping them keeps every compression pointer valid since pointers only go backwards).
 */
export function stripOpt(buf: Uint8Array, reply: ParsedReply): Buffer {
  if (reply.optStart < 0) return Buffer.from(buf);
  const out = Buffer.from(buf.subarray(0, reply.optStart));
  out.writeUInt16BE(reply.additionalBeforeOpt, 10);
  return out;
}
