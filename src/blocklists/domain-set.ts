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
 */

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
  /** Approximate bytes held (typed arrays only; the object overhead is a few hundred bytes). */
  bytes(): number;
}

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
  /** Trims the arrays to size and returns the finished set. */
  build(): DomainSet;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const DOT = 46;
const MAX_RULES = 0xffffff; // the slot keeps 24 bits of rule index
const GROW_LOAD = 0.7;
const FINAL_LOAD = 0.6;

/** murmur3 fmix32: spreads FNV's weak high bits before they pick a slot. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Slot for a mixed hash in a table of `cap` slots (multiply-shift: no power-of-two size needed). */
function home(f: number, cap: number): number {
  return Math.floor(((f >>> 6) * cap) / 67108864); // (f >>> 6) < 2^26, cap < 2^27: exact in a double
}

function tableSize(rules: number, load: number): number {
  return Math.max(8, Math.ceil(rules / load) + 1);
}

/** The storage both the builder and the set share; probing lives here once. */
class Table {
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

  /** Puts rule `e` (hash `h`) into the first free slot of its probe sequence. */
  place(e: number, h: number): void {
    const { slots } = this;
    const cap = slots.length;
    const f = fmix(h);
    let i = home(f, cap);
    while (slots[i] !== 0) if (++i === cap) i = 0;
    slots[i] = ((f & 0xff) << 24) | (e + 1);
  }

  /** Rebuilds the slots at `cap` from the rules' saved raw hashes. */
  rehash(cap: number, hashes: Int32Array): void {
    this.slots = new Int32Array(cap);
    for (let e = 0; e < this.count; e++) this.place(e, hashes[e] as number);
  }
}

/** Most labels a name can have (253 characters, one-character labels). */
const MAX_LABELS = 127;

/**
 * Finds every rule covering `name` in one right-to-left pass (at each label boundary the running
 * hash is the suffix's hash). Writes (rule index, suffix start) pairs to `hits`, least specific
 * first, and returns how many rules matched. Suffixes with a label count no rule has are not
 * probed (so `com` costs nothing when no rule is a bare TLD).
 */
