/**
 * The answer cache: upstream messages stored as bytes (OPT removed), with the offset of every TTL
 * so a hit is a copy plus a few patched fields (ID, flags, question, remaining TTLs).
 * - TTLs are clamped to [minTtl, maxTtl] and count down (RFC 1035 §3.2.1, RFC 2181 §8).
 * - NXDOMAIN/NODATA are cached for min(SOA TTL, SOA MINIMUM), capped (RFC 2308 §5); without an
 *   SOA they are not cached (RFC 2308 §5: SHOULD NOT).
 * - Expired entries stay up to maxStale for serve-stale (RFC 8767), answered with TTL staleTtl.
 * - Bounded: least recently used entries are evicted past maxEntries.
 */
import { Rcode } from '../dns/constants.js';
import { patchForClient } from '../dns/message-patch.js';
import { parseReply, type ParsedReply } from '../dns/reply-reader.js';
import type { Clock, DnsQuery } from './types.js';

export interface AnswerCacheOptions {
  readonly maxEntries: number;
  readonly minTtl: number;
  readonly maxTtl: number;
  readonly negativeMaxTtl: number;
  /** TTL given to stale answers (RFC 8767 §4 suggests 30 s). */
  readonly staleTtl: number;
  /** How long past expiry an entry may still be served stale, in seconds (RFC 8767 §5). */
  readonly maxStale: number;
  readonly clock: Clock;
}

interface Entry {
  readonly message: Buffer;
  readonly ttlOffsets: Uint32Array;
  readonly ttls: Uint32Array;
  readonly storedAt: number;
  readonly expiresAt: number;
  readonly cnames: readonly string[];
}

/** A usable entry: render it for a client. */
export interface CacheHit {
  readonly stale: boolean;
  /** The message for this client (ID, flags, question, TTLs patched), or null if it cannot be fitted. */
  render(q: DnsQuery): Buffer | null;
  readonly cnames: readonly string[];
}

/** Why a message is or is not cached, with the TTL that applies. */
export type Cacheability = { readonly ok: true; readonly ttl: number } | { readonly ok: false; readonly reason: string };

export interface AnswerCache {
  /** A fresh entry, or a stale one (stale: true) still within maxStale; undefined otherwise. */
  get(key: string): CacheHit | undefined;
  /** Stores an OPT-free message if cacheable; returns the verdict. */
  set(key: string, message: Buffer): Cacheability;
  readonly size: number;
  clear(): void;
}

/** The cache key: type, class and the DO/CD bits change the answer, case does not (RFC 4343). */
export function cacheKey(q: DnsQuery): string {
  const dnssec = q.edns?.dnssecOk ? 1 : 0;
  const cd = (q.flags & 0x10) !== 0 ? 1 : 0;
  return `${q.type}/${q.qclass}/${dnssec}${cd}/${q.name}`;
}

/** Cacheability rules, each with its RFC reason (CoreDNS cache key() style). */
export function isCacheable(reply: ParsedReply, opts: Pick<AnswerCacheOptions, 'minTtl' | 'maxTtl' | 'negativeMaxTtl'>): Cacheability {
  if (reply.truncated) return { ok: false, reason: 'truncated (RFC 2181 §9: never cache TC answers)' };
  const negative = reply.rcode === Rcode.NXDOMAIN || (reply.rcode === Rcode.NOERROR && reply.answerCount === 0);
  if (negative) {
    if (reply.soa === null) return { ok: false, reason: 'negative answer without SOA (RFC 2308 §5)' };
    const ttl = Math.min(reply.soa.ttl, reply.soa.minimum, opts.negativeMaxTtl);
    return ttl > 0 ? { ok: true, ttl } : { ok: false, reason: 'negative TTL 0' };
  }
  if (reply.rcode !== Rcode.NOERROR) return { ok: false, reason: `rcode ${reply.rcode} (failures are not answers)` };
  const ttl = Math.min(Math.max(reply.minAnswerTtl, opts.minTtl), opts.maxTtl);
  return ttl > 0 ? { ok: true, ttl } : { ok: false, reason: 'TTL 0 (RFC 1035 §3.2.1: use once)' };
}

/** Creates a cache. */
export function createAnswerCache(opts: AnswerCacheOptions): AnswerCache {
  const entries = new Map<string, Entry>();
  const render = (e: Entry, q: DnsQuery, stale: boolean, now: number): Buffer | null => {
    const out = Buffer.allocUnsafe(e.message.length);
    e.message.copy(out);
    if (!patchForClient(out, q.id, q.flags, q.question)) return null;
    const elapsed = Math.floor((now - e.storedAt) / 1000);
    for (let i = 0; i < e.ttlOffsets.length; i++) {
      const ttl = stale ? opts.staleTtl : Math.max(e.ttls[i]! - elapsed, 0);
      out.writeUInt32BE(ttl, e.ttlOffsets[i]!);
    }
    return out;
  };
  return {
    get size() {
      return entries.size;
    },
    clear: () => entries.clear(),
    get(key) {
      const e = entries.get(key);
      if (e === undefined) return undefined;
      const now = opts.clock();
      const stale = now >= e.expiresAt;
      if (stale && now >= e.expiresAt + opts.maxStale * 1000) {
        entries.delete(key);
        return undefined;
      }
      // LRU: a hit moves the entry to the young end of the Map's insertion order.
      entries.delete(key);
      entries.set(key, e);
      return { stale, cnames: e.cnames, render: (q) => render(e, q, stale, opts.clock()) };
    },
    set(key, message) {
      const reply = parseReply(message);
      if (typeof reply === 'string') return { ok: false, reason: `malformed: ${reply}` };
      const verdict = isCacheable(reply, opts);
      if (!verdict.ok) return verdict;
      const offsets = reply.ttlOffsets.filter((o) => o + 4 <= message.length);
      const ttls = new Uint32Array(offsets.length);
      const stored = Buffer.from(message);
      offsets.forEach((o, i) => {
        const clamped = Math.min(Math.max(stored.readUInt32BE(o), opts.minTtl), reply.soa && reply.answerCount === 0 ? opts.negativeMaxTtl : opts.maxTtl);
        ttls[i] = clamped;
      });
      const now = opts.clock();
      entries.delete(key);
      entries.set(key, { message: stored, ttlOffsets: Uint32Array.from(offsets), ttls, storedAt: now, expiresAt: now + verdict.ttl * 1000, cnames: reply.cnames });
      while (entries.size > opts.maxEntries) {
        const oldest = entries.keys().next().value as string;
        entries.delete(oldest);
      }
      return verdict;
    },
  };
}
