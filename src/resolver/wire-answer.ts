/**
 * From a Resolution (or a rejected packet) to the bytes sent: adds the OPT record when the client
 * used EDNS (RFC 6891 §7: only then), and applies the size limit of the transport: on UDP
 * min(client's EDNS size, 1232), or 512 without EDNS; a message that does not fit goes out with
 * TC=1 and the question only, so the client retries over TCP.
 */
import { CLASSIC_UDP_PAYLOAD, HEADER_SIZE, MAX_UDP_PAYLOAD, Rcode } from '../dns/constants.js';
import { appendOpt, buildResponse, truncatedCopy } from '../dns/message-builder.js';
import type { RejectedQuery } from '../dns/query-reader.js';
import type { DnsQuery, Resolution, Transport } from './types.js';

/** Largest message over TCP (16-bit length prefix). */
const MAX_TCP_MESSAGE = 65535;

/** Final bytes for a resolution; `truncated` tells the caller TC was set. */
export function encodeAnswer(q: DnsQuery, res: Resolution, transport: Transport): { bytes: Buffer; truncated: boolean } {
  const edns = q.edns;
  const limit = transport === 'tcp' ? MAX_TCP_MESSAGE : edns ? Math.min(edns.udpSize, MAX_UDP_PAYLOAD) : CLASSIC_UDP_PAYLOAD;
  const withOpt = (m: Buffer): Buffer =>
    edns ? appendOpt(m, { udpSize: MAX_UDP_PAYLOAD, dnssecOk: edns.dnssecOk, ...(res.ede ? { ede: res.ede } : {}) }) : m;
  let bytes = withOpt(res.message);
  if (bytes.length <= limit) return { bytes, truncated: false };
  bytes = withOpt(truncatedCopy(res.message, q.question.length));
  if (bytes.length > limit) bytes = truncatedCopy(res.message, q.question.length);
  return { bytes, truncated: true };
}

/** The answer to a packet the strict reader rejected (FORMERR, NOTIMP or BADVERS). */
export function encodeRejection(packet: Uint8Array, rejected: RejectedQuery): Buffer {
  const question = rejected.questionEnd > HEADER_SIZE ? packet.subarray(HEADER_SIZE, rejected.questionEnd) : new Uint8Array(0);
  const message = buildResponse({ id: rejected.id, queryFlags: rejected.flags, rcode: rejected.rcode & 0xf, question });
  if (rejected.rcode === Rcode.BADVERS || rejected.edns) {
    // BADVERS needs an OPT to carry its upper RCODE bits (RFC 6891 §6.1.3).
    return appendOpt(message, { udpSize: MAX_UDP_PAYLOAD, dnssecOk: false, extendedRcode: rejected.rcode >> 4 });
  }
  return message;
}