function scanSuffixes(table: Table, labelCounts: Uint8Array, name: string, hits: Int32Array): number {
  const n = name.length;
  let count = 0;
  let labels = 1;
  let h = FNV_OFFSET;
  for (let i = n - 1; i >= 0; i--) {
    const c = name.charCodeAt(i);
    if (c === DOT) {
      if (i + 1 < n && labels <= MAX_LABELS && labelCounts[labels] === 1 && count < MAX_LABELS) {
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

function freeze(table: Table, ruleIds: Int32Array | null, labelCounts: Uint8Array): DomainSet {
  const idOf = (e: number): number => (ruleIds === null ? e : (ruleIds[e] as number));
  const hits = new Int32Array(2 * MAX_LABELS); // reused by every lookup: nothing allocated on a miss
  const matchAt = (name: string, k: number): DomainMatch => ({
    ruleId: idOf(hits[2 * k] as number),
    rule: name.slice(hits[2 * k + 1]),
  });
  let lastMatchStart = 0;
  return {
    size: table.count,
    get lastMatchStart() {
      return lastMatchStart;
    },
    match(name) {
      const count = scanSuffixes(table, labelCounts, name, hits);
      if (count === 0) return -1;
      lastMatchStart = hits[2 * count - 1] as number;
      return idOf(hits[2 * count - 2] as number);
    },
    matchRule(name) {
      const count = scanSuffixes(table, labelCounts, name, hits);
      return count === 0 ? null : matchAt(name, count - 1);
    },
    matchAll(name) {
      const all: DomainMatch[] = [];
      for (let k = scanSuffixes(table, labelCounts, name, hits) - 1; k >= 0; k--) all.push(matchAt(name, k));
      return all;
    },
    bytes: () => table.blob.byteLength + table.offsets.byteLength + table.slots.byteLength + (ruleIds?.byteLength ?? 0),
  };
}

/** Options of {@link createDomainSetBuilder}. */
export interface DomainSetBuilderOptions {
  /** Expected rules (e.g. the lines of the lists): sizes the arrays once, skipping regrowth. */
  readonly expectedRules?: number;
  /** Expected total characters of those rules. */
  readonly expectedBytes?: number;
}

function grown<T extends Uint8Array | Uint32Array | Int32Array>(array: T, length: number): T {
  const bigger = new (array.constructor as new (n: number) => T)(length);
  bigger.set(array);
  return bigger;
}

/** Starts an empty {@link DomainSetBuilder}. */
export function createDomainSetBuilder(opts: DomainSetBuilderOptions = {}): DomainSetBuilder {
  const expected = Math.max(16, Math.min(opts.expectedRules ?? 1024, MAX_RULES));
  const table = new Table(
    new Uint8Array(Math.max(256, opts.expectedBytes ?? expected * 24)),
    new Uint32Array(expected + 1),
    0,
    new Int32Array(tableSize(expected, FINAL_LOAD)),
  );
  let ruleIds = new Int32Array(expected);
  // Raw hash per rule while building, so a resize never rehashes the names; dropped by build().
  let hashes = new Int32Array(expected);
  const labelCounts = new Uint8Array(MAX_LABELS + 1); // [k] = 1 when some rule has k labels
  let built = false;

  const grow = (bytesNeeded: number): void => {
    const { blob, count } = table;
    const end = (table.offsets[count] as number) + bytesNeeded;
    if (end > blob.length) table.blob = grown(blob, Math.max(blob.length * 2, end));
    if (count + 1 >= ruleIds.length) {
      ruleIds = grown(ruleIds, ruleIds.length * 2);
      hashes = grown(hashes, ruleIds.length);
      table.offsets = grown(table.offsets, ruleIds.length + 1);
    }
    if (count + 1 > table.slots.length * GROW_LOAD) table.rehash(table.slots.length * 2, hashes);
  };

  return {
    get size() {
      return table.count;
    },
    add(domain, ruleId) {
      if (built) throw new Error('DomainSetBuilder.add after build()');
      const n = domain.length;
      if (n === 0 || n > 253) throw new RangeError(`rule length ${n} is outside 1-253`);
      let h = FNV_OFFSET;
      let labels = 1;
      for (let i = n - 1; i >= 0; i--) {
        const c = domain.charCodeAt(i);
        if (c > 127) throw new RangeError(`rule ${JSON.stringify(domain)} is not ASCII (use punycode)`);
        if (c === DOT) labels++;
        h = Math.imul(h ^ c, FNV_PRIME);
      }
      if (table.find(domain, 0, n, h) >= 0) return false;
      if (table.count >= MAX_RULES) throw new RangeError(`more than ${MAX_RULES} rules`);
      grow(n);
      const e = table.count;
      const start = table.offsets[e] as number;
      for (let i = 0; i < n; i++) table.blob[start + i] = domain.charCodeAt(i);
      table.offsets[e + 1] = start + n;
      ruleIds[e] = ruleId;
      hashes[e] = h;
      table.count = e + 1;
      table.place(e, h);
      if (labels <= MAX_LABELS) labelCounts[labels] = 1;
      return true;
    },
    build() {
      if (built) throw new Error('DomainSetBuilder.build called twice');
      built = true;
      const count = table.count;
      table.blob = table.blob.slice(0, table.offsets[count]);
      table.offsets = table.offsets.slice(0, count + 1);
      // Why: a table much emptier than FINAL_LOAD wastes 4 bytes a slot; a fuller one slows misses.
      const target = tableSize(count, FINAL_LOAD);
      if (table.slots.length > target * 1.25 || table.slots.length < target) table.rehash(target, hashes);
      let identity = true;
      for (let e = 0; e < count && identity; e++) identity = ruleIds[e] === e;
      const ids = identity ? null : ruleIds.slice(0, count);
      hashes = ruleIds = new Int32Array(0); // a builder still referenced must not pin them
      return freeze(table, ids, labelCounts);
    },
  };
}
