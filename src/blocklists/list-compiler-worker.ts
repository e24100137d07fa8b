/**
 * Worker thread entry of compileList (list-compiler.ts): compiles the list given in `workerData`
 * and posts the sets' arrays back in the transfer list (moved, not copied), then exits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { compileRules, type CompileRulesOptions, type ListSource } from './compile-rules.js';
import type { DomainSetParts } from './domain-set.js';
import { importFingerprintKeys } from './fingerprint-keys.js';

/** What compileList posts to this worker. */
export interface CompileRequest {
  readonly source: ListSource;
  readonly opts: CompileRulesOptions;
  /** The parent's fingerprint keys (exportFingerprintKeys): its sets are probed with them. */
  readonly keys: Uint32Array;
}

function buffersOf(...parts: DomainSetParts[]): ArrayBuffer[] {
  const all = new Set<ArrayBuffer>();
  for (const p of parts) {
    const arrays = p.kind === 'names' ? [p.blob, p.offsets, p.slots, p.ruleIds, p.labelCounts] : [p.pairs, p.index, p.labelCounts];
    for (const a of arrays) if (a !== null) all.add(a.buffer as ArrayBuffer);
  }
  return [...all];
}

const { source, opts, keys } = workerData as CompileRequest;
try {
  importFingerprintKeys(keys);
  const result = compileRules(source, opts);
  parentPort?.postMessage({ ok: true, result }, buffersOf(result.block, result.allow));
} catch (err) {
  parentPort?.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
}
