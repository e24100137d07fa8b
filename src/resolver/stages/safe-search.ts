/**
 * safe-search: for a profile with SafeSearch on, a search engine or YouTube host is answered with a
 * CNAME to the engine's enforced host followed by that host's own records, which is exactly what
 * the engines ask networks to publish (see safe-search-hosts.ts for each engine's source). The
 * enforced host is resolved through the rest of the chain, so its answer is cached by the cache
 * stage like any other name and the CNAME is composed fresh for each client.
 */
import { QType, Rcode } from '../../dns/constants.js';
import { buildResponse, QNAME_POINTER, type RecordSpec } from '../../dns/message-builder.js';
import { encodeName, readName } from '../../dns/name-codec.js';
import { parseReply } from '../../dns/reply-reader.js';
import { servfailAnswer } from '../answers.js';
import { DEFAULT_SAFE_SEARCH_TARGETS, safeSearchTarget, type SafeSearchTargets } from '../safe-search-hosts.js';
import type { DnsQuery, Resolution, Stage } from '../types.js';

/**
 * Longest TTL of the synthesized CNAME: a device keeps the CNAME that long, so a schedule that turns
 * SafeSearch off for the evening reaches it within five minutes.
 */
export const SAFE_SEARCH_CNAME_TTL = 300;

/** Options of the safe-search stage. */
export interface SafeSearchStageDeps {
  /** The enforced host per engine (default: the strictest, e.g. YouTube strict). */
  readonly targets?: SafeSearchTargets;
  /** Cap of the CNAME's TTL in seconds (default SAFE_SEARCH_CNAME_TTL). */
  readonly maxCnameTtl?: number;
}

/** Creates the stage; it sits after block (policy first) and before cache (the target is cached). */
export function createSafeSearchStage(deps: SafeSearchStageDeps = {}): Stage {
  const targets = deps.targets ?? DEFAULT_SAFE_SEARCH_TARGETS;
  const maxTtl = deps.maxCnameTtl ?? SAFE_SEARCH_CNAME_TTL;
  return {
    name: 'safe-search',
    run(q, next) {
      // The common case costs one Map lookup; the profile is asked only for a search host.
      const target = safeSearchTarget(q.name, targets);
      if (target === null || target === q.name || q.requester?.isSafeSearchOn(q.receivedAt) !== true) return next(q);
      const targetWire = encodeName(target);
      // RFC 1034 §3.6.2: a CNAME query is answered with the CNAME itself; nothing to chase.
      if (q.type === QType.CNAME) return cnameOnly(q, target, targetWire, maxTtl);
      const inner = next(targetQuery(q, target, targetWire));
      const compose = (res: Resolution): Resolution => composeAnswer(q, target, targetWire, res, maxTtl);
      return inner instanceof Promise ? inner.then(compose) : compose(inner);
    },
  };
}

/** The same query for the enforced host: same id, flags, type, class, client, time and requester. */
function targetQuery(q: DnsQuery, target: string, targetWire: Buffer): DnsQuery {
  const question = Buffer.allocUnsafe(targetWire.length + 4);
  targetWire.copy(question, 0);
  question.writeUInt16BE(q.type, targetWire.length);
  question.writeUInt16BE(q.qclass, targetWire.length + 2);
  return { ...q, name: target, question };
}

function cnameRecord(q: DnsQuery, targetWire: Buffer, ttl: number): RecordSpec {
  return { owner: QNAME_POINTER, type: QType.CNAME, qclass: q.qclass, ttl, rdata: targetWire };
}

function cnameOnly(q: DnsQuery, target: string, targetWire: Buffer, ttl: number): Resolution {
  const answers = [cnameRecord(q, targetWire, ttl)];
  const message = buildResponse({ id: q.id, queryFlags: q.flags, rcode: Rcode.NOERROR, question: q.question, answers });
  return { outcome: 'local', message, cnames: [target] };
}

/**
 * The client's answer: its own question, the CNAME (owner = QNAME pointer), then the enforced
 * host's answer records re-encoded without compression. Pointers in the inner message point into
 * ITS question and records; copied as they are they would dangle in ours (RFC 1035 §4.1.4), so
 * owners and the names inside RDATA are decoded and written out in full.
 */
