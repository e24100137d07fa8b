/**
 * The layout of large DomainSets: a sorted array of 64-bit name fingerprints (fingerprint-keys.ts)
 * instead of the names themselves, about 8.5 bytes a rule against ~30 for the name table
 * (domain-set.ts). Same semantics: a rule `example.com` matches `example.com` and every name
 * under it, never `notexample.com`; the matched rule is read back from the name looked up, as
 * with the name table, so `vigie check` still names it. A false match needs two different names
 * with the same fingerprint, which fingerprint-keys.ts bounds at 2^-58 per pair.
 *
 * Layout for N distinct rules:
 *   pairs  Int32Array(2N)  the fingerprints sorted as unsigned 64-bit numbers, (low, high) words
 *                          in memory order, so a BigUint64Array view sorts them in place
 *   index  Uint32Array(B+1)  B = 2^bits ≈ N/8 buckets by the high word's top bits: bucket b is
 *                          pairs entries [index[b], index[b+1])
 * What it gives up: the rules' names (forEachRule throws, `hasNames` is false) and the caller's
 * rule ids (an id is the rule's position in the set).
 */
import { FP_MAX_LENGTH, fingerprintSeed, fpHigh, fpLow, KEY_HI, KEY_LO } from './fingerprint-keys.js';
import { DOT, MAX_LABELS, NameScan } from './domain-table.js';
import type { DomainMatch, DomainSet, DomainSetBuilderOptions } from './domain-set.js';

