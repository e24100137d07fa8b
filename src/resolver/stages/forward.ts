/**
 * forward (terminal): asks the upstreams. Identical questions in flight share one upstream query
 * (the CVE-2020-25686 birthday defence, and less load); a question whose upstreams all failed is
 * not retried for a few seconds (RFC 9520 §3.2 failure caching), so a dead upstream cannot turn
 * one client's retries into a storm. Each client (device, else address) may have at most
 * `maxInflightPerClient` upstream queries of its own in flight, so one device resolving hundreds
 * of slow names cannot take every upstream slot from the rest of the home. Throws UpstreamError;
 * cache turns that into stale or server into SERVFAIL.
 */
import { patchForClient } from '../../dns/message-patch.js';
import { cacheKey } from '../answer-cache.js';
import type { ResolverCounters } from '../counters.js';
import type { UpstreamAnswer, UpstreamClient } from '../upstream.js';
import { UpstreamError } from '../upstream-error.js';
import type { Clock, DnsQuery, Resolution, Stage } from '../types.js';

export interface ForwardDeps {
  readonly upstream: UpstreamClient;
  readonly counters: ResolverCounters;
  readonly clock: Clock;
  /** Upstream queries in flight at most; past it new questions fail fast. */
  readonly maxInflight: number;
  /**
   * Upstream queries one client may have started and not yet seen settle; past it, that client's
   * new questions fail fast (SERVFAIL, or stale from the cache) while other clients keep theirs.
   * Failing fast rather than queueing: a queue would hold the device's later, ordinary lookups
   * behind its slow ones and cost memory per waiting query; a stub retries a SERVFAIL anyway.
   * Joining an identical question already in flight costs no slot and is always allowed.
   * Defaults to maxInflight (no per-client cap); values above it act as maxInflight.
   */
  readonly maxInflightPerClient?: number;
  /** How long a failed question is answered from the failure cache (RFC 9520 says ≥ 1 s). */
  readonly failureTtlMs?: number;
}

/** Creates the forward stage. */
export function createForwardStage(deps: ForwardDeps): Stage {
  const inflight = new Map<string, Promise<UpstreamAnswer>>();
  const failures = new Map<string, number>();
  const failureTtlMs = deps.failureTtlMs ?? 5_000;
  const perClientCap = Math.min(deps.maxInflightPerClient ?? deps.maxInflight, deps.maxInflight);
  /** Upstream queries in flight per client key; a key is removed when it drops to zero. */
  const perClient = new Map<string, number>();
  const release = (who: string): void => {
    const left = (perClient.get(who) ?? 1) - 1;
    if (left <= 0) perClient.delete(who);
    else perClient.set(who, left);
  };

  const toResolution = (q: DnsQuery, answer: UpstreamAnswer): Resolution => {
    const message = Buffer.from(answer.message);
    if (!patchForClient(message, q.id, q.flags, q.question)) throw new UpstreamError('reply question does not fit the query');
    return { outcome: 'forwarded', message, cnames: answer.reply.cnames };
  };

  const rememberFailure = (key: string): void => {
    if (failures.size >= 10_000) failures.clear();
    failures.set(key, deps.clock() + failureTtlMs);
  };

  return {
    name: 'forward',
    run(q) {
      const key = cacheKey(q);
      let pending = inflight.get(key);
      if (pending !== undefined) {
        deps.counters.coalesced++;
      } else {
        const failedUntil = failures.get(key);
        if (failedUntil !== undefined) {
          if (failedUntil > deps.clock()) return Promise.reject(new UpstreamError('upstreams failed for this question moments ago'));
          failures.delete(key);
        }
        if (inflight.size >= deps.maxInflight) return Promise.reject(new UpstreamError('too many upstream queries in flight'));
        // The device when identify found one (a trusted forwarder's clients are told apart), else the address.
        const who = q.requester?.deviceId ?? q.client.ip;
        const mine = perClient.get(who) ?? 0;
        if (mine >= perClientCap) return Promise.reject(new UpstreamError('this client has too many upstream queries in flight'));
        perClient.set(who, mine + 1);
        pending = deps.upstream.resolve(q);
        inflight.set(key, pending);
        pending.then(
          () => {
            inflight.delete(key);
            release(who);
          },
          () => {
            inflight.delete(key);
            release(who);
            rememberFailure(key);
          },
        );
      }
      return pending.then((answer) => toResolution(q, answer));
    },
  };
}
