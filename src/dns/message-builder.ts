/**
 * Writes DNS messages into one pre-sized buffer: header, the client's question echoed byte for
 * byte, then records. Small and allocation-light: it is how blocked and synthesized answers are
 * made on the hot path, so it computes the size first and never re-encodes the question.
 */
import { Flag, HEADER_SIZE, OPTION_EDE, QType } from './constants.js';
import { encodeName } from './name-codec.js';
import type { ExtendedError } from '../resolver/types.js';

/** The OPCODE field of the header flags (RFC 1035 §4.1.1). */
const OPCODE_MASK = 0x7800;

/** Owner name as a pointer to the question's QNAME (offset 12, RFC 1035 §4.1.4). */
export const QNAME_POINTER = Buffer.from([0xc0, HEADER_SIZE]);

/** One resource record to write; `owner` is wire bytes (often QNAME_POINTER). */
export interface RecordSpec {
  readonly owner: Uint8Array;
  readonly type: number;
  readonly qclass: number;
  readonly ttl: number;
  readonly rdata: Uint8Array;
}

export interface ResponseSpec {
  readonly id: number;
  /** The query's flags: RD and CD are copied from it. */
  readonly queryFlags: number;
  readonly rcode: number;
  /** The question section exactly as received (may be empty for FORMERR without a question). */
  readonly question: Uint8Array;
  readonly answers?: readonly RecordSpec[];
  readonly authority?: readonly RecordSpec[];
  readonly authoritative?: boolean;
}

function recordSize(r: RecordSpec): number {
  return r.owner.length + 10 + r.rdata.length;
}

/** Builds a complete response message (no OPT record; see appendOpt). */
export function buildResponse(spec: ResponseSpec): Buffer {
  const answers = spec.answers ?? [];
  const authority = spec.authority ?? [];
  let size = HEADER_SIZE + spec.question.length;
  for (const r of answers) size += recordSize(r);
  for (const r of authority) size += recordSize(r);
  const out = Buffer.allocUnsafe(size);
  out.writeUInt16BE(spec.id, 0);
  // The OPCODE is copied from the query (RFC 1035 §4.1.1), also when it is refused as NOTIMP.
  let flags = Flag.QR | Flag.RA | (spec.queryFlags & (Flag.RD | Flag.CD | OPCODE_MASK)) | (spec.rcode & 0xf);
  if (spec.authoritative) flags |= Flag.AA;
  out.writeUInt16BE(flags, 2);
  out.writeUInt16BE(spec.question.length > 0 ? 1 : 0, 4);
  out.writeUInt16BE(answers.length, 6);
  out.writeUInt16BE(authority.length, 8);
  out.writeUInt16BE(0, 10);
  out.set(spec.question, HEADER_SIZE);
  let pos = HEADER_SIZE + spec.question.length;
  for (const r of answers) pos = writeRecord(out, pos, r);
  for (const r of authority) pos = writeRecord(out, pos, r);
  return out;
}

function writeRecord(out: Buffer, pos: number, r: RecordSpec): number {
  out.set(r.owner, pos);
  let p = pos + r.owner.length;
  out.writeUInt16BE(r.type, p);
  out.writeUInt16BE(r.qclass, p + 2);
  out.writeUInt32BE(r.ttl >>> 0, p + 4);
  out.writeUInt16BE(r.rdata.length, p + 8);
  p += 10;
  out.set(r.rdata, p);
  return p + r.rdata.length;
}

export interface OptSpec {
  readonly udpSize: number;
  readonly dnssecOk: boolean;
  /** Upper 8 bits of a 12-bit extended RCODE (RFC 6891 §6.1.3), e.g. 1 for BADVERS. */
  readonly extendedRcode?: number;
  readonly ede?: ExtendedError;
}

/** Returns a copy of `message` with an OPT record appended and ARCOUNT incremented. */
export function appendOpt(message: Uint8Array, opt: OptSpec): Buffer {
  const text = opt.ede ? Buffer.from(opt.ede.text, 'utf8') : null;
  const rdlen = text ? 6 + text.length : 0;
  const out = Buffer.allocUnsafe(message.length + 11 + rdlen);
  out.set(message, 0);
  out.writeUInt16BE(((message[10]! << 8) | message[11]!) + 1, 10);
  let p = message.length;
  out[p] = 0;
  out.writeUInt16BE(QType.OPT, p + 1);
  out.writeUInt16BE(opt.udpSize, p + 3);
  out[p + 5] = opt.extendedRcode ?? 0;
  out[p + 6] = 0;
  out.writeUInt16BE(opt.dnssecOk ? 0x8000 : 0, p + 7);
  out.writeUInt16BE(rdlen, p + 9);
  p += 11;
  if (text && opt.ede) {
    out.writeUInt16BE(OPTION_EDE, p);
    out.writeUInt16BE(2 + text.length, p + 2);
    out.writeUInt16BE(opt.ede.code, p + 4);
    out.set(text, p + 6);
  }
  return out;
}

/**
 * The answer to send when a response does not fit: header with TC=1 and the question only
 * (RFC 1035 §4.2.1, RFC 6891 §7), so the client retries over TCP.
 */
export function truncatedCopy(message: Uint8Array, questionLength: number): Buffer {
  const out = Buffer.from(message.subarray(0, HEADER_SIZE + questionLength));
  out.writeUInt16BE(((out[2]! << 8) | out[3]!) | Flag.TC, 2);
  out.writeUInt16BE(0, 6);
  out.writeUInt16BE(0, 8);
  out.writeUInt16BE(0, 10);
  return out;
}

/** Wire form of a query for `name`/`type` (used by clients: upstream forwarding, tests, tools). */
export function buildQuery(opts: { id: number; name: string; type: number; qclass?: number; flags?: number; edns?: { udpSize: number; dnssecOk: boolean } }): Buffer {
  const qname = encodeName(opts.name);
  const question = Buffer.allocUnsafe(qname.length + 4);
  qname.copy(question, 0);
  question.writeUInt16BE(opts.type, qname.length);
  question.writeUInt16BE(opts.qclass ?? 1, qname.length + 2);
  return buildQueryFromQuestion(opts.id, opts.flags ?? Flag.RD, question, opts.edns ?? null);
}

/** A query message from question bytes as received (case preserved), with an optional OPT. */
export function buildQueryFromQuestion(id: number, flags: number, question: Uint8Array, edns: { udpSize: number; dnssecOk: boolean } | null): Buffer {
  const head = Buffer.allocUnsafe(HEADER_SIZE + question.length);
  head.writeUInt16BE(id, 0);
  head.writeUInt16BE(flags & 0x7fff, 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt32BE(0, 6);
  head.writeUInt16BE(0, 10);
  head.set(question, HEADER_SIZE);
  return edns ? appendOpt(head, { udpSize: edns.udpSize, dnssecOk: edns.dnssecOk }) : head;
}