function composeAnswer(q: DnsQuery, target: string, targetWire: Buffer, res: Resolution, maxTtl: number): Resolution {
  const reply = parseReply(res.message);
  if (typeof reply === 'string' || reply.name !== target) return servfailAnswer(q, 'unreadable answer for the SafeSearch host');
  const rcode = reply.rcode & 0xf;
  // A CNAME to a name that could not be resolved helps nobody: the client gets the failure itself.
  if (rcode !== Rcode.NOERROR && rcode !== Rcode.NXDOMAIN) {
    const failed = servfailAnswer(q, 'no answer for the SafeSearch host');
    return res.ede === undefined ? failed : { ...failed, ede: res.ede };
  }
  const buf = res.message;
  const answers = copyRecords(buf, reply.questionEnd, reply.answerCount, () => true);
  // Only the SOA of the authority section is kept: it lets the client cache a NODATA/NXDOMAIN for
  // the target (RFC 2308 §3); NS records are optional and dropped.
  const authorityCount = buf.readUInt16BE(8);
  const authority = answers && copyRecords(buf, answers.end, authorityCount, (type) => type === QType.SOA);
  if (!answers || !authority) return servfailAnswer(q, 'unreadable answer for the SafeSearch host');
  // The CNAME must not outlive the records it leads to; never longer than maxTtl.
  const ttl = reply.minAnswerTtl >= 0 ? Math.min(maxTtl, reply.minAnswerTtl) : maxTtl;
  // Header as for any answer of ours: the client's id, RD/CD echoed, RA set (buildResponse); the
  // inner RCODE kept, NXDOMAIN included: it speaks of the last name of the chain (RFC 6604 §2).
  const message = buildResponse({
    id: q.id,
    queryFlags: q.flags,
    rcode,
    question: q.question,
    answers: [cnameRecord(q, targetWire, ttl), ...answers.records],
    authority: authority.records,
  });
  return { ...res, message, cnames: [target, ...(res.cnames ?? [])] };
}

/**
 * RDATA layouts holding domain names that may be compressed: bytes before the names and how many
 * names. RFC 1035 types (NS, MD, MF, CNAME, SOA, MB, MG, MR, PTR, MINFO, MX) and those RFC 3597 §4
 * says to decompress on receipt (RP, AFSDB, RT, SRV). Other RDATA is never compressed and is
 * copied byte for byte (SVCB/HTTPS target names included, RFC 9460 §2.2).
 */
const NAME_LAYOUTS: ReadonlyMap<number, readonly [prefix: number, names: number]> = new Map([
  [2, [0, 1]], [3, [0, 1]], [4, [0, 1]], [5, [0, 1]], [7, [0, 1]], [8, [0, 1]], [9, [0, 1]], [12, [0, 1]],
  [6, [0, 2]], [14, [0, 2]], [17, [0, 2]], // SOA (+ 20 octets), MINFO, RP
  [15, [2, 1]], [18, [2, 1]], [21, [2, 1]], // MX, AFSDB, RT: preference then name
  [33, [6, 1]], // SRV: priority, weight, port, target
] as const);

interface Copied {
  readonly records: RecordSpec[];
  readonly end: number;
}

/** Reads `count` records from `pos`, keeping those `keep` accepts, names written in full; null if malformed. */
function copyRecords(buf: Buffer, pos: number, count: number, keep: (type: number) => boolean): Copied | null {
  const records: RecordSpec[] = [];
  for (let i = 0; i < count; i++) {
    const owner = readName(buf, pos);
    if (owner === null || owner.end + 10 > buf.length) return null;
    const p = owner.end;
    const type = buf.readUInt16BE(p);
    const rdStart = p + 10;
    const rdEnd = rdStart + buf.readUInt16BE(p + 8);
    if (rdEnd > buf.length) return null;
    if (keep(type) && type !== QType.OPT) {
      const rdata = expandRdata(buf, type, rdStart, rdEnd);
      if (rdata === null) return null;
      records.push({ owner: encodeName(owner.name), type, qclass: buf.readUInt16BE(p + 2), ttl: buf.readUInt32BE(p + 4), rdata });
    }
    pos = rdEnd;
  }
  return { records, end: pos };
}

/** RDATA with every embedded name decompressed (see NAME_LAYOUTS); null if a name is malformed. */
function expandRdata(buf: Buffer, type: number, start: number, end: number): Buffer | null {
  const layout = NAME_LAYOUTS.get(type);
  if (layout === undefined) return Buffer.from(buf.subarray(start, end));
  const [prefix, names] = layout;
  if (start + prefix > end) return null;
  const parts: Buffer[] = [buf.subarray(start, start + prefix)];
  let pos = start + prefix;
  for (let i = 0; i < names; i++) {
    const name = readName(buf, pos);
    if (name === null || name.end > end) return null;
    parts.push(encodeName(name.name));
    pos = name.end;
  }
  parts.push(buf.subarray(pos, end));
  return Buffer.concat(parts);
}
