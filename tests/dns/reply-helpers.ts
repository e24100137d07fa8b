/** Shared by the reply tests: the response flags word, a pointer to the QNAME, a must-parse reader. */
import { parseReply, type ParsedReply } from '../../src/dns/reply-reader.js';

export const RESPONSE = 0x8180;
export const PTR_Q = Buffer.from([0xc0, 12]);

/** parseReply that throws on a reject, for replies a test means to be valid. */
export function ok(buf: Buffer): ParsedReply {
  const r = parseReply(buf);
  if (typeof r === 'string') throw new Error(`unexpected reject: ${r}`);
  return r;
}
