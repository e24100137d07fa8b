/**
 * "Block everything until tomorrow 07:00": the minutes from now to the next local wall-clock
 * time in the configured zone (VIGIE_TZ), DST included (a local day may last 23 or 25 h).
 */
import { addLocalDays, localDateParts, startOfLocalDay } from '../../policy/local-time.js';
import { MAX_OVERRIDE_MINUTES } from '../../policy/override-store.js';

/** The morning hour "until tomorrow" means (local time). */
export const MORNING_MINUTE = 7 * 60;

/** Epoch ms of `minuteOfDay` local on the local day `dayStart` begins (a skipped time moves past the gap). */
function localTimeOn(dayStart: number, minuteOfDay: number, timeZone: string): number {
  let at = dayStart + minuteOfDay * 60_000;
  // Midnight + 7 h is 08:00 on a spring-forward day (06:00 on an autumn one): correct by the difference.
  const parts = localDateParts(at, timeZone);
  at += (minuteOfDay - (parts.hour * 60 + parts.minute)) * 60_000;
  return at;
}

/**
 * Whole minutes (rounded up, at least 1, at most the override maximum) from `now` to the next
 * `minuteOfDay` local: today's when it is still ahead (00:30 → 07:00 the same morning), else
 * tomorrow's.
 */
export function minutesUntilLocalTime(now: number, timeZone: string, minuteOfDay = MORNING_MINUTE): number {
  const today = startOfLocalDay(now, timeZone);
  let target = localTimeOn(today, minuteOfDay, timeZone);
  if (target <= now) target = localTimeOn(addLocalDays(today, 1, timeZone), minuteOfDay, timeZone);
  return Math.min(MAX_OVERRIDE_MINUTES, Math.max(1, Math.ceil((target - now) / 60_000)));
}
