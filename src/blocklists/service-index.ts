/**
 * The catalog's services made usable: one small list per service (so a profile or a schedule
 * window can block "TikTok" alone, its whole app and not only its website) and a lookup from any
 * name to the service it belongs to (so `vigie check`, the activity page and the report say
 * "Yubo", not "yellw.co"). Built once per load, off the query path.
 */
import type { BlocklistList, CustomRule } from './blocklist.js';
import type { CatalogService } from './catalog-schema.js';
import { createDomainSetBuilder, type DomainSet } from './domain-set.js';
import { normalizeDomain } from './normalize-domain.js';

/** The list id a service's rules carry in decisions and the blocked-attempt log. */
export function serviceListId(serviceId: string): string {
  return `service:${serviceId}`;
}

/** The service id of a list id made by {@link serviceListId}, else null. */
export function serviceIdOfList(listId: string): string | null {
  return listId.startsWith('service:') ? listId.slice('service:'.length) : null;
}

/** The services, by id and by name. */
export interface ServiceIndex {
  readonly services: readonly CatalogService[];
  /** One list per service (id `service:<id>`, the service's category, sinkhole). */
  readonly lists: readonly BlocklistList[];
  get(id: string): CatalogService | undefined;
  /** The service `name` belongs to (its domain or a subdomain of one), or null. */
  serviceOf(name: string): CatalogService | null;
  /** A service's domains as rules with their subdomains (to allow or block it as a whole). */
  rulesOf(id: string): CustomRule[];
}

/** Builds the index. Domains that are not valid names are skipped (the build refuses them anyway). */
export function createServiceIndex(services: readonly CatalogService[]): ServiceIndex {
  const byId = new Map(services.map((s) => [s.id, s]));
  const domainsOf = new Map<string, string[]>();
  const all = createDomainSetBuilder({ expectedRules: services.reduce((n, s) => n + s.domains.length, 0) });
  const lists: BlocklistList[] = [];
  services.forEach((service, index) => {
    const names = service.domains.map((d) => normalizeDomain(d)).filter((d): d is string => typeof d === 'string');
    domainsOf.set(service.id, names);
    const own = createDomainSetBuilder({ expectedRules: names.length });
    for (const name of names) {
      own.add(name, 0);
      all.add(name, index);
    }
    lists.push({ id: serviceListId(service.id), category: service.category, action: 'sinkhole', block: own.build() });
  });
  const index: DomainSet = all.build();
  return {
    services,
    lists,
    get: (id) => byId.get(id),
    serviceOf(name) {
      const id = index.match(name.toLowerCase().replace(/\.$/, ''));
      return id < 0 ? null : (services[id] ?? null);
    },
    rulesOf: (id) => (domainsOf.get(id) ?? []).map((name) => ({ name, subdomains: true })),
  };
}
