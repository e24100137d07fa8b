/**
 * cache: answers hits from memory with their remaining TTL; stores what forward brings back when
 * it is cacheable; when forward fails (every upstream down or too slow), serves the expired
 * answer if it is still within the stale window (RFC 8767 §4), flagged with EDE 3.
 */
import { EdeCode } from '../../dns/constants.js';
import { cacheKey, type AnswerCache } from '../answer-cache.js';
import { isUpstreamError } from '../upstream-error.js';
import type { Resolution, Stage } from '../types.js';

/** Creates the cache stage. */
export function createCacheStage(deps: { readonly cache: AnswerCache }): Stage {
  const { cache } = deps;
  return {
    name: 'cache',
    run(q, next) {
      const key = cacheKey(q);
      const hit = cache.get(key);
      if (hit !== undefined && cache.isFresh(hit)) {
        const message = cache.render(hit, q);
        if (message !== null) return { outcome: 'cached', message, cnames: hit.cnames };
      }
      const stored = (res: Resolution): Resolution => {
        if (res.outcome === 'forwarded') cache.set(key, res.message);
        return res;
      };
      const stale = (err: unknown): Resolution => {
        const message = hit === undefined ? null : cache.render(hit, q);
        if (!isUpstreamError(err) || !message) throw err;
        return { outcome: 'stale', message, cnames: hit!.cnames, ede: { code: EdeCode.STALE_ANSWER, text: 'stale answer: upstreams unreachable' } };
      };
      let res;
      try {
        res = next(q);
      } catch (err) {
        return stale(err);
      }
      return res instanceof Promise ? res.then(stored, stale) : stored(res);
    },
  };
}

