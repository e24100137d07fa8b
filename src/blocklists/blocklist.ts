/**
 * All enabled lists in one compact matcher, with provenance: every rule knows its list, so every
 * block can say why (list, category, rule).
 */
import type { BlockDecision } from '../resolver/types.js';
import { createDomainSetBuilder, type DomainMatch } from './domain-set.js';

/** One list's rules as given to {@link createBlocklist}. */
export interface BlocklistSource {
  readonly id: string;
  readonly category: string;
  /** 'nxdomain' for names that must never get a sinkhole address (bypass canaries). */
  readonly action: BlockDecision['action'];
  /** Normalized names (see normalizeDomain); each covers itself and its subdomains. */
  readonly domains: readonly string[];
}

/** Answers "is this name blocked, and why". Immutable: build a new one and swap to change lists. */
export interface Blocklist {
  /** Distinct rules over all lists. */
  readonly size: number;
  /**
   * The most specific rule covering `name` (lower-case, no trailing dot), or null when none does or
   * `name` is exactly an allow entry. `matched` is `name`. Allocates only on a hit.
   */
  match(name: string): BlockDecision | null;
  /** Every rule covering `name`, most specific first; [] when `name` is an allow entry. */
  explain(name: string): BlockDecision[];
  /** True when `name` is exactly one of the allow entries (never blocked). */
  isAllowed(name: string): boolean;
  /** Approximate bytes held by the matcher and the provenance table. */
  bytes(): number;
}

function canonical(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/**
 * Builds one matcher over every list. Rule ids index a compact provenance table (one Uint16 list
 * index per rule). When the same rule is in several lists the first one added wins; 'nxdomain' lists
 * are added first so a canary always answers NXDOMAIN even if another list repeats it.
 * @param allow exact names never blocked (never-block.txt); a subdomain of one is still matched.
 * @throws RangeError if a domain is not normalized or there are more than 65,535 lists.
 */
export function createBlocklist(lists: readonly BlocklistSource[], allow: readonly string[]): Blocklist {
  if (lists.length > 0xffff) throw new RangeError('more than 65535 lists');
  const ordered = [...lists].sort((a, b) => Number(a.action !== 'nxdomain') - Number(b.action !== 'nxdomain'));
  let expectedRules = 0;
  let expectedBytes = 0;
  for (const list of lists) {
    expectedRules += list.domains.length;
    for (const domain of list.domains) expectedBytes += domain.length;
  }
  const builder = createDomainSetBuilder({ expectedRules, expectedBytes });
  let listOf = new Uint16Array(Math.max(16, expectedRules));
  ordered.forEach((list, index) => {
    for (const domain of list.domains) {
      const ruleId = builder.size;
      if (!builder.add(domain, ruleId)) continue;
      if (ruleId >= listOf.length) {
        const bigger = new Uint16Array(listOf.length * 2);
        bigger.set(listOf);
        listOf = bigger;
      }
      listOf[ruleId] = index;
    }
  });
  const set = builder.build();
  listOf = listOf.slice(0, set.size);
  const allowed = new Set(allow.map(canonical));

  const decide = (m: DomainMatch, name: string): BlockDecision => {
    const list = ordered[listOf[m.ruleId] as number] as BlocklistSource;
    return { action: list.action, category: list.category, list: list.id, rule: m.rule, matched: name };
  };

  return {
    size: set.size,
    match(name) {
      const ruleId = set.match(name);
      if (ruleId < 0 || allowed.has(name)) return null;
      const start = set.lastMatchStart;
      const list = ordered[listOf[ruleId] as number] as BlocklistSource;
      return { action: list.action, category: list.category, list: list.id, rule: start === 0 ? name : name.slice(start), matched: name };
    },
    explain(name) {
      if (allowed.has(name)) return [];
      return set.matchAll(name).map((m) => decide(m, name));
    },
    isAllowed: (name) => allowed.has(name),
    bytes: () => set.bytes() + listOf.byteLength,
  };
}
