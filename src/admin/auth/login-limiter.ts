/**
 * Counts password guesses (login, setup code, the current password on the settings page), in
 * memory, by the injected clock:
 * - per client address: 5 attempts within 15 minutes lock that address for 15 minutes, doubling
 *   at each new lock (30 min, 1 h, …) up to 24 h; a success resets the address. An attempt is
 *   counted when it BEGINS, before the password is hashed: parallel guesses cannot all slip in
 *   while the first ones are being checked (issue 12.2);
 * - globally: failures within 15 minutes from any address, read by the password gate to slow
 *   attempts down (password-gate.ts). There is no global lock: a child spraying guesses from
 *   many addresses must not lock the parents out (issue 12.3).
 */
import type { Clock } from '../../resolver/types.js';

/** Tunables (the defaults are the documented policy). */
export interface LoginLimits {
  readonly windowMs: number;
  readonly perAddressFailures: number;
  readonly addressLockMs: number;
  readonly maxAddressLockMs: number;
  /** Addresses remembered at most (oldest forgotten first). */
  readonly maxAddresses: number;
  /** Recent failures (all addresses) before attempts from unknown browsers are spaced out. */
  readonly freeFailures: number;
  /** Spacing between two such attempts per failure above `freeFailures`… */
  readonly slowdownStepMs: number;
  /** …up to this spacing. */
  readonly maxSpacingMs: number;
  /** No attempt waits longer than this for its turn; beyond, it is refused with Retry-After. */
  readonly maxSlowdownMs: number;
  /** Password checks (scrypt, ~32 MiB each) running at once, all addresses together. */
  readonly maxConcurrentChecks: number;
}

/** The documented policy (see the file comment and password-gate.ts). */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  windowMs: 15 * 60_000,
  perAddressFailures: 5,
  addressLockMs: 15 * 60_000,
  maxAddressLockMs: 24 * 3_600_000,
  maxAddresses: 10_000,
  freeFailures: 10,
  slowdownStepMs: 500,
  maxSpacingMs: 10_000,
  maxSlowdownMs: 60_000,
  maxConcurrentChecks: 2,
};

/** Whether an attempt may go ahead now. */
export type LimitState = { readonly locked: false } | { readonly locked: true; readonly retryAfterMs: number };

/** Counts attempts per address and failures globally; all in memory (a restart forgets them). */
export interface LoginLimiter {
  /** Locked addresses are refused before anything else. */
  check(address: string): LimitState;
  /**
   * Counts an attempt that is about to be checked (call only when check() said unlocked). Returns
   * true when this attempt used the address's last try (the address is locked from now on for
   * the attempts after it; this one is still checked).
   */
  begin(address: string): boolean;
  /** After a wrong password or code: counts a global failure; returns the address's state. */
  fail(address: string): LimitState;
  /** After a right password: forgets the address's attempts and lock level. */
  succeed(address: string): void;
  /** Failures within the window, all addresses together. */
  recentFailures(): number;
}

const MAX_GLOBAL_FAILURES_KEPT = 1_000;

interface AddressState {
  attempts: number[];
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

  const state = (address: string): LimitState => {
    const now = clock();
    const until = addresses.get(address)?.lockedUntil ?? 0;
    return until > now ? { locked: true, retryAfterMs: until - now } : { locked: false };
  };

  const forgetOldest = (): void => {
    // Map iteration is insertion order; entries are re-inserted on each attempt (see begin).
    while (addresses.size > limits.maxAddresses) {
      const oldest = addresses.keys().next().value as string;
      addresses.delete(oldest);
    }
  };

  return {
    check: state,
    begin(address) {
      const now = clock();
      const entry = addresses.get(address) ?? { attempts: [], lockedUntil: 0, level: 0 };
      // A lock level is forgiven after a day without a lock.
      if (entry.level > 0 && entry.lockedUntil + limits.maxAddressLockMs < now) entry.level = 0;
      entry.attempts = entry.attempts.filter((t) => now - t < limits.windowMs);
      entry.attempts.push(now);
      let locksNow = false;
      if (entry.attempts.length >= limits.perAddressFailures) {
        entry.lockedUntil = now + Math.min(limits.addressLockMs * 2 ** entry.level, limits.maxAddressLockMs);
        entry.level += 1;
        entry.attempts = [];
        locksNow = true;
      }
      addresses.delete(address);
      addresses.set(address, entry);
      forgetOldest();
      return locksNow;
    },
    fail(address) {
      const now = clock();
      globalFailures = globalFailures.filter((t) => now - t < limits.windowMs);
      globalFailures.push(now);
      // The slowdown is at its maximum long before this many: older ones need not be kept.
      if (globalFailures.length > MAX_GLOBAL_FAILURES_KEPT) globalFailures.splice(0, globalFailures.length - MAX_GLOBAL_FAILURES_KEPT);
      return state(address);
    },
    succeed(address) {
      addresses.delete(address);
    },
    recentFailures() {
      const now = clock();
      globalFailures = globalFailures.filter((t) => now - t < limits.windowMs);
      return globalFailures.length;
    },
  };
}
