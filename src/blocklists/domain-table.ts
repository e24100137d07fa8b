/**
 * The hash table under DomainSet (see domain-set.ts for the layout) and the right-to-left suffix
 * hashing every lookup uses. Internal to blocklists/: the API is domain-set.ts.
 */
import { FP_MAX_LENGTH, fingerprintSeed, fpHigh, fpLow, KEY_HI, KEY_LO } from './fingerprint-keys.js';

/** FNV-1a 32-bit parameters. */
export const FNV_OFFSET = 0x811c9dc5;
/** FNV-1a 32-bit parameters. */
export const FNV_PRIME = 0x01000193;
/** '.' */
export const DOT = 46;

/** murmur3 fmix32: spreads FNV's weak high bits before they pick a slot. */
export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Slot for a mixed hash in a table of `cap` slots (multiply-shift: no power-of-two size needed). */
export function home(f: number, cap: number): number {
  return Math.floor((f >>> 6) * cap * 1.4901161193847656e-8); // × 2^-26: (f >>> 6) < 2^26, cap < 2^27, exact in a double
}

/** Slots for `rules` rules at load factor `load`. */
export function tableSize(rules: number, load: number): number {
  return Math.max(8, Math.ceil(rules / load) + 1);
}

/** The storage both the builder and the set share; probing lives here once. */
export class Table {
  constructor(
    public blob: Uint8Array,
    public offsets: Uint32Array,
    public count: number,
    public slots: Int32Array,
  ) {}

  /** Index of the rule equal to name[start, end) with raw hash `h`, or -1. */
  find(name: string, start: number, end: number, h: number): number {
    const { slots, offsets, blob } = this;
    const cap = slots.length;
    const f = fmix(h);
    const tag = f & 0xff;
    const len = end - start;
    let i = home(f, cap);
    for (;;) {
      const slot = slots[i] as number;
      if (slot === 0) return -1;
      if (slot >>> 24 === tag) {
        const e = (slot & 0xffffff) - 1;
        const o = offsets[e] as number;
        if ((offsets[e + 1] as number) - o === len) {
          let k = 0;
          while (k < len && blob[o + k] === name.charCodeAt(start + k)) k++;
          if (k === len) return e;
        }
      }
      if (++i === cap) i = 0;
    }
  }

  /**
   * {@link Table.find} for bytes[start, end). Deliberately a twin rather than one generic probe
   * with a char accessor: both run per lookup or per rule, and each stays monomorphic this way.
   */
  findBytes(bytes: Uint8Array, start: number, end: number, h: number): number {
    const { slots, offsets, blob } = this;
    const cap = slots.length;
    const f = fmix(h);
    const tag = f & 0xff;
    const len = end - start;
    let i = home(f, cap);
    for (;;) {
      const slot = slots[i] as number;
      if (slot === 0) return -1;
      if (slot >>> 24 === tag) {
        const e = (slot & 0xffffff) - 1;
        const o = offsets[e] as number;
        if ((offsets[e + 1] as number) - o === len) {
          let k = 0;
          while (k < len && blob[o + k] === bytes[start + k]) k++;
          if (k === len) return e;
        }
      }
      if (++i === cap) i = 0;
    }
  }

  /** Puts rule `e` (hash `h`) into the first free slot of its probe sequence. */
  place(e: number, h: number): void {
    const { slots } = this;
    const cap = slots.length;
    const f = fmix(h);
    let i = home(f, cap);
    while (slots[i] !== 0) if (++i === cap) i = 0;
    slots[i] = ((f & 0xff) << 24) | (e + 1);
  }

  /** Rebuilds the slots at `cap`, hashing each rule's name again from the blob. */
  rehash(cap: number): void {
    const { offsets, blob } = this;
    this.slots = new Int32Array(cap);
    for (let e = 0; e < this.count; e++) {
      let h = FNV_OFFSET;
      for (let i = (offsets[e + 1] as number) - 1, o = offsets[e] as number; i >= o; i--) h = Math.imul(h ^ (blob[i] as number), FNV_PRIME);
      this.place(e, h);
    }
  }
}

/** Most labels a name can have (253 characters, one-character labels). */
export const MAX_LABELS = 127;

/**
 * One name's label-boundary suffixes with their hashes, computed once per lookup and reused to
 * probe any number of sets (a blocklist has one set per list; hashing dominates a miss).
 * Suffix k (0 ≤ k < count) starts at `starts[k]` and has `labels[k]` labels; k = 0 is the least
 * specific (the TLD), k = count - 1 the whole name. `hashes` feed the name tables; `fpHi`/`fpLo`
 * are the suffixes' 64-bit fingerprints (fingerprint-keys.ts), valid for starts ≥ `fpFrom`
 * (a longer suffix, or one holding a non-ASCII character, equals no rule). Reused: `scan`
 * overwrites the previous name.
 */
