/**
 * Makes an upstream reply fit to relay: without its OPT record (server.ts adds ours) and, when
 * parseReply flagged records outside the question's chain, without those too.
 *
 * Dropping a record from the middle of a message moves every byte after it, and compression
 * pointers into or past it would then point at the wrong place; so a scrubbed reply is rewritten:
 * every kept record's owner and the names inside well-known RDATA (RFC 3597 §4: only those may be
 * compressed; SVCB/HTTPS TargetName too, to be safe) are written out in full, the question name
 * as a pointer to offset 12. This is the slow path: plain answers are only cut at the OPT record.
 */
import { HEADER_SIZE, QType } from './constants.js';
import { QNAME_POINTER } from './message-builder.js';
import { readRecords } from './answer-chain.js';
import { encodeName, readName, skipName } from './name-codec.js';
import { parseReply, stripOpt, type ParsedReply } from './reply-reader.js';

/** For RDATA holding names: bytes copied before the first name, how many names, then the rest verbatim. */
const NAMED_RDATA = new Map<number, { readonly prefix: number; readonly names: number }>([
  [QType.NS, { prefix: 0, names: 1 }],
  [QType.CNAME, { prefix: 0, names: 1 }],
  [QType.SOA, { prefix: 0, names: 2 }],
  [QType.PTR, { prefix: 0, names: 1 }],
  [QType.MX, { prefix: 2, names: 1 }],
  [QType.SRV, { prefix: 6, names: 1 }],
  [QType.DNAME, { prefix: 0, names: 1 }],
  [QType.SVCB, { prefix: 2, names: 1 }],
  [QType.HTTPS, { prefix: 2, names: 1 }],
]);

/** The reply as relayed, and its parse (re-read when the bytes changed), or a reason it cannot be. */
export function cleanReply(buf: Uint8Array, reply: ParsedReply): { readonly message: Buffer; readonly reply: ParsedReply } | string {
  if (reply.scrub === null) return { message: stripOpt(buf, reply), reply };
  const message = scrubReply(buf, reply.name, reply.scrub);
  if (typeof message === 'string') return message;
  const reread = parseReply(message);
  if (typeof reread === 'string') return `scrubbed reply unreadable: ${reread}`;
  return { message, reply: reread };
}

/**
 * Rewrites the message without OPT and without the records flagged in `drop` (one flag per record
 * after the question, in order). Returns a reason string if a name cannot be re-read.
 */
export function scrubReply(buf: Uint8Array, qname: string, drop: readonly boolean[]): Buffer | string {
  try {
    return rewrite(buf, qname, drop);
  } catch (err) {
    // encodeName refuses a name it cannot write back (a label over 63 octets after unescaping).
    return `cannot rewrite a name: ${(err as Error).message}`;
  }
}

function rewrite(buf: Uint8Array, qname: string, drop: readonly boolean[]): Buffer | string {
  const questionEnd = skipName(buf, HEADER_SIZE) + 4;
  const records = readRecords(buf, questionEnd);
  if (typeof records === 'string') return records;
  const kept = [0, 0, 0];
  const parts: Uint8Array[] = [buf.subarray(0, questionEnd)];
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.type === QType.OPT || drop[i] === true) continue;
    const rdata = rewriteRdata(buf, r.type, r.rdStart, r.rdEnd);
    if (rdata === null) return `bad names in a type ${r.type} record`;
    const fixed = Buffer.from(buf.subarray(r.fixedAt, r.fixedAt + 10));
    fixed.writeUInt16BE(rdata.length, 8);
    parts.push(r.owner === qname ? QNAME_POINTER : encodeName(r.owner), fixed, rdata);
    kept[r.section]!++;
  }
  const out = Buffer.concat(parts);
  if (out.length > 0xffff) return 'scrubbed reply too long';
  out.writeUInt16BE(kept[0]!, 6);
  out.writeUInt16BE(kept[1]!, 8);
  out.writeUInt16BE(kept[2]!, 10);
  return out;
}

/** RDATA with its names written out in full (no pointers left), or null when they do not read. */
function rewriteRdata(buf: Uint8Array, type: number, start: number, end: number): Uint8Array | null {
  const layout = NAMED_RDATA.get(type);
  if (layout === undefined) return buf.subarray(start, end);
  const parts: Uint8Array[] = [buf.subarray(start, start + layout.prefix)];
  let pos = start + layout.prefix;
  for (let n = 0; n < layout.names; n++) {
    const name = pos < end ? readName(buf, pos) : null;
    if (name === null || name.end > end) return null;
    parts.push(encodeName(name.name));
    pos = name.end;
  }
  parts.push(buf.subarray(pos, end));
  return Buffer.concat(parts);
}
