/**
 * When each subscription is next downloaded. The parents' own subscriptions keep their period
 * (daily by default); the lists Vigie ships a snapshot of (`source` set) are refreshed weekly and
 * never in the first minutes after a start, so a booting Raspberry Pi settles (NTP, DHCP, the
 * first DNS answers) before it downloads tens of megabytes.
 */
import type { Subscription } from './subscription-store.js';

/** Period of the shipped sources: once a week (their snapshot is already a good copy). */
export const SOURCE_REFRESH_INTERVAL_MS = 7 * 24 * 60 * 60_000;
/** A shipped source whose last try failed is tried again after a day, not a week. */
export const SOURCE_RETRY_MS = 24 * 60 * 60_000;
/** No shipped source is downloaded sooner than this after a start … */
export const SOURCE_SETTLE_MS = 10 * 60_000;
/** … plus up to this much, so homes that lost power together do not all ask at once. */
export const SOURCE_SETTLE_JITTER_MS = 10 * 60_000;
/**
 * The adult list is the one Vigie ships the smallest stand-in for, relative to what it should
 * block: without a kept copy it is fetched on the first start, after this short delay (+ up to
 * half of it), and retried every {@link ADULT_RETRY_MS} while it fails.
 */
export const ADULT_FIRST_MS = 60_000;
export const ADULT_RETRY_MS = 10 * 60_000;
/** Never schedule a run sooner than this (no tight loop whatever the clock says). */
export const MIN_DELAY_MS = 60_000;

/** What {@link planRefreshes} needs besides the subscriptions. */
export interface PlanContext {
  readonly now: number;
  /** When the refresher started (the settle delay counts from here). */
  readonly startedAt: number;
  /** Period of the parents' own subscriptions. */
  readonly intervalMs: number;
  readonly sourceIntervalMs: number;
  /** Whether a kept copy of `id` exists on disk. */
  readonly hasCopy: (id: string) => boolean;
  /** Random number in [0, 1): one draw per subscription. */
  readonly random: () => number;
}

/** One planned download: subscription id and when (ms since the epoch). */
export interface PlannedRefresh {
  readonly id: string;
  readonly at: number;
}

/** Delay before the next download of one enabled subscription, jitter included. */
export function refreshDelay(sub: Subscription, c: PlanContext): number {
  const jitter = c.random();
  if (sub.source === null) {
    // A parent's own: when its period is over (never refreshed: now), plus up to 10 % of the period.
    return Math.max(MIN_DELAY_MS, (sub.lastRefresh ?? 0) + c.intervalMs - c.now) + Math.floor(jitter * c.intervalMs * 0.1);
  }
  const urgent = sub.category === 'adult' && !c.hasCopy(sub.id);
  const period = sub.lastError === null ? c.sourceIntervalMs : urgent ? ADULT_RETRY_MS : SOURCE_RETRY_MS;
  const byAge = sub.lastRefresh === null ? 0 : sub.lastRefresh + period - c.now + Math.floor(jitter * period * 0.1);
  const settle = urgent
    ? c.startedAt + ADULT_FIRST_MS + Math.floor(jitter * ADULT_FIRST_MS * 0.5) - c.now
    : c.startedAt + SOURCE_SETTLE_MS + Math.floor(jitter * SOURCE_SETTLE_JITTER_MS) - c.now;
  return Math.max(MIN_DELAY_MS, settle, byAge);
}

/** The next download of every enabled subscription, soonest first. */
export function planRefreshes(subs: readonly Subscription[], c: PlanContext): PlannedRefresh[] {
  return subs
    .filter((s) => s.enabled)
    .map((s) => ({ id: s.id, at: c.now + refreshDelay(s, c) }))
    .sort((a, b) => a.at - b.at);
}
