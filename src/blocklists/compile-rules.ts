/**
 * The build step shared by the worker and the in-thread path of compileList: reads a list (a file
 * in 64 KB pieces, or bytes in memory), parses it and fills two DomainSet builders (block, allow)
 * straight from the bytes. Returns the sets' raw arrays, ready to transfer.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createDomainSetBuilder, type DomainSetParts } from './domain-set.js';
import { createFingerprintSetBuilder } from './fingerprint-set.js';
import { feedInChunks, type ListParser, type ListStats, type ParseIssue, type ParseListOptions } from './list-parser.js';
import { createListParser } from './parse-list.js';

/** Where a list comes from: a file path, or a body already in memory (a download). */
export type ListSource = { readonly path: string } | { readonly bytes: Uint8Array };

/** Options of {@link compileRules}. */
export interface CompileRulesOptions extends ParseListOptions {
  /**
   * Lists of at least this many lines (the size hint) keep their block rules as 64-bit
   * fingerprints (fingerprint-set.ts: ~8.5 bytes a rule instead of ~30, no names kept). Default
   * {@link FINGERPRINT_FROM_LINES}; Infinity keeps names always.
   */
  readonly fingerprintFromLines?: number;
}

/**
 * Default of {@link CompileRulesOptions.fingerprintFromLines}. Why 100k: smaller lists are merged
 * into one name table by createBlocklist, which needs their names; bigger ones are where the
 * bytes are.
 */
export const FINGERPRINT_FROM_LINES = 100_000;

/** A compiled list before its arrays are wrapped as DomainSets. */
export interface CompiledParts {
  readonly block: DomainSetParts;
  readonly allow: DomainSetParts;
  readonly stats: ListStats;
  readonly issues: ParseIssue[];
}

const CHUNK = 1 << 16;
const LF = 10;

function countLines(bytes: Uint8Array, end: number): number {
  let n = 0;
  for (let i = bytes.indexOf(LF); i >= 0 && i < end; i = bytes.indexOf(LF, i + 1)) n++;
  return n;
}

/** What makeParser needs of either builder. */
interface Builder {
  readonly size: number;
  addBytes(bytes: Uint8Array, start: number, end: number, ruleId: number): unknown;
  buildParts(): DomainSetParts;
}

function makeParser(opts: CompileRulesOptions, expectedRules: number, expectedBytes: number): { parser: ListParser; block: Builder; allow: Builder } {
  const block: Builder = expectedRules >= (opts.fingerprintFromLines ?? FINGERPRINT_FROM_LINES)
    ? createFingerprintSetBuilder({ expectedRules })
    : createDomainSetBuilder({ expectedRules, expectedBytes });
  const allow = createDomainSetBuilder({ expectedRules: 16 });
  const parser = createListParser((isAllow, bytes, start, end) => {
    const set = isAllow ? allow : block;
    set.addBytes(bytes, start, end, set.size);
  }, opts);
  return { parser, block, allow };
}

/** Why two passes over a file: sizing the hash table from the line count avoids regrowth, whose copies would raise the peak. */
function compileFile(path: string, opts: CompileRulesOptions): CompiledParts {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = new Uint8Array(CHUNK);
    let lines = 1;
    for (let pos = 0, n; (n = readSync(fd, buf, 0, CHUNK, pos)) > 0; pos += n) lines += countLines(buf, n);
    // Why expectedBytes = size: untouched pages of an over-sized array are never resident.
    const { parser, block, allow } = makeParser(opts, lines, Math.max(256, size));
    let pos = 0;
    feedInChunks(parser, buf, (into, offset, length) => {
      const n = readSync(fd, into, offset, length, pos);
      pos += n;
      return n;
    });
    return { block: block.buildParts(), allow: allow.buildParts(), ...parser.finish() };
  } finally {
    closeSync(fd);
  }
}

/** Parses and builds one list in the calling thread (the worker, or the main thread for small lists). */
export function compileRules(source: ListSource, opts: CompileRulesOptions = {}): CompiledParts {
  if ('path' in source) return compileFile(source.path, opts);
  const { bytes } = source;
  const { parser, block, allow } = makeParser(opts, countLines(bytes, bytes.length) + 1, Math.max(256, bytes.length));
  parser.feed(bytes, bytes.length, true);
  return { block: block.buildParts(), allow: allow.buildParts(), ...parser.finish() };
}
