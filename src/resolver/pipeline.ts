/**
 * THE one place where the order of the query stages is written (Blocky's createQueryResolver,
 * CoreDNS's plugin chain). Each stage answers or calls next; see types.ts for the contract.
 */
import type { DnsQuery, MaybePromise, Next, Resolution, Stage } from './types.js';

/** The stages in order; each field is one stage so the order below is explicit and typed. */
export interface PipelineStages {
  readonly record: Stage;
  readonly guard: Stage;
  readonly identify: Stage;
  readonly localNames: Stage;
  readonly block: Stage;
  readonly safeSearch: Stage;
  readonly cache: Stage;
  readonly forward: Stage;
}

/**
 * Chains the stages into one handler. Order and why:
 * 1. record outermost, so blocked, cached, refused and failed queries are all counted and the
 *    blocked attempts reach the log whatever stage produced them.
 * 2. guard before any work: clients outside the allowed networks and clients over their rate
 *    limit are refused before they cost a lookup (open-resolver and amplification defence).
 * 3. identify after guard, so refused clients never become device rows (a flood of spoofed
 *    sources cannot fill the device table), and before block and safeSearch, whose decisions
 *    depend on the device's profile, schedule and override; record reads it after next.
 * 4. localNames before block and forward: names that must never leave the home (RFC 6761/6303,
 *    .local, private reverse zones, DDR's resolver.arpa) get an answer here.
 * 5. block above cache, so a list, schedule or device change applies on the very next query
 *    without a cache flush; after next it inspects the names cached and fresh answers lead to
 *    (CNAME, DNAME, SVCB/HTTPS targets).
 * 6. safeSearch after block (a blocked engine stays blocked) and above cache: the rewrite is per
 *    profile, so it is composed per query while the enforced host's own answer is cached.
 * 7. cache above forward: hits are answered from memory with their remaining TTL; misses go on;
 *    upstream failures are turned into stale answers (RFC 8767) here.
 * 8. forward is terminal: it always answers or throws UpstreamError.
 */
export function buildPipeline(stages: PipelineStages): Next {
  const order: Stage[] = [
    stages.record, stages.guard, stages.identify, stages.localNames, stages.block, stages.safeSearch, stages.cache, stages.forward,
  ];
  return compose(order);
}

const END: Next = () => {
  throw new Error('pipeline ended without an answer');
};

/** Composes stages right to left into a single Next (an onion, as Hono's compose). */
export function compose(stages: readonly Stage[]): Next {
  let next: Next = END;
  for (let i = stages.length - 1; i >= 0; i--) {
    const stage = stages[i]!;
    const inner = next;
    next = (q: DnsQuery): MaybePromise<Resolution> => stage.run(q, inner);
  }
  return next;
}
