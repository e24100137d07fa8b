/** Counters the resolver keeps for tests, `vigie doctor` and the admin page (plain numbers, no I/O). */
export interface ResolverCounters {
  queries: number;
  blocked: number;
  cached: number;
  stale: number;
  forwarded: number;
  refused: number;
  rateLimited: number;
  servfail: number;
  local: number;
  /** Packets dropped without an answer (too short to answer, or QR=1). */
  dropped: number;
  /** FORMERR / NOTIMP / BADVERS answers to malformed queries. */
  malformed: number;
  /** Replies from upstream that did not match an outstanding query (RFC 5452). */
  unwantedReplies: number;
  upstreamTimeouts: number;
  upstreamErrors: number;
  upstreamQueries: number;
  /** Queries answered by joining an identical in-flight upstream query. */
  coalesced: number;
  truncatedAnswers: number;
  tcpConnections: number;
  tcpRejected: number;
  /** Blocked answers per category (a few dozen keys at most). */
  readonly blockedByCategory: Map<string, number>;
  /**
   * Upstream answer times: `upstreamLatency.counts[i]` answers took at most
   * `UPSTREAM_LATENCY_BOUNDS_MS[i]` ms (the last slot: longer); `sumMs` their total. For /metrics.
   */
  readonly upstreamLatency: { readonly counts: Float64Array; sumMs: number };
}

/** Upper bounds (ms) of the upstream latency histogram's buckets (Prometheus `le`). */
export const UPSTREAM_LATENCY_BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500] as const;

/** Records one upstream answer time (no allocation). */
export function recordUpstreamLatency(counters: ResolverCounters, ms: number): void {
  const bounds = UPSTREAM_LATENCY_BOUNDS_MS;
  let i = 0;
  while (i < bounds.length && ms > bounds[i]!) i++;
  counters.upstreamLatency.counts[i]!++;
  counters.upstreamLatency.sumMs += ms;
}

/** A fresh set of counters at zero. */
export function createCounters(): ResolverCounters {
  return {
    queries: 0,
    blocked: 0,
    cached: 0,
    stale: 0,
    forwarded: 0,
    refused: 0,
    rateLimited: 0,
    servfail: 0,
    local: 0,
    dropped: 0,
    malformed: 0,
    unwantedReplies: 0,
    upstreamTimeouts: 0,
    upstreamErrors: 0,
    upstreamQueries: 0,
    coalesced: 0,
    truncatedAnswers: 0,
    tcpConnections: 0,
    tcpRejected: 0,
    blockedByCategory: new Map(),
    upstreamLatency: { counts: new Float64Array(UPSTREAM_LATENCY_BOUNDS_MS.length + 1), sumMs: 0 },
  };
}
