/**
 * The immutable policy the query path reads: built off the hot path, swapped as one reference.
 * Nothing on the query path reads SQLite or files; a change builds a new snapshot and swaps it.
 */
import type { BlockMode } from '../resolver/answers.js';
import type { BlockDecision, Requester } from '../resolver/types.js';

/** Anything that can say whether a name is blocked (the compiled lists). */
export interface NameMatcher {
  match(name: string): BlockDecision | null;
}

/** What applies right now. Frozen; replaced, never mutated. */
export interface PolicySnapshot {
  readonly blockMode: BlockMode;
  /** When this snapshot was built (ms since the epoch). */
  readonly builtAt: number;
  /**
   * The requester for a query from `ip` (and `mac` when known): a known device by MAC, else by
   * its last address, else an unknown device under the default profile. Cheap after the first
   * query of an address (memoized per snapshot).
   */
  identify(ip: string, mac: string | null): Requester;
  /** Used for a query that has no requester (tools, tests): the default profile, no device. */
  readonly fallback: Requester;
}

/** Holds the current snapshot; `swap` replaces it atomically for every later query. */
export interface PolicyHolder {
  current(): PolicySnapshot;
  swap(next: PolicySnapshot): void;
}

/** Creates a holder around the first snapshot. */
export function createPolicyHolder(initial: PolicySnapshot): PolicyHolder {
  let snapshot = Object.freeze(initial);
  return {
    current: () => snapshot,
    swap(next) {
      snapshot = Object.freeze(next);
    },
  };
}

/**
 * A snapshot where every client gets the same matcher, no schedule and no SafeSearch (tools,
 * benches and stage tests that are about lists, not devices).
 */
export function snapshotFromMatcher(matcher: NameMatcher, blockMode: BlockMode, builtAt = 0): PolicySnapshot {
  const requester: Requester = {
    deviceId: 'any',
    deviceName: 'any',
    profileId: 'lists',
    decide: (name) => matcher.match(name),
    isSafeSearchOn: () => false,
  };
  return { blockMode, builtAt, identify: () => requester, fallback: requester };
}
