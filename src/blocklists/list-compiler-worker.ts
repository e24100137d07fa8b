/**
 * Worker thread entry of compileList (list-compiler.ts): compiles the list given in `workerData`
 * and posts the sets' arrays back in the transfer list (moved, not copied), then exits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { compileRules, type ListSource } from './compile-rules.js';
import type { DomainSetParts } from './domain-set.js';
import type { ParseListOptions } from './list-parser.js';

/** What compileList posts to this worker. */
export interface CompileRequest {
  readonly source: ListSource;
  readonly opts: ParseListOptions;
}

function buffersOf(...parts: DomainSetParts[]): ArrayBuffer[] {
  const all = new Set<ArrayBuffer>();
  for (const p of parts) {
    for (const a of [p.blob, p.offsets, p.slots, p.ruleIds, p.labelCounts]) if (a !== null) all.add(a.buffer as ArrayBuffer);
  }
  return [...all];
}

const { source, opts } = workerData as CompileRequest;
try {
  const result = compileRules(source, opts);
  parentPort?.postMessage({ ok: true, result }, buffersOf(result.block, result.allow));
} catch (err) {
  parentPort?.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
}
