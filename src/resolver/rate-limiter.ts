/**
 * Per-client token buckets. Generous by default (a home device never comes close), they stop a
 * flood from one device starving the others. Memory is bounded: past maxClients, buckets that are
 * full again (idle clients) are dropped.
 */
import type { Clock } from './types.js';

export interface RateLimiter {
  /** True if `client` may send one more query now. */
  allow(client: string): boolean;
  readonly size: number;
}

export interface RateLimiterOptions {
  /** Sustained queries per second per client; 0 disables the limit. */
  readonly qps: number;
  /** Bucket size (burst), default 2 × qps. */
  readonly burst?: number;
  readonly maxClients?: number;
  readonly clock: Clock;
}

interface Bucket {
  tokens: number;
  last: number;
}

/** Creates a limiter. */
export function createRateLimiter(opts: RateLimiterOptions): RateLimiter {
  const { qps, clock } = opts;
  const burst = opts.burst ?? qps * 2;
  const maxClients = opts.maxClients ?? 10_000;
  const buckets = new Map<string, Bucket>();
  const prune = (now: number): void => {
    for (const [key, b] of buckets) {
      if (b.tokens + ((now - b.last) / 1000) * qps >= burst) buckets.delete(key);
    }
    // Still full of active clients: start over rather than grow without bound.
    if (buckets.size >= maxClients) buckets.clear();
  };
  return {
    get size() {
      return buckets.size;
    },
    allow(client) {
      if (qps <= 0) return true;
      const now = clock();
      let b = buckets.get(client);
      if (b === undefined) {
        if (buckets.size >= maxClients) prune(now);
        b = { tokens: burst, last: now };
        buckets.set(client, b);
      } else {
        b.tokens = Math.min(burst, b.tokens + ((now - b.last) / 1000) * qps);
        b.last = now;
      }
      if (b.tokens < 1) return false;
      b.tokens -= 1;
      return true;
    },
  };
}
