/**
 * guard: cheap refusals before any lookup. Clients outside the allowed networks get REFUSED (no
 * open resolver for the Internet), clients over their rate limit get REFUSED, classes other than
 * IN get NOTIMP, and ANY gets the RFC 8482 minimal answer (no amplification).
 */
import { QClass, QType } from '../../dns/constants.js';
import { minimalAnyAnswer, notImplementedAnswer, refusedAnswer } from '../answers.js';
import type { RateLimiter } from '../rate-limiter.js';
import type { Stage } from '../types.js';

export interface GuardDeps {
  readonly isAllowedClient: (ip: string) => boolean;
  readonly rateLimiter: RateLimiter;
  /** Called when a client first goes over its limit (at most once a minute per client). */
  readonly onRateLimited?: (ip: string) => void;
  readonly clock?: () => number;
}

/** Creates the guard stage. */
export function createGuardStage(deps: GuardDeps): Stage {
  const lastReported = new Map<string, number>();
  const report = (ip: string): void => {
    if (!deps.onRateLimited || !deps.clock) return;
    const now = deps.clock();
    if ((lastReported.get(ip) ?? -Infinity) > now - 60_000) return;
    if (lastReported.size > 1000) lastReported.clear();
    lastReported.set(ip, now);
    deps.onRateLimited(ip);
  };
  return {
    name: 'guard',
    run(q, next) {
      if (!deps.isAllowedClient(q.client.ip)) return refusedAnswer(q, 'refused', 'client not allowed');
      if (!deps.rateLimiter.allow(q.client.ip)) {
        report(q.client.ip);
        return refusedAnswer(q, 'rate-limited', 'rate limited');
      }
      if (q.qclass !== QClass.IN) return notImplementedAnswer(q);
      if (q.type === QType.ANY) return minimalAnyAnswer(q);
      return next(q);
    },
  };
}
