import type { ConfigError } from './config.js';

/**
 * Human message for a {@link ConfigError}: a heading
 * `vigie: invalid configuration (N problems):` then one problem per line.
 */
export function formatConfigProblems(err: Pick<ConfigError, 'problems'>): string {
  const n = err.problems.length;
  const head = `vigie: invalid configuration (${n} problem${n === 1 ? '' : 's'}):`;
  return [head, ...err.problems.map((p) => `  - ${p}`)].join('\n');
}
