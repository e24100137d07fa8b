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
  };
}
