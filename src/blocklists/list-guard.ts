/**
 * What a list we did not write may never block. A downloaded source or subscription can carry a
 * rule such as `google.com` or `gstatic.com`: blocking it would block a never-block name (a school
 * portal, a phone's connectivity check) or the host SafeSearch rewrites to, so Google would answer
 * 0.0.0.0 for a child. Such rules, and a source's reviewed exclusions, become exceptions of that
 * list only (as an `@@||rule^` line would): another list or a parent's own rule still applies.
 */
import { DEFAULT_SAFE_SEARCH_TARGETS, YOUTUBE_MODERATE_HOST } from '../resolver/safe-search-hosts.js';
import { createDomainSetBuilder, type DomainSet } from './domain-set.js';
import type { CompiledList } from './list-compiler.js';

/** Hosts SafeSearch answers with: never blocked by any list. */
export const PROTECTED_NAMES: readonly string[] = [...Object.values(DEFAULT_SAFE_SEARCH_TARGETS), YOUTUBE_MODERATE_HOST];

/**
 * The exceptions of `list` once guarded: its own, every rule of it that equals or covers one of
 * `protectedNames`, and `excluded` (each with its subdomains). Returns the list's own set when
 * nothing is added (no copy, no allocation for the common case).
 */
export function listGuard(list: Pick<CompiledList, 'block' | 'allow'>, protectedNames: readonly string[], excluded: readonly string[]): DomainSet {
  const covering = new Set<string>();
  for (const name of protectedNames) for (const m of list.block.matchAll(name)) covering.add(m.rule);
  if (covering.size === 0 && excluded.length === 0) return list.allow;
  const builder = createDomainSetBuilder({ expectedRules: list.allow.size + covering.size + excluded.length });
  if (list.allow.size > 0) list.allow.forEachRule((rule) => builder.add(rule, 0));
  for (const rule of covering) builder.add(rule, 0);
  for (const name of excluded) builder.add(name, 0);
  return builder.build();
}
