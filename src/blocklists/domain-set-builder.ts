/**
 * Builds a name-layout {@link DomainSet} (see domain-set.ts for the layout): rules are appended to
 * a growing blob and hash table, then the table is resized to its final load once.
 */
import { nameSetFromParts, type DomainSet, type DomainSetBuilder, type NameSetParts } from './domain-set.js';
import { DOT, FNV_OFFSET, FNV_PRIME, MAX_LABELS, Table, tableSize } from './domain-table.js';

const MAX_RULES = 0xffffff; // the slot keeps 24 bits of rule index
const GROW_LOAD = 0.7;
const FINAL_LOAD = 0.6;

export interface DomainSetBuilderOptions {
  /** Expected rules (e.g. the lines of the lists): sizes the arrays once, skipping regrowth. */
  readonly expectedRules?: number;
  /** Expected total characters of those rules. */
  readonly expectedBytes?: number;
  /** Rules match only the very same name, not its subdomains (custom "exact" entries). */
  readonly exact?: boolean;
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
  // Why no hash array: a rehash recomputes the hashes from the blob (rare: the size hint is the
  // line count), which saves 4 bytes a rule at the peak. Ids are stored only once one differs
  // from its index (compileList's never do).
  let ruleIds: Int32Array | null = null;
  let capacity = expected;
  const labelCounts = new Uint8Array(MAX_LABELS + 1); // [k] = 1 when some rule has k labels
  let built = false;

  const grow = (bytesNeeded: number): void => {
    const { blob, count } = table;
    const end = (table.offsets[count] as number) + bytesNeeded;
    if (end > blob.length) table.blob = grown(blob, Math.max(blob.length * 2, end));
    if (count + 1 >= capacity) {
      capacity *= 2;
      if (ruleIds !== null) ruleIds = grown(ruleIds, capacity);
      table.offsets = grown(table.offsets, capacity + 1);
    }
    if (count + 1 > table.slots.length * GROW_LOAD) table.rehash(table.slots.length * 2);
  };

  const setId = (e: number, ruleId: number): void => {
    if (ruleIds === null) {
      if (ruleId === e) return;
      ruleIds = new Int32Array(capacity);
      for (let k = 0; k < e; k++) ruleIds[k] = k;
    }
    ruleIds[e] = ruleId;
  };

  /** Appends a rule known to be new; returns the blob offset where the caller writes its bytes. */
  const append = (n: number, h: number, labels: number, ruleId: number): number => {
    if (table.count >= MAX_RULES) throw new RangeError(`more than ${MAX_RULES} rules`);
    grow(n);
    const e = table.count;
    const start = table.offsets[e] as number;
    table.offsets[e + 1] = start + n;
    setId(e, ruleId);
    table.count = e + 1;
    table.place(e, h);
    if (labels <= MAX_LABELS) labelCounts[labels] = 1;
    return start;
  };

  const checkOpen = (n: number): void => {
    if (built) throw new Error('DomainSetBuilder.add after build()');
    if (n === 0 || n > 253) throw new RangeError(`rule length ${n} is outside 1-253`);
  };

  const buildParts = (): NameSetParts => {
    if (built) throw new Error('DomainSetBuilder.build called twice');
    built = true;
    const count = table.count;
    // Why subarray, not slice: a copy would briefly double the blob; pages past the end that were
    // never written are never resident (calloc'd), so the slack costs address space, not RSS.
    const blob = table.blob.subarray(0, table.offsets[count]);
    const offsets = table.offsets.subarray(0, count + 1);
    // Why: a table much emptier than FINAL_LOAD wastes 4 bytes a slot; a fuller one slows misses.
    const target = tableSize(count, FINAL_LOAD);
    if (table.slots.length > target * 1.25 || table.slots.length < target) table.rehash(target);
    const ids = ruleIds === null ? null : ruleIds.slice(0, count);
    ruleIds = null; // a builder still referenced must not pin them
    return { kind: 'names', count, blob, offsets, slots: table.slots, ruleIds: ids, labelCounts, exact: opts.exact === true };
  };

  return {
    get size() {
      return table.count;
    },
    add(domain, ruleId) {
      const n = domain.length;
      checkOpen(n);
      let h = FNV_OFFSET;
      let labels = 1;
      for (let i = n - 1; i >= 0; i--) {
        const c = domain.charCodeAt(i);
        if (c > 127) throw new RangeError(`rule ${JSON.stringify(domain)} is not ASCII (use punycode)`);
        if (c === DOT) labels++;
        h = Math.imul(h ^ c, FNV_PRIME);
      }
      if (table.find(domain, 0, n, h) >= 0) return false;
      const start = append(n, h, labels, ruleId);
      for (let i = 0; i < n; i++) table.blob[start + i] = domain.charCodeAt(i);
      return true;
    },
    addBytes(bytes, from, to, ruleId) {
      const n = to - from;
      checkOpen(n);
      let h = FNV_OFFSET;
      let labels = 1;
      for (let i = to - 1; i >= from; i--) {
        const c = bytes[i] as number;
        if (c === DOT) labels++;
        h = Math.imul(h ^ c, FNV_PRIME);
      }
      if (table.findBytes(bytes, from, to, h) >= 0) return false;
      const start = append(n, h, labels, ruleId);
      const { blob } = table;
      for (let i = 0; i < n; i++) blob[start + i] = bytes[from + i] as number; // no subarray per rule
      return true;
    },
    buildParts,
    build: () => nameSetFromParts(buildParts()),
  };
}