export class NameScan {
  name = '';
  count = 0;
  fpFrom = 0;
  readonly starts = new Int32Array(MAX_LABELS + 1);
  readonly hashes = new Int32Array(MAX_LABELS + 1);
  readonly labels = new Uint8Array(MAX_LABELS + 1);
  readonly fpHi = new Int32Array(MAX_LABELS + 1);
  readonly fpLo = new Int32Array(MAX_LABELS + 1);

  constructor() {
    fingerprintSeed(); // draws the keys if no one has yet
  }

  /** Hashes every suffix of `name` (lower-case, no trailing dot) in one right-to-left pass. */
  scan(name: string): this {
    const n = name.length;
    const { starts, hashes, labels: counts, fpHi, fpLo } = this;
    let count = 0;
    let labels = 1;
    let h = FNV_OFFSET;
    let lo = 0;
    let hi = 0;
    let fpFrom = 0;
    for (let i = n - 1, j = 0; i >= 0 && labels <= MAX_LABELS; i--, j++) {
      const c = name.charCodeAt(i);
      if (c === DOT) {
        if (i + 1 < n) {
          starts[count] = i + 1;
          hashes[count] = h;
          fpHi[count] = fpHigh(lo, hi);
          fpLo[count] = fpLow(lo);
          counts[count++] = labels;
        }
        labels++;
      }
      h = Math.imul(h ^ c, FNV_PRIME);
      if (c < 128 && j < FP_MAX_LENGTH) {
        lo += (KEY_LO[j] as number) * c;
        hi += (KEY_HI[j] as number) * c;
      } else if (fpFrom === 0) {
        fpFrom = i + 1; // suffixes starting at or before i have no fingerprint
      }
    }
    if (n > 0 && labels <= MAX_LABELS) {
      starts[count] = 0;
      hashes[count] = h;
      fpHi[count] = fpHigh(lo, hi);
      fpLo[count] = fpLow(lo);
      counts[count++] = labels;
    }
    this.name = name;
    this.count = count;
    this.fpFrom = fpFrom;
    return this;
  }
}

/**
 * Finds every rule covering `name` in one right-to-left pass (at each label boundary the running
 * hash is the suffix's hash). Writes (rule index, suffix start) pairs to `hits`, least specific
 * first, and returns how many rules matched. Suffixes with a label count no rule has are not
 * probed (so `com` costs nothing when no rule is a bare TLD).
 */
export function scanSuffixes(table: Table, labelCounts: Uint8Array, name: string, hits: Int32Array, exact: boolean): number {
  const n = name.length;
  let count = 0;
  let labels = 1;
  let h = FNV_OFFSET;
  for (let i = n - 1; i >= 0; i--) {
    const c = name.charCodeAt(i);
    if (c === DOT) {
      if (!exact && i + 1 < n && labels <= MAX_LABELS && labelCounts[labels] === 1 && count < MAX_LABELS) {
        const e = table.find(name, i + 1, n, h);
        if (e >= 0) {
          hits[2 * count] = e;
          hits[2 * count++ + 1] = i + 1;
        }
      }
      labels++;
    }
    h = Math.imul(h ^ c, FNV_PRIME);
  }
  if (n > 0 && labels <= MAX_LABELS && labelCounts[labels] === 1 && count < MAX_LABELS) {
    const e = table.find(name, 0, n, h);
    if (e >= 0) {
      hits[2 * count] = e;
      hits[2 * count++ + 1] = 0;
    }
  }
  return count;
}

/** Sets up to this many rules get a {@link hashFilter} (built on the calling thread when wrapped). */
export const FILTER_MAX_RULES = 100_000;

/** Bit of the filter for a raw suffix hash (folds the high half in: FNV's low bits alone are weak). */
export function filterBit(h: number, mask: number): number {
  return (h ^ (h >>> 15)) & mask;
}

/**
 * A one-hash bit filter over the rules' hashes, about 32 bits a rule: a probe whose bit is clear
 * skips the hash table (most probes of a query into a small list's set). Null for big sets.
 */
export function hashFilter(table: Table): { bits: Uint32Array; mask: number } | null {
  if (table.count > FILTER_MAX_RULES) return null;
  let size = 1024;
  while (size < table.count * 32) size *= 2;
  const bits = new Uint32Array(size / 32);
  const { offsets, blob } = table;
  for (let e = 0; e < table.count; e++) {
    let h = FNV_OFFSET;
    for (let i = (offsets[e + 1] as number) - 1, o = offsets[e] as number; i >= o; i--) h = Math.imul(h ^ (blob[i] as number), FNV_PRIME);
    const x = filterBit(h, size - 1);
    bits[x >>> 5] = (bits[x >>> 5] as number) | (1 << (x & 31));
  }
  return { bits, mask: size - 1 };
}
