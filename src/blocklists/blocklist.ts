/**
 * All enabled lists behind one `match`, with provenance: every block says which list, category and
 * rule caused it. Each list keeps its own compiled sets (compileList); a lookup hashes the name
 * once (NameScan) and probes every list's table with those hashes.
 *
 * Precedence, highest first:
 *   1. customAllow (exact or with subdomains): never blocked, whatever any list or customBlock says.
 *   2. neverBlock: exact names never blocked (a subdomain of one is still matched).
 *   3. Each list's `@@||name^` exceptions unblock that list's rules only (as in AdGuard, an
 *      exception covering the name beats every block rule of its list, whatever their
 *      specificity); another list, or customBlock, blocking the name still blocks it.
 *   4. Among the block rules left (lists and customBlock), the most specific rule (longest suffix)
 *      wins; on a tie 'nxdomain' lists win, then customBlock, then the first list given.
 */
import type { BlockDecision } from '../resolver/types.js';
import { createDomainSetBuilder, NameScan, type DomainSet } from './domain-set.js';
import { normalizeDomain } from './normalize-domain.js';

/** One compiled list as given to {@link createBlocklist}. */
export interface BlocklistList {
  readonly id: string;
  readonly category: string;
  /** 'nxdomain' for names that must never get a sinkhole address (bypass canaries). */
  readonly action: BlockDecision['action'];
  /** Block rules; each covers the name and its subdomains (unless the set is exact). */
  readonly block: DomainSet;
  /** The list's exceptions: they unblock this list's rules only. */
  readonly allow?: DomainSet;
}

/** A user rule: the name alone, or the name and its subdomains. */
export interface CustomRule {
  readonly name: string;
  readonly subdomains: boolean;
}

/** Allow entries of {@link createBlocklist}. */
export interface BlocklistOptions {
  /** Exact names never blocked (never-block.txt); normalized here. */
  readonly neverBlock: readonly string[];
  /** User allow rules: beat everything. */
  readonly customAllow?: readonly CustomRule[];
  /** User block rules (list 'custom', category 'custom', action 'sinkhole'). */
  readonly customBlock?: readonly CustomRule[];
}

/** One list's rules as names (the former createBlocklist input; see {@link createBlocklistFromDomains}). */
export interface BlocklistSource {
  readonly id: string;
  readonly category: string;
  readonly action: BlockDecision['action'];
  /** Normalized names (see normalizeDomain); each covers itself and its subdomains. */
  readonly domains: readonly string[];
  /** Normalized exception names of this list. */
  readonly allows?: readonly string[];
}

/** Answers "is this name blocked, and why". Immutable: build a new one and swap to change lists. */
export interface Blocklist {
  /** Block rules over all lists and customBlock (a rule in two lists counts twice). */
  readonly size: number;
  /**
   * The decision for `name` (lower-case, no trailing dot) under the precedence above, or null.
   * `matched` is `name`. Allocates only on a hit.
   */
  match(name: string): BlockDecision | null;
  /** Every block rule still in force for `name` (all lists), most specific first; [] when allowed. */
  explain(name: string): BlockDecision[];
  /** True when customAllow covers `name` or it is exactly a neverBlock name. */
  isAllowed(name: string): boolean;
  /** Approximate bytes held by every set. */
  bytes(): number;
}

/** A source of block rules after normalization: a list, or customBlock. */
interface Entry {
  readonly id: string;
  readonly category: string;
  readonly action: BlockDecision['action'];
  readonly sets: readonly DomainSet[];
  readonly allow: DomainSet | null;
}

const CUSTOM = 'custom';

