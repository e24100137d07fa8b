/** Durations in the CLI listings ("3 min ago", "25 min left"), with an injected now. */
import { describe, expect, it } from 'vitest';
import { formatAgo, formatTimeLeft } from '../../src/cli/relative-time.js';

const NOW = Date.UTC(2026, 4, 4, 12, 0, 0);
const MIN = 60_000;

describe('relative time', () => {
  it.each([
    [NOW - 20_000, 'just now'],
    [NOW - 3 * MIN, '3 min ago'],
    [NOW - 59 * MIN - 59_000, '59 min ago'],
    [NOW - 125 * MIN, '2 h 05 min ago'],
    [NOW - 50 * 60 * MIN, '2 d 2 h ago'],
    [NOW + 5 * MIN, 'just now'],
  ])('formatAgo(%i) = %s', (then, text) => {
    expect(formatAgo(then, NOW)).toBe(text);
  });

  it.each([
    [NOW + 30 * MIN, '30 min left'],
    [NOW + 29 * MIN + 1, '30 min left'],
    [NOW + 90 * MIN, '1 h 30 min left'],
    [NOW - MIN, 'ended'],
  ])('formatTimeLeft(%i) = %s', (until, text) => {
    expect(formatTimeLeft(until, NOW)).toBe(text);
  });
});