/** The typed arrays of a built fingerprint set (see fingerprint-set.ts for the layout). */
export interface FingerprintSetParts {
  readonly kind: 'fingerprints';
  /** Distinct rules. */
  readonly count: number;
  readonly pairs: Int32Array;
  readonly index: Uint32Array;
  /** Bucket of a fingerprint: its high word `>>> shift`. */
  readonly shift: number;
  readonly labelCounts: Uint8Array;
  readonly exact: boolean;
  /** The process's fingerprint keys they were made with (fingerprint-keys.ts). */
  readonly seed: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Where each word of a pair sits, so that a BigUint64Array view reads high·2^32 + low. */
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = 1 - HI;
const BUCKET_LOAD = 8; // rules a bucket on average: 0.5 byte of index a rule, one or two cache lines to scan

/** Collects rules as fingerprints; {@link FingerprintSetBuilder.buildParts} sorts them. Single use. */
export interface FingerprintSetBuilder {
  /** Rules added so far, duplicates included (they are dropped by the build). */
  readonly size: number;
  /** Adds a rule (lower-case ASCII, 1-253 characters, no trailing dot); RangeError otherwise. */
  add(domain: string): void;
  /** {@link FingerprintSetBuilder.add} for bytes[start, end), already checked by the list parser. */
  addBytes(bytes: Uint8Array, start: number, end: number): void;
  /** Sorts, drops duplicates and indexes: the arrays to transfer or wrap. */
  buildParts(): FingerprintSetParts;
  /** The finished set. */
  build(): DomainSet;
}

/** Starts an empty {@link FingerprintSetBuilder}; `expectedRules` sizes its array once. */
export function createFingerprintSetBuilder(opts: Pick<DomainSetBuilderOptions, 'expectedRules' | 'exact'> = {}): FingerprintSetBuilder {
  const seed = fingerprintSeed();
  let pairs = new Int32Array(2 * Math.max(16, opts.expectedRules ?? 1024));
  let count = 0;
  const labelCounts = new Uint8Array(MAX_LABELS + 1);
  let built = false;

  const push = (lo: number, hi: number, labels: number): void => {
    if (2 * count === pairs.length) {
      const bigger = new Int32Array(pairs.length * 2);
      bigger.set(pairs);
      pairs = bigger;
    }
    pairs[2 * count + HI] = fpHigh(lo, hi);
    pairs[2 * count + LO] = fpLow(lo);
    count++;
    if (labels <= MAX_LABELS) labelCounts[labels] = 1;
  };
  const checkOpen = (n: number): void => {
    if (built) throw new Error('FingerprintSetBuilder.add after build()');
    if (n === 0 || n > FP_MAX_LENGTH) throw new RangeError(`rule length ${n} is outside 1-${FP_MAX_LENGTH}`);
  };

  const buildParts = (): FingerprintSetParts => {
    if (built) throw new Error('FingerprintSetBuilder.build called twice');
    built = true;
    new BigUint64Array(pairs.buffer, pairs.byteOffset, count).sort(); // native, in place
    let n = 0; // distinct so far
    for (let r = 0; r < count; r++) {
      const hi = pairs[2 * r + HI] as number;
      const lo = pairs[2 * r + LO] as number;
      if (n > 0 && pairs[2 * n - 2 + HI] === hi && pairs[2 * n - 2 + LO] === lo) continue;
      pairs[2 * n + HI] = hi;
      pairs[2 * n + LO] = lo;
      n++;
    }
    // Why copy only when many were duplicates: the tail was written, so it is resident.
    const kept = 4 * n < 3 * count ? pairs.slice(0, 2 * n) : pairs.subarray(0, 2 * n);
    let bits = 1;
    while (bits < 31 && 2 ** bits * BUCKET_LOAD < n) bits++;
    const shift = 32 - bits;
    const index = new Uint32Array(2 ** bits + 1);
    for (let b = 0, e = 0; b < index.length; b++) {
      while (e < n && (kept[2 * e + HI] as number) >>> shift < b) e++;
      index[b] = e;
    }
    return { kind: 'fingerprints', count: n, pairs: kept, index, shift, labelCounts, exact: opts.exact === true, seed };
  };

  return {
    get size() {
      return count;
    },
    add(domain) {
      const n = domain.length;
      checkOpen(n);
      let lo = 0;
      let hi = 0;
      let labels = 1;
      for (let i = n - 1, j = 0; i >= 0; i--, j++) {
        const c = domain.charCodeAt(i);
        if (c > 127) throw new RangeError(`rule ${JSON.stringify(domain)} is not ASCII (use punycode)`);
        if (c === DOT) labels++;
        lo += (KEY_LO[j] as number) * c;
        hi += (KEY_HI[j] as number) * c;
      }
      push(lo, hi, labels);
    },
    addBytes(bytes, from, to) {
      checkOpen(to - from);
      let lo = 0;
      let hi = 0;
      let labels = 1;
      for (let i = to - 1, j = 0; i >= from; i--, j++) {
        const c = bytes[i] as number;
        if (c === DOT) labels++;
        lo += (KEY_LO[j] as number) * c;
        hi += (KEY_HI[j] as number) * c;
      }
      push(lo, hi, labels);
    },
    buildParts,
    build: () => fingerprintSetFromParts(buildParts()),
  };
}

/** Wraps built (or transferred) fingerprint arrays as a {@link DomainSet}. */
export function fingerprintSetFromParts(parts: FingerprintSetParts): DomainSet {
  if (parts.seed !== fingerprintSeed()) throw new Error('fingerprint set built with other keys than this process uses');
  const { pairs, index, shift, labelCounts, exact, count } = parts;
  /** Position of the rule with fingerprint (hi, lo), or -1. */
  const find = (hi: number, lo: number): number => {
    const b = hi >>> shift;
    for (let e = index[b] as number, end = index[b + 1] as number; e < end; e++) {
      if (pairs[2 * e + HI] === hi && pairs[2 * e + LO] === lo) return e;
    }
    return -1;
  };
  const own = new NameScan(); // for match/matchRule/matchAll, which get a bare name
  let lastMatchStart = 0;
  /** The hit of suffix k of `scan`, or -1 (label counts first: most suffixes skip the search). */
  const probe = (scan: NameScan, k: number): number => {
    if (labelCounts[scan.labels[k] as number] !== 1 || (scan.starts[k] as number) < scan.fpFrom) return -1;
    return find(scan.fpHi[k] as number, scan.fpLo[k] as number);
  };
  const matchScan = (scan: NameScan, before: number): number => {
    // Most specific first: the whole name is the last suffix; starts grow as k goes down.
    const last = exact ? scan.count - 1 : 0;
    for (let k = scan.count - 1; k >= last && k >= 0; k--) {
      const start = scan.starts[k] as number;
      if (start >= before) return -1;
      const e = probe(scan, k);
      if (e >= 0) {
        lastMatchStart = start;
        return e;
      }
    }
    return -1;
  };
  return {
    size: count,
    exact,
    hasNames: false,
    get lastMatchStart() {
      return lastMatchStart;
    },
    match: (name) => matchScan(own.scan(name), Infinity),
    matchScan,
    matchRule(name) {
      const e = matchScan(own.scan(name), Infinity);
      return e < 0 ? null : { ruleId: e, rule: name.slice(lastMatchStart) };
    },
    matchAll(name) {
      const all: DomainMatch[] = [];
      own.scan(name);
      const last = exact ? own.count - 1 : 0;
      for (let k = own.count - 1; k >= last && k >= 0; k--) {
        const e = probe(own, k);
        if (e >= 0) all.push({ ruleId: e, rule: name.slice(own.starts[k]) });
      }
      return all;
    },
    forEachRule() {
      throw new Error('a fingerprint set keeps no rule names');
    },
    bytes: () => pairs.byteLength + index.byteLength,
  };
}
