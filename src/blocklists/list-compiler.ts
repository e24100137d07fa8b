/**
 * compileList: parse a list and build its DomainSets off the event loop (design §3: DNS answers
 * never stall on a list refresh). Large lists go to a worker thread that parses the bytes straight
 * into the sets' typed arrays and transfers them back (zero copy); small ones (the curated lists,
 * tests) are compiled in-thread with the same code.
 */
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { compileRules, type CompiledParts, type CompileRulesOptions, type ListSource } from './compile-rules.js';
import { domainSetFromParts, type DomainSet } from './domain-set.js';
import { exportFingerprintKeys } from './fingerprint-keys.js';
import type { ListStats, ParseIssue } from './list-parser.js';
import type { CompileRequest } from './list-compiler-worker.js';

export type { ListSource } from './compile-rules.js';

/** Options of {@link compileList}. */
export interface CompileListOptions extends Omit<CompileRulesOptions, 'stopAfterRules'> {
  /** 'auto' (default): a worker for inputs of at least `inThreadBelowBytes`; 'always'; 'never'. */
  readonly worker?: 'auto' | 'always' | 'never';
  /** Inputs smaller than this are compiled in-thread under 'auto'. Default 1 MB (~50k lines). */
  readonly inThreadBelowBytes?: number;
}

/** Statistics of a compiled list. */
export interface CompiledListStats extends ListStats {
  /** Input size in bytes. */
  readonly bytes: number;
  /** Wall time of the compile, queue wait excluded. */
  readonly ms: number;
  readonly thread: 'worker' | 'main';
}

/** One list, ready for createBlocklist. */
export interface CompiledList {
  /** The list's block rules (each covers the name and its subdomains). */
  readonly block: DomainSet;
  /** The list's `@@||name^` exceptions (they unblock this list's rules only). */
  readonly allow: DomainSet;
  readonly stats: CompiledListStats;
  /** The first `maxIssues` refused lines and warnings. */
  readonly issues: ParseIssue[];
}

const DEFAULT_IN_THREAD_BELOW = 1_000_000;

/**
 * The worker script. From dist/ it sits next to this file; under vitest this module runs from
 * src/*.ts and the worker runs the compiled copy in dist/ (tests/global-setup.ts builds it first).
 */
function workerUrl(): URL {
  const here = new URL('./list-compiler-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  return new URL('../../dist/blocklists/list-compiler-worker.js', import.meta.url);
}

function runWorker(request: CompileRequest): Promise<CompiledParts> {
  return new Promise((resolve, reject) => {
    // Why a small young generation: the compile makes little garbage, and V8 would otherwise grow
    // the semi-spaces to 16 MB each, all of it on top of the peak RSS.
    const worker = new Worker(workerUrl(), { workerData: request, resourceLimits: { maxYoungGenerationSizeMb: 2 } });
    let settled = false;
    worker.once('message', (msg: { ok: true; result: CompiledParts } | { ok: false; message: string }) => {
      settled = true;
      if (msg.ok) resolve(msg.result);
      else reject(new Error(`list compile failed: ${msg.message}`));
    });
    worker.once('error', (err) => {
      settled = true;
      reject(new Error('list compiler worker failed', { cause: err }));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`list compiler worker exited with code ${code}`));
    });
  });
}

function sizeOf(source: ListSource): number {
  return 'path' in source ? statSync(source.path).size : source.bytes.length;
}

// Why a process-wide queue: one list at a time caps the peak memory at one list's build.
let queue: Promise<unknown> = Promise.resolve();

/**
 * Parses `source` and builds its block and allow sets. Compiles run one at a time (a queue), so
 * peak memory is one list's build. Bad lines are issues, never a rejection; the promise rejects
 * only when the file cannot be read or the worker dies. `{bytes}` is copied to the worker.
 */
export function compileList(source: ListSource, opts: CompileListOptions = {}): Promise<CompiledList> {
  const run = async (): Promise<CompiledList> => {
    const started = performance.now();
    const bytes = sizeOf(source);
    const mode = opts.worker ?? 'auto';
    const inWorker = mode === 'always' || (mode === 'auto' && bytes >= (opts.inThreadBelowBytes ?? DEFAULT_IN_THREAD_BELOW));
    const parseOpts: CompileRulesOptions = { maxLineLength: opts.maxLineLength, maxIssues: opts.maxIssues, fingerprintFromLines: opts.fingerprintFromLines };
    const parts = inWorker ? await runWorker({ source, opts: parseOpts, keys: exportFingerprintKeys() }) : compileRules(source, parseOpts);
    const stats: CompiledListStats = { ...parts.stats, bytes, ms: performance.now() - started, thread: inWorker ? 'worker' : 'main' };
    return { block: domainSetFromParts(parts.block), allow: domainSetFromParts(parts.allow), stats, issues: parts.issues };
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}
