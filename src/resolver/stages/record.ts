/**
 * record: the outermost stage. Counts every outcome and hands each blocked attempt to the log
 * (an in-memory buffer: nothing here touches the disk).
 */
import type { ResolverCounters } from '../counters.js';
import type { BlockDecision, DnsQuery, Resolution, Stage } from '../types.js';

export interface RecordDeps {
  readonly counters: ResolverCounters;
  /** Called once per blocked answer (query name or CNAME target matched). Must not block. */
  readonly onBlocked: (q: DnsQuery, decision: BlockDecision) => void;
  /** Called once per answered or failed query (daily lookup counters). Must not block. */
  readonly onQuery?: (q: DnsQuery, blocked: boolean) => void;
}

/** Creates the record stage. */
export function createRecordStage(deps: RecordDeps): Stage {
  const { counters, onBlocked, onQuery } = deps;
  const note = (q: DnsQuery, res: Resolution): Resolution => {
    onQuery?.(q, res.outcome === 'blocked');
    switch (res.outcome) {
      case 'blocked':
        counters.blocked++;
        if (res.decision) {
          const byCategory = counters.blockedByCategory;
          byCategory.set(res.decision.category, (byCategory.get(res.decision.category) ?? 0) + 1);
          onBlocked(q, res.decision);
        }
        break;
      case 'cached':
        counters.cached++;
        break;
      case 'stale':
        counters.stale++;
        break;
      case 'forwarded':
        counters.forwarded++;
        break;
      case 'refused':
        counters.refused++;
        break;
      case 'rate-limited':
        counters.rateLimited++;
        break;
      case 'servfail':
        counters.servfail++;
        break;
      case 'local':
        counters.local++;
        break;
    }
    return res;
  };
  const failed = (q: DnsQuery, err: unknown): never => {
    counters.servfail++;
    onQuery?.(q, false);
    throw err;
  };
  return {
    name: 'record',
    run(q, next) {
      counters.queries++;
      let res;
      try {
        res = next(q);
      } catch (err) {
        return failed(q, err);
      }
      return res instanceof Promise ? res.then((r) => note(q, r), (err: unknown) => failed(q, err)) : note(q, res);
    },
  };
}