function canonical(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** The user rules as two sets: with subdomains, and exact. Invalid names are dropped. */
function customSets(rules: readonly CustomRule[]): DomainSet[] {
  const sub = createDomainSetBuilder({ expectedRules: rules.length });
  const exact = createDomainSetBuilder({ expectedRules: rules.length, exact: true });
  for (const rule of rules) {
    const name = normalizeDomain(rule.name);
    if (typeof name !== 'string') continue;
    (rule.subdomains ? sub : exact).add(name, 0);
  }
  return [sub.build(), exact.build()].filter((s) => s.size > 0);
}

function setFrom(names: readonly string[]): DomainSet {
  const builder = createDomainSetBuilder({ expectedRules: names.length });
  for (const name of names) builder.add(name, 0);
  return builder.build();
}

function isNewBlocklistApi(arg: readonly string[] | BlocklistOptions): arg is BlocklistOptions {
  return !Array.isArray(arg);
}

/**
 * Builds the matcher over compiled lists (compileList) and the user's rules; see the precedence in
 * this file's header. The former form `createBlocklist(sources, allow)` (names in memory, exact
 * allow names) is still accepted and forwards to {@link createBlocklistFromDomains}.
 * @throws RangeError if a name in a BlocklistSource is not normalized.
 */
export function createBlocklist(lists: readonly BlocklistList[], opts: BlocklistOptions): Blocklist;
export function createBlocklist(sources: readonly BlocklistSource[], allow: readonly string[]): Blocklist;
export function createBlocklist(lists: readonly BlocklistList[] | readonly BlocklistSource[], opts: BlocklistOptions | readonly string[]): Blocklist {
  if (!isNewBlocklistApi(opts)) return createBlocklistFromDomains(lists as readonly BlocklistSource[], opts);
  const entryOf = (l: BlocklistList): Entry => ({
    id: l.id, category: l.category, action: l.action, sets: [l.block], allow: l.allow && l.allow.size > 0 ? l.allow : null,
  });
  const given = lists as readonly BlocklistList[];
  const customBlock = customSets(opts.customBlock ?? []);
  // Why this order: a tie in specificity goes to the earlier entry, so nxdomain lists come first,
  // then customBlock, then the other lists as given.
  const entries: Entry[] = [
    ...given.filter((l) => l.action === 'nxdomain').map(entryOf),
    ...(customBlock.length > 0 ? [{ id: CUSTOM, category: CUSTOM, action: 'sinkhole' as const, sets: customBlock, allow: null }] : []),
    ...given.filter((l) => l.action !== 'nxdomain').map(entryOf),
  ];
  return blocklistOver(entries, customSets(opts.customAllow ?? []), new Set(opts.neverBlock.map(canonical)));
}

/**
 * The former API: lists as arrays of normalized names, `allow` exact names never blocked.
 * Each source becomes its own sets (its `allows` as its exceptions).
 */
export function createBlocklistFromDomains(sources: readonly BlocklistSource[], allow: readonly string[]): Blocklist {
  const lists: BlocklistList[] = sources.map((s) => ({
    id: s.id, category: s.category, action: s.action, block: setFrom(s.domains), allow: setFrom(s.allows ?? []),
  }));
  return createBlocklist(lists, { neverBlock: allow });
}

/** A set probed by `match`: one entry's, or the merge of the small entries (ruleId = entry index). */
interface Probe {
  readonly set: DomainSet;
  /** Index in the entries, or -1 for the merged set. */
  readonly entry: number;
  readonly allow: DomainSet | null;
}

/** Lists below this many rules, without exceptions and with names, share one table on the hot path. */
const MERGE_BELOW = 100_000;

/**
 * Why merge: every probed set costs a few hash probes per query, and a catalog is a dozen small
 * lists plus a few big ones. Small lists without exceptions go into one set whose rule id is the
 * entry index; a rule in two of them keeps the earlier entry, which is the tie-break anyway.
 */
function probesFor(entries: readonly Entry[]): Probe[] {
  const probes: Probe[] = [];
  const small: number[] = [];
  entries.forEach((e, i) => {
    if (e.allow === null && e.sets.every((s) => !s.exact && s.hasNames && s.size < MERGE_BELOW)) small.push(i);
    else for (const set of e.sets) probes.push({ set, entry: i, allow: e.allow });
  });
  if (small.length > 0) {
    const rules = small.reduce((n, i) => n + (entries[i] as Entry).sets.reduce((m, s) => m + s.size, 0), 0);
    const builder = createDomainSetBuilder({ expectedRules: rules });
    for (const i of small) for (const set of (entries[i] as Entry).sets) set.forEachRule((rule) => builder.add(rule, i));
    probes.unshift({ set: builder.build(), entry: -1, allow: null });
  }
  return probes;
}

function blocklistOver(entries: readonly Entry[], customAllow: readonly DomainSet[], neverBlock: ReadonlySet<string>): Blocklist {
  const scan = new NameScan(); // reused by every lookup: nothing allocated on a miss
  const probes = probesFor(entries);

  const isAllowedScanned = (name: string): boolean => {
    for (const set of customAllow) if (set.matchScan(scan, Infinity) >= 0) return true;
    return neverBlock.has(name);
  };
  const isExcepted = (entry: Entry): boolean => entry.allow !== null && entry.allow.matchScan(scan, Infinity) >= 0;
  const decision = (entry: Entry, name: string, start: number): BlockDecision => ({
    action: entry.action, category: entry.category, list: entry.id, rule: start === 0 ? name : name.slice(start), matched: name,
  });

  return {
    size: entries.reduce((n, e) => n + e.sets.reduce((m, s) => m + s.size, 0), 0),
    match(name) {
      scan.scan(name);
      let best = -1;
      let bestStart = Infinity;
      for (const probe of probes) {
        // A rule can win only if at least as specific as the best so far (start ≤ bestStart),
        // and on a tie only from an earlier entry.
        const id = probe.set.matchScan(scan, bestStart + 1);
        if (id < 0) continue;
        const start = probe.set.lastMatchStart;
        const entry = probe.entry < 0 ? id : probe.entry;
        if ((start < bestStart || entry < best) && (probe.allow === null || probe.allow.matchScan(scan, Infinity) < 0)) {
          best = entry;
          bestStart = start;
        }
      }
      if (best < 0 || isAllowedScanned(name)) return null;
      return decision(entries[best] as Entry, name, bestStart);
    },
    explain(name) {
      scan.scan(name);
      if (isAllowedScanned(name)) return [];
      const found: Array<{ entry: Entry; start: number; order: number }> = [];
      entries.forEach((entry, order) => {
        if (isExcepted(entry)) return;
        for (const set of entry.sets) {
          for (const m of set.matchAll(name)) found.push({ entry, start: name.length - m.rule.length, order });
        }
      });
      found.sort((a, b) => a.start - b.start || a.order - b.order);
      return found.map((f) => decision(f.entry, name, f.start));
    },
    isAllowed(name) {
      scan.scan(name);
      return isAllowedScanned(name);
    },
    bytes: () => [...entries.flatMap((e) => [...e.sets, ...(e.allow ? [e.allow] : [])]), ...customAllow, ...probes.filter((p) => p.entry < 0).map((p) => p.set)].reduce((n, s) => n + s.bytes(), 0),
  };
}
