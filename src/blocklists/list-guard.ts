/**
 * What a list we did not write may never block. A downloaded source or subscription can carry a
 * rule such as `google.com` or `gstatic.com`: blocking it would block a never-block name (a school
 * portal, a phone's connectivity check) or the host SafeSearch rewrites to, so Google would answer
 * 0.0.0.0 for a child. Such rules become exceptions of that list only (as an `@@||rule^` line
 * would): another list or a parent's own rule still applies.
 */
import { DEFAULT_SAFE_SEARCH_TARGETS, YOUTUBE_MODERATE_HOST } from '../resolver/safe-search-hosts.js';
import { createDomainSetBuilder, type DomainSet } from './domain-set.js';
import type { CompiledList } from './list-compiler.js';

/** Hosts SafeSearch answers with: never blocked by any list. */
export const PROTECTED_NAMES: readonly string[] = [...Object.values(DEFAULT_SAFE_SEARCH_TARGETS), YOUTUBE_MODERATE_HOST];

/**
 * The exceptions of `list` once guarded: its own, and every rule of it that equals or covers one
 * of `protectedNames` (with its subdomains, as the rule had). Returns the list's own set when
 * nothing is added (no copy, no allocation for the common case).
 */
export function listGuard(list: Pick<CompiledList, 'block' | 'allow'>, protectedNames: readonly string[]): DomainSet {
  const covering = new Set<string>();
  for (const name of protectedNames) for (const m of list.block.matchAll(name)) covering.add(m.rule);
  // A list with 100,000+ exceptions keeps no names to merge (fingerprint set): never the case for
  // the lists guarded here, but then its own exceptions stay and the never-block check at match
  // time still protects the exact names.
  if (covering.size === 0 || (list.allow.size > 0 && !list.allow.hasNames)) return list.allow;
  const builder = createDomainSetBuilder({ expectedRules: list.allow.size + covering.size });
  if (list.allow.size > 0) list.allow.forEachRule((rule) => builder.add(rule, 0));
  for (const rule of covering) builder.add(rule, 0);
  return builder.build();
}
