/**
 * Limits password guessing (login and setup code), in memory, by the injected clock:
 * - per client address: 5 failures within 15 minutes lock that address for 15 minutes, doubling
 *   at each new lock (30 min, 1 h, …) up to 24 h; a success resets the address;
 * - globally: 50 failures within 15 minutes (from any addresses) lock every login for 5 minutes,
 *   so rotating addresses does not help.
 * A locked attempt is refused before the password is even checked.
 */
import type { Clock } from '../../resolver/types.js';

/** Tunables (the defaults are the documented policy). */
export interface LoginLimits {
  readonly windowMs: number;
  readonly perAddressFailures: number;
  readonly addressLockMs: number;
  readonly maxAddressLockMs: number;
  readonly globalFailures: number;
  readonly globalLockMs: number;
  /** Addresses remembered at most (oldest forgotten first). */
  readonly maxAddresses: number;
}

/** The documented policy (see the file comment). */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  windowMs: 15 * 60_000,
  perAddressFailures: 5,
  addressLockMs: 15 * 60_000,
  maxAddressLockMs: 24 * 3_600_000,
  globalFailures: 50,
  globalLockMs: 5 * 60_000,
  maxAddresses: 10_000,
};

/** Whether an attempt may go ahead now. */
export type LimitState = { readonly locked: false } | { readonly locked: true; readonly retryAfterMs: number };

/** Counts failed attempts per address and globally; all in memory (a restart forgets them). */
export interface LoginLimiter {
  /** Before checking a password: locked addresses (or everyone, during a global lock) are refused. */
  check(address: string): LimitState;
  /** After a wrong password or setup code; returns the state after counting it (it may just have locked). */
  fail(address: string): LimitState;
  /** After a right password: forgets the address's failures and lock level. */
  succeed(address: string): void;
}

interface AddressState {
  failures: number[];
  lockedUntil: number;
  /** Locks so far (the next lasts addressLockMs × 2^level). */
  level: number;
}

/** Creates a limiter; `limits` only for tests. */
export function createLoginLimiter(deps: { clock: Clock; limits?: Partial<LoginLimits> }): LoginLimiter {
  const limits = { ...DEFAULT_LOGIN_LIMITS, ...deps.limits };
  const { clock } = deps;
  const addresses = new Map<string, AddressState>();
  let globalFailures: number[] = [];
  let globalLockedUntil = 0;

  const state = (address: string): LimitState => {
    const now = clock();
    const until = Math.max(globalLockedUntil, addresses.get(address)?.lockedUntil ?? 0);
    return until > now ? { locked: true, retryAfterMs: until - now } : { locked: false };
  };

  const forgetOldest = (): void => {
    // Map iteration is insertion order; entries are re-inserted on each failure (see fail).
    while (addresses.size > limits.maxAddresses) {
      const oldest = addresses.keys().next().value as string;
      addresses.delete(oldest);
    }
  };

  return {
    check: state,
    fail(address) {
      const now = clock();
      const entry = addresses.get(address) ?? { failures: [], lockedUntil: 0, level: 0 };
      // A lock level is forgiven after a day without a lock.
      if (entry.level > 0 && entry.lockedUntil + limits.maxAddressLockMs < now) entry.level = 0;
      entry.failures = entry.failures.filter((t) => now - t < limits.windowMs);
      entry.failures.push(now);
      if (entry.failures.length >= limits.perAddressFailures) {
        entry.lockedUntil = now + Math.min(limits.addressLockMs * 2 ** entry.level, limits.maxAddressLockMs);
        entry.level += 1;
        entry.failures = [];
      }
      addresses.delete(address);
      addresses.set(address, entry);
      forgetOldest();
      globalFailures = globalFailures.filter((t) => now - t < limits.windowMs);
      globalFailures.push(now);
      if (globalFailures.length >= limits.globalFailures) {
        globalLockedUntil = now + limits.globalLockMs;
        globalFailures = [];
      }
      return state(address);
    },
    succeed(address) {
      addresses.delete(address);
    },
  };
}
