/**
 * An upstream client whose servers can change while Vigie runs (the parents edit them in the
 * admin settings): every query uses the client current when it starts; a replaced client is
 * closed only after its last queries had time to finish (the resolve budget plus a margin), so a
 * change never fails a query in flight.
 */
import type { UpstreamClient } from './upstream.js';

export interface SwappableUpstream extends UpstreamClient {
  /** Uses `next` for every later query; closes the previous client after `graceMs`. */
  swap(next: UpstreamClient): void;
}

/** Wraps `initial`. `graceMs` should exceed the resolve budget. */
export function createSwappableUpstream(initial: UpstreamClient, graceMs: number): SwappableUpstream {
  let current = initial;
  const retiring = new Set<{ client: UpstreamClient; timer: NodeJS.Timeout }>();
  return {
    resolve: (q) => current.resolve(q),
    health: () => current.health(),
    swap(next) {
      if (next === current) return;
      const old = current;
      current = next;
      const entry = {
        client: old,
        timer: setTimeout(() => {
          retiring.delete(entry);
          old.close();
        }, graceMs),
      };
      entry.timer.unref();
      retiring.add(entry);
    },
    close() {
      for (const r of retiring) {
        clearTimeout(r.timer);
        r.client.close();
      }
      retiring.clear();
      current.close();
    },
  };
}
