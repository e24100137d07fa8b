/** Plain-text tables for the CLI listings (`vigie devices`, `profiles`, `schedules`, `pause`). */
import { escapeForTerminal } from './lists.js';

/**
 * Renders `rows` under an upper-case `header`, columns padded to their widest cell and separated by
 * two spaces, the last column unpadded, one line per row (each ending in '\n'). Every cell goes
 * through {@link escapeForTerminal}: names and hostnames come from the network or from parents.
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const clean = rows.map((r) => r.map(escapeForTerminal));
  const widths = header.map((h, i) => Math.max(h.length, ...clean.map((r) => (r[i] ?? '').length)));
  return [header, ...clean]
    .map((r) => `${header.map((_, i) => (i === header.length - 1 ? (r[i] ?? '') : (r[i] ?? '').padEnd(widths[i] ?? 0))).join('  ').trimEnd()}\n`)
    .join('');
}
