/**
 * block: decides from the current policy snapshot. A blocked name is answered at once (never
 * cached, so unblocking applies on the next query). After next, the CNAME chain of the answer is
 * inspected: an allowed name that aliases a blocked one is blocked too (CNAME cloaking).
 */
import { blockedAnswer } from '../answers.js';
import type { PolicyHolder } from '../../policy/snapshot.js';
import type { DnsQuery, Resolution, Stage } from '../types.js';

/** Creates the block stage over a policy holder (read once per query: one consistent snapshot). */
export function createBlockStage(deps: { readonly policy: PolicyHolder }): Stage {
  const inspect = (q: DnsQuery, res: Resolution, policy = deps.policy.current()): Resolution => {
    const targets = res.cnames;
    if (targets === undefined || targets.length === 0) return res;
    for (const target of targets) {
      const decision = policy.matcher.match(target);
      if (decision !== null) return blockedAnswer(q, decision, policy.blockMode);
    }
    return res;
  };
  return {
    name: 'block',
    run(q, next) {
      const policy = deps.policy.current();
      const decision = policy.matcher.match(q.name);
      if (decision !== null) return blockedAnswer(q, decision, policy.blockMode);
      const res = next(q);
      return res instanceof Promise ? res.then((r) => inspect(q, r, deps.policy.current())) : inspect(q, res, policy);
    },
  };
}
