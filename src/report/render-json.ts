/**
 * The weekly report as JSON with a stable key order (keys sorted at every level, arrays kept in
 * their order): the same report always gives the same bytes, whichever code built the object,
 * so exports can be compared and diffed.
 */
import type { WeeklyReport } from './weekly-report.js';

/** A copy of `value` whose object keys are sorted, recursively. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** Renders `report` as JSON text ending with a newline; `indent` 0 (default) writes one line. */
export function renderJsonReport(report: WeeklyReport, indent = 0): string {
  return `${JSON.stringify(sortKeys(report), null, indent)}\n`;
}
