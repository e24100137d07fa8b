/**
 * Finding the catalog's services the way parents type them (a name, an id, a domain, a typo) and
 * saying what a profile does with one. Shared by the CLI, the admin page and its API, which sit
 * above this layer; it only reads the loaded catalog and the policy's rules.
 */
import type { CatalogService } from '../blocklists/catalog-schema.js';
import type { LoadedCatalog } from '../blocklists/load-catalog.js';
import type { Profile } from '../policy/model.js';
import { isServiceOn } from '../policy/profile-matchers.js';

/** Edit distance between two short ids (for "did you mean"). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}

/** Up to five of `ids` close to `word` (a small edit distance, or one contains the other). */
export function closeIds(word: string, ids: readonly string[]): string[] {
  const w = word.toLowerCase();
  return ids
    .map((id) => ({ id, d: id.includes(w) || w.includes(id) ? 1 : distance(w, id) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(w.length / 3)))
    .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id))
    .slice(0, 5)
    .map((x) => x.id);
}

/** Whether a service matches a search: its id, a name or a domain contains it, or a domain covers it. */
function matches(service: CatalogService, search: string, loaded: Pick<LoadedCatalog, 'services'>): boolean {
  const q = search.trim().toLowerCase();
  if (q === '') return true;
  if ([service.id, service.name.en, service.name.fr, ...service.domains].some((t) => t.toLowerCase().includes(q))) return true;
  return q.includes('.') && loaded.services.serviceOf(q)?.id === service.id;
}

/** The catalog's services matching `search` and `category`, by name. */
export function findServices(loaded: Pick<LoadedCatalog, 'services'>, search = '', category?: string): CatalogService[] {
  return loaded.services.services
    .filter((s) => (category === undefined || s.category === category) && matches(s, search, loaded))
    .sort((a, b) => a.name.en.localeCompare(b.name.en));
}

/** Whether `profile` blocks `service` now (before windows, overrides and device rules), and why. */
export function serviceState(service: CatalogService, profile: Profile, loaded: Pick<LoadedCatalog, 'compiled' | 'catalog' | 'services'>): { blocked: boolean; why: 'explicit' | 'category' } {
  return { blocked: isServiceOn(service.id, profile, loaded), why: profile.services[service.id] === undefined ? 'category' : 'explicit' };
}
