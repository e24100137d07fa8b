/**
 * Notices the most common reason Vigie cannot tell children's devices apart: the home router
 * hands out its own address as DNS server and relays every query, so all queries arrive from the
 * router. Symptom: nearly all queries from one address, and at most two clients in all.
 * Counts are kept in two rotating buckets of half a window each, so the verdict covers the last
 * half-window to window of traffic and old traffic is forgotten without per-query timestamps.
 */
import type { Clock } from '../resolver/types.js';
import { isLoopbackText } from './ip-text.js';

/** What a parent can do about it (English; shown by `vigie doctor`, the log and the admin page). */
export const ROUTER_PROXY_ADVICE =
  "All devices seem to reach Vigie through your router, so Vigie cannot tell your children's devices apart. " +
  "In the router's DHCP settings, set the \"DNS server\" given to devices to Vigie's address instead of the router's own; " +
  'or, if the router runs dnsmasq (OpenWrt and many others), turn on "add-mac" together with "strip-mac" so Vigie sees each device\'s MAC address (docs/router.md).';

/** Tuning; defaults in brackets. */
export interface RouterProxyDetectorDeps {
  readonly clock: Clock;
  /** Span of traffic judged [3 600 000 ms]. */
  readonly windowMs?: number;
  /** Fewer queries than this in the window: no verdict [500]. */
  readonly minQueries?: number;
  /** Share of the queries one address must have sent [0.9]. */
  readonly share?: number;
  /** Distinct addresses remembered per bucket; past it the count alone goes on [1024]. */
  readonly maxClients?: number;
}

/** The detector's view of the current window. Loopback traffic is left out of every number. */
export interface RouterProxyVerdict {
  readonly suspected: boolean;
  /** The address that sent the most queries, or null when none. */
  readonly ip: string | null;
  /** Its share of the queries, 0..1. */
  readonly share: number;
  readonly queries: number;
  /** Distinct non-loopback addresses. */
  readonly clients: number;
}

/** See {@link createRouterProxyDetector}. */
export interface RouterProxyDetector {
  /** Counts one query from `ip`. Hot path: O(1), no allocation for an address already counted. */
  observe(ip: string): void;
  verdict(): RouterProxyVerdict;
}

interface Bucket {
  readonly counts: Map<string, number>;
  total: number;
  /** Addresses not remembered because the map was full. */
  overflow: number;
}

/**
 * Creates the detector. Suspected when, over the window, at least minQueries non-loopback
 * queries were seen, one address sent at least `share` of them, and there were at most 2
 * distinct non-loopback clients (the router, perhaps plus one device set up by hand).
 * Feed it only queries that carried no device identity (no EDNS MAC), or a router that already
 * sends `add-mac` is flagged too.
 */
export function createRouterProxyDetector(deps: RouterProxyDetectorDeps): RouterProxyDetector {
  const bucketMs = Math.max(1, Math.floor((deps.windowMs ?? 3_600_000) / 2));
  const minQueries = deps.minQueries ?? 500;
  const minShare = deps.share ?? 0.9;
  const maxClients = deps.maxClients ?? 1024;
  let current: Bucket = { counts: new Map(), total: 0, overflow: 0 };
  let previous: Bucket = { counts: new Map(), total: 0, overflow: 0 };
  let currentStart = Math.floor(deps.clock() / bucketMs) * bucketMs;

  const reset = (b: Bucket): void => {
    b.counts.clear();
    b.total = 0;
    b.overflow = 0;
  };

  // Rotation reuses the two buckets (clear, never reallocate). A clock that steps back is
  // ignored: counts go on into the current bucket.
  const rotate = (now: number): void => {
    if (now < currentStart + bucketMs) return;
    const old = previous;
    previous = current;
    current = old;
    reset(current);
    if (now >= currentStart + 2 * bucketMs) reset(previous); // idle for a whole bucket or more
    currentStart = Math.floor(now / bucketMs) * bucketMs;
  };

  return {
    observe(ip: string): void {
      if (isLoopbackText(ip)) return;
      rotate(deps.clock());
      const b = current;
      b.total++;
      const n = b.counts.get(ip);
      if (n !== undefined) b.counts.set(ip, n + 1);
      else if (b.counts.size < maxClients) b.counts.set(ip, 1);
      else b.overflow++;
    },
    verdict(): RouterProxyVerdict {
      rotate(deps.clock());
      const queries = current.total + previous.total;
      let topIp: string | null = null;
      let top = 0;
      let clients = 0;
      for (const [ip, n] of current.counts) {
        const sum = n + (previous.counts.get(ip) ?? 0);
        clients++;
        if (sum > top) [topIp, top] = [ip, sum];
      }
      for (const [ip, n] of previous.counts) {
        if (current.counts.has(ip)) continue;
        clients++;
        if (n > top) [topIp, top] = [ip, n];
      }
      // Overflowed addresses are unknown but certainly many: enough to rule the pattern out.
      if (current.overflow + previous.overflow > 0) clients = Math.max(clients, maxClients + 1);
      const share = queries === 0 ? 0 : top / queries;
      const suspected = queries >= minQueries && share >= minShare && clients <= 2;
      return { suspected, ip: topIp, share, queries, clients };
    },
  };
}
