/** Durations as parents read them in the CLI: "3 min ago", "1 h 05 min left". `now` is always given. */

const MINUTE = 60_000;

/** A span in ms as "45 s", "3 min", "2 h 05 min", "3 d 4 h" (rounded down; never negative). */
export function formatSpan(ms: number): string {
  const span = Math.max(0, ms);
  if (span < MINUTE) return `${Math.floor(span / 1000)} s`;
  const minutes = Math.floor(span / MINUTE);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** How long ago `then` was at `now`: "just now" under a minute, else "3 min ago". */
export function formatAgo(then: number, now: number): string {
  return now - then < MINUTE ? 'just now' : `${formatSpan(now - then)} ago`;
}

/** Time left until `until` at `now`, rounded up to the minute: "25 min left", "1 h 00 min left"; "ended" once past. */
export function formatTimeLeft(until: number, now: number): string {
  if (until <= now) return 'ended';
  return `${formatSpan(Math.ceil((until - now) / MINUTE) * MINUTE)} left`;
}
