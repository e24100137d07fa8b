/**
 * The parents' global allow and block entries (config.db `custom_rules`), each exact or covering
 * subdomains. Allow beats block, and beats every list. Rows are read back through zod.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { Clock } from '../resolver/types.js';
import { normalizeDomain } from './normalize-domain.js';

/** One custom rule. */
export interface CustomRule {
  readonly name: string;
  readonly kind: 'allow' | 'block';
  /** true: the name and every subdomain; false: the exact name only. */
  readonly subdomains: boolean;
  readonly addedAt: number;
}

const rowSchema = z.object({
  name: z.string().min(1),
  kind: z.enum(['allow', 'block']),
  subdomains: z.union([z.literal(0), z.literal(1)]).transform((v) => v === 1),
  added_at: z.number().int(),
});

export interface CustomRulesStore {
  list(): CustomRule[];
  /** Adds or replaces the rule for (name, kind); the name is normalized (IDN → punycode). */
  add(rule: { name: string; kind: 'allow' | 'block'; subdomains: boolean }): CustomRule;
  /** Removes the rule(s) for name (both kinds unless one is given); returns how many went. */
  remove(name: string, kind?: 'allow' | 'block'): number;
}

/** Normalizes a name typed by a parent, or throws AppError('VALIDATION') saying why not. */
export function normalizeRuleName(raw: string): string {
  const result = normalizeDomain(raw.trim());
  if (typeof result !== 'string') throw new AppError('VALIDATION', `'${raw}' is not a domain name: ${result.error}`);
  return result;
}

/** Creates the store over an open config.db (migrated). */
export function createCustomRulesStore(deps: { db: Database.Database; clock?: Clock }): CustomRulesStore {
  const clock = deps.clock ?? Date.now;
  const upsert = deps.db.prepare('INSERT INTO custom_rules (name, kind, subdomains, added_at) VALUES (?, ?, ?, ?) ON CONFLICT (name, kind) DO UPDATE SET subdomains = excluded.subdomains');
  const select = deps.db.prepare('SELECT name, kind, subdomains, added_at FROM custom_rules ORDER BY kind, name');
  const removeOne = deps.db.prepare('DELETE FROM custom_rules WHERE name = ? AND kind = ?');
  const removeAll = deps.db.prepare('DELETE FROM custom_rules WHERE name = ?');
  return {
    list: () =>
      select.all().map((row) => {
        const r = rowSchema.parse(row);
        return { name: r.name, kind: r.kind, subdomains: r.subdomains, addedAt: r.added_at };
      }),
    add(rule) {
      const name = normalizeRuleName(rule.name);
      const addedAt = clock();
      upsert.run(name, rule.kind, rule.subdomains ? 1 : 0, addedAt);
      return { name, kind: rule.kind, subdomains: rule.subdomains, addedAt };
    },
    remove(name, kind) {
      const normalized = normalizeRuleName(name);
      return (kind ? removeOne.run(normalized, kind) : removeAll.run(normalized)).changes;
    },
  };
}
