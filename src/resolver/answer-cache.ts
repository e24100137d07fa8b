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

/** A stored answer; opaque to callers except for what CNAME inspection needs. */
export interface CachedAnswer {
  readonly cnames: readonly string[];
  /** When the answer stops being fresh (ms since the epoch); after it, only serve-stale may use it. */
  readonly expiresAt: number;
}

interface Entry extends CachedAnswer {
  readonly key: string;
  readonly message: Buffer;
  readonly ttlOffsets: Uint32Array;
  readonly ttls: Uint32Array;
  readonly storedAt: number;
  /** Second-chance bit (CLOCK): set by a hit, so hits never reorder the Map. */
  referenced: boolean;
}

/** Why a message is or is not cached, with the TTL that applies. */
export type Cacheability = { readonly ok: true; readonly ttl: number } | { readonly ok: false; readonly reason: string };

export interface AnswerCache {
  /** The entry for `key` if it is fresh or still within the stale window; undefined otherwise. */
  get(key: string): CachedAnswer | undefined;
  /** True while `answer` is within its TTL. */
  isFresh(answer: CachedAnswer): boolean;
  /**
   * The message for this client: ID, RD/CD, question and remaining TTLs patched (TTL staleTtl once
   * expired). Null if the question cannot be fitted.
   */
  render(answer: CachedAnswer, q: DnsQuery): Buffer | null;
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

/** Creates a cache. Eviction is CLOCK (second chance): an approximation of LRU with O(1) hits. */
export function createAnswerCache(opts: AnswerCacheOptions): AnswerCache {
  const entries = new Map<string, Entry>();
  // Eviction order, oldest first, kept apart from the Map: removing from the front of a Map
  // leaves holes its iterators must skip, which made each eviction slower the longer it ran.
  let queue: Entry[] = [];
  let head = 0;
  const evict = (): void => {
    while (entries.size > opts.maxEntries && head < queue.length) {
      const e = queue[head++]!;
      if (entries.get(e.key) !== e) continue; // replaced or already gone
      if (e.referenced && opts.maxEntries > 0) {
        e.referenced = false; // second chance
        queue.push(e);
      } else {
        entries.delete(e.key);
      }
    }
    // Keep the queue near the live size: drop consumed items, and stale ones (replaced keys)
    // when they pile up while the cache is not full.
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    } else if (queue.length - head > 2 * entries.size + 1024) {
      queue = queue.slice(head).filter((e) => entries.get(e.key) === e);
      head = 0;
    }
  };
  return {
    get size() {
      return entries.size;
    },
    clear: () => {
      entries.clear();
      queue = [];
      head = 0;
    },
    get(key) {
      const e = entries.get(key);
      if (e === undefined) return undefined;
      if (opts.clock() >= e.expiresAt + opts.maxStale * 1000) {
        entries.delete(key);
        return undefined;
      }
      e.referenced = true;
      return e;
    },
    isFresh: (answer) => opts.clock() < answer.expiresAt,
    render(answer, q) {
      const e = answer as Entry;
      const now = opts.clock();
      const stale = now >= e.expiresAt;
      const out = Buffer.allocUnsafe(e.message.length);
      e.message.copy(out);
      if (!patchForClient(out, q.id, q.flags, q.question)) return null;
      const elapsed = Math.floor((now - e.storedAt) / 1000);
      for (let i = 0; i < e.ttlOffsets.length; i++) {
        const ttl = stale ? opts.staleTtl : Math.max(e.ttls[i]! - elapsed, 0);
        out.writeUInt32BE(ttl, e.ttlOffsets[i]!);
      }
      return out;
    },
    set(key, message) {
      const reply = parseReply(message);
      if (typeof reply === 'string') return { ok: false, reason: `malformed: ${reply}` };
      const verdict = isCacheable(reply, opts);
      if (!verdict.ok) return verdict;
      const offsets = reply.ttlOffsets.filter((o) => o + 4 <= message.length);
      // Own memory, not a slice of Node's shared 8 KB pool: a long-lived slice would pin its whole
      // pool chunk, and 10,000 entries could hold 80 MB of otherwise dead buffers.
      const stored = Buffer.allocUnsafeSlow(message.length);
      message.copy(stored);
      const cap = reply.soa && reply.answerCount === 0 ? opts.negativeMaxTtl : opts.maxTtl;
      const ttls = Uint32Array.from(offsets, (o) => Math.min(Math.max(stored.readUInt32BE(o), opts.minTtl), cap));
      const now = opts.clock();
      const entry: Entry = { key, message: stored, ttlOffsets: Uint32Array.from(offsets), ttls, storedAt: now, expiresAt: now + verdict.ttl * 1000, cnames: reply.cnames, referenced: false };
      entries.set(key, entry);
      queue.push(entry);
      evict();
      return verdict;
    },
  };
}
