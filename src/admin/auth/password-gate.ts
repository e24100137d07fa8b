/**
 * The one way a password (or setup code) is checked: every check goes through the gate, which
 * decides everything synchronously before the first await (so parallel requests cannot race it):
 * 1. a locked address is refused without hashing;
 * 2. the attempt is counted for its address at once (login-limiter.ts begin);
 * 3. attempts from a browser that never logged in here are spaced out when many passwords failed
 *    lately (all addresses together): each takes the next free turn, turns `spacing` apart, the
 *    spacing growing with recent failures and attempts in flight, up to maxSpacingMs; no attempt
 *    waits more than maxSlowdownMs (beyond, 429 "busy" with Retry-After). A remembered browser
 *    (remembered-device.ts) skips this: a child spraying guesses slows strangers down, never
 *    locks the parents out;
 * then it waits for the address's previous attempt to finish (one check at a time per address),
 * its turn, and a free slot among maxConcurrentChecks (remembered browsers served first).
 */
import type { Clock } from '../../resolver/types.js';
import { createLoginLimiter, DEFAULT_LOGIN_LIMITS, type LoginLimits } from './login-limiter.js';

/** Who is trying. */
export interface Attempt {
  /** The socket address (trustProxy is off). */
  readonly address: string;
  /** A browser that logged in here before (valid remembered-device cookie), or a logged-in session. */
  readonly remembered: boolean;
  /**
   * The remembered browser's id (remembered-device.ts). Its attempts are also counted per device,
   * like an address: a child's browser that a parent once logged in from skips the slowdown for
   * 5 guesses, then waits like anyone, from whatever address.
   */
  readonly deviceId?: string;
}

/** What came of an attempt. */
export type GateAnswer =
  | { readonly outcome: 'ok' }
  | { readonly outcome: 'wrong' }
  /** The address is locked: before this attempt, or by this wrong one (`justLocked`). */
  | { readonly outcome: 'locked'; readonly retryAfterMs: number; readonly justLocked: boolean }
  /** Too many attempts are queued (all addresses together): try again later. */
  | { readonly outcome: 'busy'; readonly retryAfterMs: number };

/** An attempt refused without being checked (or locked by this one): 429 with Retry-After. */
export type GateRefusal = Extract<GateAnswer, { outcome: 'locked' | 'busy' }>;

/** Runs password checks under the limits. */
export interface PasswordGate {
  attempt(who: Attempt, check: () => Promise<boolean>): Promise<GateAnswer>;
}

/** Waits `ms` (by real time in production; tests end waits by moving their clock). */
export type Sleep = (ms: number) => Promise<void>;

const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** A counting semaphore with two FIFO queues; the first is served first. */
function createSlots(size: number) {
  let free = size;
  const queues: [Array<() => void>, Array<() => void>] = [[], []];
  const release = (): void => {
    const next = queues[0].shift() ?? queues[1].shift();
    if (next !== undefined) next();
    else free++;
  };
  return async <T>(first: boolean, fn: () => Promise<T>): Promise<T> => {
    if (free > 0) free--;
    else await new Promise<void>((resolve) => queues[first ? 0 : 1].push(resolve));
    try {
      return await fn();
    } finally {
      release();
    }
  };
}

/** Creates the gate; `limits` and `sleep` only for tests. */
export function createPasswordGate(deps: { clock: Clock; sleep?: Sleep; limits?: Partial<LoginLimits> }): PasswordGate {
  const { clock } = deps;
  const sleep = deps.sleep ?? realSleep;
  const limits = { ...DEFAULT_LOGIN_LIMITS, ...deps.limits };
  const limiter = createLoginLimiter({ clock, limits });
  const inSlot = createSlots(limits.maxConcurrentChecks);
  /** The last attempt of each address still in progress: the next one waits for it. */
  const tails = new Map<string, Promise<void>>();
  let nextTurn = 0;
  let pacedInFlight = 0;

  const spacing = (): number => {
    const pressure = limiter.recentFailures() + pacedInFlight - limits.freeFailures + 1;
    return pressure <= 0 ? 0 : Math.min(limits.maxSpacingMs, pressure * limits.slowdownStepMs);
  };

  return {
    async attempt(who, check) {
      // Everything up to the first await is synchronous: the decisions cannot interleave.
      const before = limiter.check(who.address);
      if (before.locked) return { outcome: 'locked', retryAfterMs: before.retryAfterMs, justLocked: false };
      const device = who.deviceId === undefined ? null : `device:${who.deviceId}`;
      const remembered = who.remembered && (device === null || !limiter.check(device).locked);
      const now = clock();
      let turn = now;
      if (!remembered) {
        turn = Math.max(now, nextTurn);
        if (turn - now > limits.maxSlowdownMs) return { outcome: 'busy', retryAfterMs: turn - now - limits.maxSlowdownMs };
        nextTurn = turn + spacing();
        pacedInFlight++;
      }
      const lastTry = limiter.begin(who.address);
      if (remembered && device !== null) limiter.begin(device);
      const previous = tails.get(who.address);
      let done!: () => void;
      const mine = new Promise<void>((resolve) => (done = resolve));
      tails.set(who.address, mine);
      try {
        if (previous !== undefined) await previous;
        const wait = turn - clock();
        if (wait > 0) await sleep(wait);
        if (await inSlot(remembered, check)) {
          limiter.succeed(who.address);
          if (device !== null) limiter.succeed(device);
          return { outcome: 'ok' };
        }
        const after = limiter.fail(who.address);
        return lastTry && after.locked ? { outcome: 'locked', retryAfterMs: after.retryAfterMs, justLocked: true } : { outcome: 'wrong' };
      } finally {
        if (!remembered) pacedInFlight--;
        if (tails.get(who.address) === mine) tails.delete(who.address);
        done();
      }
    },
  };
}
