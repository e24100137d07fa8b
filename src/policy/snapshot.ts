/**
 * The immutable policy the query path reads: built off the hot path, swapped as one reference.
 * Nothing on the query path reads SQLite or files; a change builds a new snapshot and swaps it.
 */
import type { BlockMode } from '../resolver/answers.js';
import type { BlockDecision } from '../resolver/types.js';

/** Anything that can say whether a name is blocked (the compiled lists). */
export interface NameMatcher {
  match(name: string): BlockDecision | null;
}

/** What applies right now. Frozen; replaced, never mutated. */
export interface PolicySnapshot {
  readonly matcher: NameMatcher;
  readonly blockMode: BlockMode;
  /** When this snapshot was built (ms since the epoch). */
  readonly builtAt: number;
}

/** Holds the current snapshot; `swap` replaces it atomically for every later query. */
export interface PolicyHolder {
  current(): PolicySnapshot;
  swap(next: PolicySnapshot): void;
}

/** Creates a holder around the first snapshot. */
export function createPolicyHolder(initial: PolicySnapshot): PolicyHolder {
  let snapshot = Object.freeze({ ...initial });
  return {
    current: () => snapshot,
    swap(next) {
      snapshot = Object.freeze({ ...next });
    },
  };
}
