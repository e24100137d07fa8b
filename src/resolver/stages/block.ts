/**
 * block: decides with the requester's policy (device override, schedule windows, profile lists
 * and rules; see src/policy/). A blocked name is answered at once (never cached, so unblocking
 * applies on the next query). After next, the names the answer leads to are inspected, fresh or
 * cached: CNAME and DNAME targets, DNAME-synthesized names and SVCB/HTTPS TargetNames (parsed by
 * src/dns/reply-reader.ts). An allowed name that aliases, redirects or points clients at a blocked
 * one is blocked too (CNAME cloaking, DNAME into a blocked zone, HTTPS target with address hints).
 * Records outside the question's chain never get here: upstream.ts scrubs them before the cache,
 * so every record a client receives is owned by a name that was decided or inspected.
 */
import { blockedAnswer } from '../answers.js';
import type { PolicyHolder } from '../../policy/snapshot.js';
import type { DnsQuery, Requester, Resolution, Stage } from '../types.js';

/** Creates the block stage over a policy holder (read once per query: one consistent snapshot). */
export function createBlockStage(deps: { readonly policy: PolicyHolder }): Stage {
  const inspect = (q: DnsQuery, res: Resolution, who: Requester): Resolution => {
    const targets = res.cnames;
    if (targets === undefined || targets.length === 0) return res;
    for (const target of targets) {
      const decision = who.decide(target, q.receivedAt);
      if (decision !== null) return blockedAnswer(q, decision, deps.policy.current().blockMode);
    }
    return res;
  };
  return {
    name: 'block',
    run(q, next) {
      const policy = deps.policy.current();
      // The identify stage set the requester; without one (tools, tests) the default profile applies.
      const who = q.requester ?? policy.fallback;
      const decision = who.decide(q.name, q.receivedAt);
      if (decision !== null) return blockedAnswer(q, decision, policy.blockMode);
      const res = next(q);
      return res instanceof Promise ? res.then((r) => inspect(q, r, who)) : inspect(q, res, who);
    },
  };
}
