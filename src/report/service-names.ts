/**
 * Which service a blocked rule belongs to, for the report's "top blocked sites": every line of the
 * shipped list files names its service in its comment (`tinder.com  # Tinder — confirmed-list —
 * sources`, see lists/README.md). The catalog's services (version 2) come first: a rule or a name
 * inside a service's domains is that service, in the report's language ("Yubo", not "yellw.co").
 * Rules from elsewhere (subscriptions, the parents' own rules) fall back to their registrable-ish
 * domain.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogService } from '../blocklists/catalog-schema.js';
import type { CatalogEntry } from '../blocklists/load-catalog.js';
import { createServiceIndex } from '../blocklists/service-index.js';

/** Rule → service name lookups. */
export interface ServiceNames {
  /** Services known from the list files. */
  readonly size: number;
  /**
   * The service of a rule of `category`: the list comment's name, else the rule's registrable
   * domain. Rules that are not names (`*` for "block everything now" or bedtime) use `name`'s.
   */
  serviceOf(rule: string, category: string, name?: string): string;
}

/** Second levels under which a registrable domain has three labels (`bbc.co.uk`). */
const THREE_LABEL_SUFFIXES = new Set(['co.uk', 'org.uk', 'com.au', 'co.jp', 'com.br', 'co.nz', 'gouv.fr']);

/**
 * The last two labels of `domain`, or three under a second level such as `co.uk` (a short list,
 * not the Public Suffix List: enough to group a report, not to decide cookies).
 */
export function registrableDomain(domain: string): string {
  const labels = domain.toLowerCase().replace(/\.$/, '').split('.');
  if (labels.length <= 2) return labels.join('.');
  const lastTwo = labels.slice(-2).join('.');
  return THREE_LABEL_SUFFIXES.has(lastTwo) ? labels.slice(-3).join('.') : lastTwo;
}

/**
 * The service named in a list line's comment, or null. The comment is `service — confidence —
 * sources`; a trailing parenthesis is a detail (`Coco (Cocoland)` → `Coco`), and a description
 * rather than a name (`French dating site`, `adult sex chat`: several words all in lower case, or
 * ending with a generic word) is not a service: those rules group by their domain instead.
 */
export function serviceFromComment(comment: string): string | null {
  const label = (comment.split(' — ')[0] ?? '').replace(/\s*\([^()]*\)\s*$/, '').trim();
  if (label === '' || GENERIC_ENDING.test(label) || /^[a-z0-9./-]+(\s[a-z0-9./-]+)+$/.test(label)) return null;
  return label;
}

/** Multi-word labels ending like this describe a kind of site, not one service. */
const GENERIC_ENDING = /\s\S*\b(site|sites|rooms|lookalike|clone)$/i;

/** One line `domain  # comment` → [domain, comment], or null for blank, comment-only or bare lines. */
function splitLine(line: string): [string, string] | null {
  const hash = line.indexOf('#');
  if (hash <= 0) return null;
  const domain = line.slice(0, hash).trim().toLowerCase();
  if (domain === '' || /\s/.test(domain)) return null;
  return [domain, line.slice(hash + 1).trim()];
}

/** Builds the lookups from explicit (category, rule, service) triples (tests, and the loader). */
export function createServiceNames(entries: Iterable<{ category: string; rule: string; service: string }>): ServiceNames {
  const byCategoryRule = new Map<string, string>();
  const byRule = new Map<string, string>();
  for (const e of entries) {
    byCategoryRule.set(`${e.category} ${e.rule}`, e.service);
    if (!byRule.has(e.rule)) byRule.set(e.rule, e.service);
  }
  return {
    size: byCategoryRule.size,
    serviceOf(rule, category, name) {
      const found = byCategoryRule.get(`${category} ${rule}`) ?? byRule.get(rule);
      if (found !== undefined) return found;
      const domain = rule.includes('.') ? rule : (name ?? rule);
      return registrableDomain(domain);
    },
  };
}

/**
 * Reads the service names from the list files of `catalog` in `listsDir` (only the catalog's own
 * files). A missing or unreadable file is skipped: its rules fall back to their domain.
 */
export function loadServiceNames(listsDir: string, catalog: readonly CatalogEntry[]): ServiceNames {
  const entries: { category: string; rule: string; service: string }[] = [];
  for (const entry of catalog) {
    if (entry.file === null) continue;
    let text: string;
    try {
      text = readFileSync(join(listsDir, entry.file), 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const parts = splitLine(line);
      const service = parts === null ? null : serviceFromComment(parts[1]);
      if (parts !== null && service !== null) entries.push({ category: entry.category, rule: parts[0], service });
    }
  }
  return createServiceNames(entries);
}

/**
 * `names` with the catalog's services first: the service whose domains cover the rule (else the
 * asked name) gives its name in `lang`; anything else is left to `names`.
 */
export function withCatalogServices(names: ServiceNames, services: readonly CatalogService[], lang: 'en' | 'fr' = 'en'): ServiceNames {
  if (services.length === 0) return names;
  const index = createServiceIndex(services);
  return {
    size: names.size + services.length,
    serviceOf(rule, category, name) {
      const service = (rule.includes('.') ? index.serviceOf(rule) : null) ?? (name === undefined ? null : index.serviceOf(name));
      return service === null ? names.serviceOf(rule, category, name) : service.name[lang];
    },
  };
}
