/**
 * Answers the resolver makes itself: blocked, refused, SERVFAIL, NXDOMAIN, the RFC 8482 minimal
 * ANY answer and localhost. Each is built from the query's own question bytes (case preserved)
 * with a few fixed records, so no general encoder runs on the hot path.
 */
import { EdeCode, QClass, QType, Rcode } from '../dns/constants.js';
import { buildResponse, QNAME_POINTER, type RecordSpec } from '../dns/message-builder.js';
import { encodeName } from '../dns/name-codec.js';
import type { BlockDecision, DnsQuery, Outcome, Resolution } from './types.js';

/** How blocked A/AAAA queries are answered (VIGIE_BLOCK_MODE). */
export type BlockMode = 'null' | 'nxdomain' | 'refused';

/** TTL of blocked answers: short, so an unblock (or a schedule ending) is seen quickly. */
export const BLOCKED_TTL = 10;

const IPV4_ZERO = Buffer.alloc(4);
const IPV6_ZERO = Buffer.alloc(16);
const IPV4_LOOPBACK = Buffer.from([127, 0, 0, 1]);
const IPV6_LOOPBACK = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

/** SOA for synthesized negative answers, so downstream caches keep them for `ttl` (RFC 2308 §3). */
function syntheticSoa(ttl: number): RecordSpec {
  const mname = encodeName('vigie.invalid');
  const rname = encodeName('blocked.vigie.invalid');
  const rdata = Buffer.alloc(mname.length + rname.length + 20);
  mname.copy(rdata, 0);
  rname.copy(rdata, mname.length);
  const p = mname.length + rname.length;
  rdata.writeUInt32BE(1, p); // serial
  rdata.writeUInt32BE(3600, p + 4); // refresh
  rdata.writeUInt32BE(600, p + 8); // retry
  rdata.writeUInt32BE(86400, p + 12); // expire
  rdata.writeUInt32BE(ttl, p + 16); // minimum = negative TTL
  return { owner: QNAME_POINTER, type: QType.SOA, qclass: QClass.IN, ttl, rdata };
}

const BLOCKED_SOA = syntheticSoa(BLOCKED_TTL);

function respond(q: DnsQuery, rcode: number, answers: RecordSpec[] = [], authority: RecordSpec[] = []): Buffer {
  return buildResponse({ id: q.id, queryFlags: q.flags, rcode, question: q.question, answers, authority });
}

/**
 * The answer for a blocked name. A and AAAA get the block mode's answer; other types NODATA, so
 * HTTPS/SVCB records cannot carry address hints around the block. Bypass canaries (action
 * 'nxdomain') always get NXDOMAIN: a sinkhole address would tell Firefox / iCloud Private Relay
 * that encrypted DNS is allowed.
 */
export function blockedAnswer(q: DnsQuery, decision: BlockDecision, mode: BlockMode): Resolution {
  let message: Buffer;
  if (decision.action === 'nxdomain' || mode === 'nxdomain') {
    message = respond(q, Rcode.NXDOMAIN, [], [BLOCKED_SOA]);
  } else if (mode === 'refused') {
    message = respond(q, Rcode.REFUSED);
  } else if (q.type === QType.A && q.qclass === QClass.IN) {
    message = respond(q, Rcode.NOERROR, [{ owner: QNAME_POINTER, type: QType.A, qclass: QClass.IN, ttl: BLOCKED_TTL, rdata: IPV4_ZERO }]);
  } else if (q.type === QType.AAAA && q.qclass === QClass.IN) {
    message = respond(q, Rcode.NOERROR, [{ owner: QNAME_POINTER, type: QType.AAAA, qclass: QClass.IN, ttl: BLOCKED_TTL, rdata: IPV6_ZERO }]);
  } else {
    message = respond(q, Rcode.NOERROR, [], [BLOCKED_SOA]);
  }
  // The EDE text is only sent to EDNS clients (RFC 8914 needs OPT): build it only for them.
  if (q.edns === null) return { outcome: 'blocked', message, decision };
  return { outcome: 'blocked', message, decision, ede: { code: EdeCode.BLOCKED, text: `${decision.category}: ${decision.rule}` } };
}

/** REFUSED, e.g. for a client outside the allowed networks or over its rate limit. */
export function refusedAnswer(q: DnsQuery, outcome: Outcome = 'refused', text = 'refused'): Resolution {
  return { outcome, message: respond(q, Rcode.REFUSED), ede: { code: EdeCode.PROHIBITED, text } };
}

/** SERVFAIL when no upstream answered in time and nothing stale could be served. */
export function servfailAnswer(q: DnsQuery, text = 'no upstream answered'): Resolution {
  return { outcome: 'servfail', message: respond(q, Rcode.SERVFAIL), ede: { code: EdeCode.NO_REACHABLE_AUTHORITY, text } };
}

/** NXDOMAIN for names that must never leave the home (RFC 6761, RFC 6303, RFC 7686). */
export function localNxdomain(q: DnsQuery): Resolution {
  return { outcome: 'local', message: respond(q, Rcode.NXDOMAIN, [], [syntheticSoa(3600)]) };
}

/** localhost and its subdomains resolve to loopback (RFC 6761 §6.3); other types NODATA. */
export function localhostAnswer(q: DnsQuery): Resolution {
  const rdata = q.type === QType.A ? IPV4_LOOPBACK : q.type === QType.AAAA ? IPV6_LOOPBACK : null;
  const answers = rdata ? [{ owner: QNAME_POINTER, type: q.type, qclass: QClass.IN, ttl: 3600, rdata }] : [];
  return { outcome: 'local', message: respond(q, Rcode.NOERROR, answers, rdata ? [] : [syntheticSoa(3600)]) };
}

const RFC8482_HINFO = Buffer.from([7, ...Buffer.from('RFC8482'), 0]);

/** The minimal answer to ANY (RFC 8482 §4.2): one synthesized HINFO record. */
export function minimalAnyAnswer(q: DnsQuery): Resolution {
  const hinfo = { owner: QNAME_POINTER, type: QType.HINFO, qclass: q.qclass, ttl: 3600, rdata: RFC8482_HINFO };
  return { outcome: 'local', message: respond(q, Rcode.NOERROR, [hinfo]) };
}

/** NOTIMP for classes other than IN (CHAOS version queries and the like). */
export function notImplementedAnswer(q: DnsQuery): Resolution {
  return { outcome: 'refused', message: respond(q, Rcode.NOTIMP) };
}
