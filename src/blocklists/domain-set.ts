/**
 * Compact suffix matcher for large blocklists: a rule `example.com` matches `example.com` and every
 * name under it (`a.b.example.com`), never `notexample.com`.
 *
 * Layout for N rules (about 30 bytes a rule for 19-character names, against ~100 for a Set<string>):
 *   blob     Uint8Array   every rule's bytes back to back, no separators
 *   offsets  Uint32Array(N+1)  rule i is blob[offsets[i], offsets[i+1])
 *   ruleIds  Int32Array(N)     caller's id per rule; dropped when every id equals its index
 *   slots    Int32Array(C)     open addressing, linear probing, C ≈ N / 0.6; each slot is
 *                              (8-bit hash tag << 24) | (rule index + 1), 0 = empty
 * Hashing is FNV-1a over the characters from the LAST to the first, so one right-to-left pass over
 * a query name yields the hash of every label-boundary suffix (`gg`, `coco.gg`, `www.coco.gg`)
 * without creating a substring; each suffix then costs one probe sequence, and suffixes with a
 * label count that no rule has (usually the bare TLD) are not probed at all. At most 16,777,215 rules.
 * Big lists (compileList, 100k lines and more) use the other layout, 64-bit fingerprints at ~8.5 bytes
 * a rule (fingerprint-set.ts); {@link domainSetFromParts} wraps either.
 */
import { fingerprintSetFromParts, type FingerprintSetParts } from './fingerprint-set.js';
import { filterBit, hashFilter, MAX_LABELS, type NameScan, scanSuffixes, Table } from './domain-table.js';

export { NameScan } from './domain-table.js';
export type { FingerprintSetParts } from './fingerprint-set.js';

/** A rule that matched a name. */
export interface DomainMatch {
  /** The id given to {@link DomainSetBuilder.add} for this rule. */
  readonly ruleId: number;
  /** The rule's name: the matching suffix of the name looked up. */
  readonly rule: string;
}

/** An immutable set of suffix rules. Names looked up must be lower-case without a trailing dot. */
export interface DomainSet {
  /** Distinct rules. */
  readonly size: number;
  /** Rule id of the most specific (longest) rule covering `name`, or -1. Allocates nothing. */
  match(name: string): number;
  /**
   * Where in the name passed to the last successful {@link DomainSet.match} its rule starts
   * (0 = the whole name): `name.slice(lastMatchStart)` is the rule, without a second lookup.
   */
  readonly lastMatchStart: number;
  /** Like {@link DomainSet.match} with the rule's name; allocates only on a hit. */
  matchRule(name: string): DomainMatch | null;
  /** Every rule covering `name`, most specific first (for explanations). */
  matchAll(name: string): DomainMatch[];
  /**
   * The most specific rule covering the name held by `scan` whose start is before `before`
   * (pass Infinity for any), as a rule id, or -1; sets {@link DomainSet.lastMatchStart}. Lets a
   * caller hash a name once and probe many sets (see {@link NameScan}). Allocates nothing.
   */
  matchScan(scan: NameScan, before: number): number;
  /**
   * Calls `fn` with every rule and its id, in insertion order (to merge small sets; allocates).
   * Throws for a set without names (see {@link DomainSet.hasNames}).
   */
  forEachRule(fn: (rule: string, ruleId: number) => void): void;
  /**
   * False for a fingerprint set (fingerprint-set.ts: the big lists), which keeps no rule names
   * and no caller ids (an id is the rule's position); the rule is still named from the name looked up.
   */
  readonly hasNames: boolean;
  /** True for a set built with `exact: true`: a rule matches only the very same name. */
  readonly exact: boolean;
  /** Approximate bytes held (typed arrays only; the object overhead is a few hundred bytes). */
  bytes(): number;
}

/**
 * The typed arrays of a built name table: what a worker thread transfers (zero copy) and
 * {@link domainSetFromParts} wraps. Views may be shorter than their ArrayBuffer.
 */
export interface NameSetParts {
  readonly kind: 'names';
  readonly count: number;
  readonly blob: Uint8Array;
  readonly offsets: Uint32Array;
  readonly slots: Int32Array;
  /** null when every rule id equals its index. */
  readonly ruleIds: Int32Array | null;
  /** [k] = 1 when some rule has k labels. */
  readonly labelCounts: Uint8Array;
  readonly exact: boolean;
}

/** Either layout's arrays. */
export type DomainSetParts = NameSetParts | FingerprintSetParts;

/** Collects rules, then freezes them into a {@link DomainSet}. Single use: `add` after `build` throws. */
export interface DomainSetBuilder {
  /** Rules added so far (duplicates not counted). */
  readonly size: number;
  /**
   * Adds a rule. `domain` must be lower-case ASCII, 1-253 characters, no trailing dot (see
   * normalizeDomain); anything else throws a RangeError. A duplicate keeps its first ruleId.
   * @returns true when the rule was new.
   */
  add(domain: string, ruleId: number): boolean;
  /**
   * {@link DomainSetBuilder.add} for the bytes `bytes[start, end)`, which the caller has checked
   * are a lower-case ASCII name (the list parser's path: no string per rule).
   */
  addBytes(bytes: Uint8Array, start: number, end: number, ruleId: number): boolean;
  /** Trims the arrays to size and returns the finished set. */
  build(): DomainSet;
  /** Like {@link DomainSetBuilder.build} but returns the raw arrays (to transfer from a worker). */
  buildParts(): NameSetParts;
}


/** Wraps built (or transferred) arrays of either layout as a {@link DomainSet}; the arrays must not change after. */
export function domainSetFromParts(parts: DomainSetParts): DomainSet {
  return parts.kind === 'fingerprints' ? fingerprintSetFromParts(parts) : nameSetFromParts(parts);
}

/** Wraps the name layout's arrays (see the file header). */
export function nameSetFromParts(parts: NameSetParts): DomainSet {
  const table = new Table(parts.blob, parts.offsets, parts.count, parts.slots);
  const { ruleIds, labelCounts, exact } = parts;
  const idOf = (e: number): number => (ruleIds === null ? e : (ruleIds[e] as number));
  const hits = new Int32Array(2 * MAX_LABELS); // reused by every lookup: nothing allocated on a miss
  const matchAt = (name: string, k: number): DomainMatch => ({
    ruleId: idOf(hits[2 * k] as number),
    rule: name.slice(hits[2 * k + 1]),
  });
  let lastMatchStart = 0;
  const filter = hashFilter(table);
  const bits = filter?.bits ?? new Uint32Array(1).fill(-1 >>> 0);
  const mask = filter?.mask ?? 0;
  return {
    size: table.count,
    exact,
    hasNames: true,
    get lastMatchStart() {
      return lastMatchStart;
    },
    match(name) {
      const count = scanSuffixes(table, labelCounts, name, hits, exact);
      if (count === 0) return -1;
      lastMatchStart = hits[2 * count - 1] as number;
      return idOf(hits[2 * count - 2] as number);
    },
    matchScan(scan, before) {
      // Most specific first: the whole name is the last suffix; starts grow as k goes down.
      const { starts, hashes, labels, name } = scan;
      const last = exact ? scan.count - 1 : 0;
      for (let k = scan.count - 1; k >= last && k >= 0; k--) {
        const start = starts[k] as number;
        if (start >= before) return -1;
        if (labelCounts[labels[k] as number] !== 1) continue;
        const h = hashes[k] as number;
        const x = filterBit(h, mask);
        if (((bits[x >>> 5] as number) & (1 << (x & 31))) === 0) continue;
        const e = table.find(name, start, name.length, h);
        if (e >= 0) {
          lastMatchStart = start;
          return idOf(e);
        }
      }
      return -1;
    },
    matchRule(name) {
      const count = scanSuffixes(table, labelCounts, name, hits, exact);
      return count === 0 ? null : matchAt(name, count - 1);
    },
    matchAll(name) {
      const all: DomainMatch[] = [];
      for (let k = scanSuffixes(table, labelCounts, name, hits, exact) - 1; k >= 0; k--) all.push(matchAt(name, k));
      return all;
    },
    forEachRule(fn) {
      const { blob, offsets } = table;
      for (let e = 0; e < table.count; e++) {
        fn(Buffer.from(blob.buffer, blob.byteOffset + (offsets[e] as number), (offsets[e + 1] as number) - (offsets[e] as number)).toString('latin1'), idOf(e));
      }
    },
    bytes: () => table.blob.byteLength + table.offsets.byteLength + table.slots.byteLength + (ruleIds?.byteLength ?? 0) + bits.byteLength,
  };
}

/** Options of {@link createDomainSetBuilder}. */

export { createDomainSetBuilder, type DomainSetBuilderOptions } from './domain-set-builder.js';
