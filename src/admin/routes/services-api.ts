/**
 * JSON API of the catalog's services (GET /api/services): the apps parents think in, searchable,
 * with whether a profile blocks each one now and why. Also the id check the profile and schedule
 * routes share: an unknown service is a 400 naming the closest ids.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { LoadedCatalog } from '../../blocklists/load-catalog.js';
import { AppError } from '../../errors.js';
import { closeIds, findServices, serviceState } from '../../report/service-search.js';
import type { AdminContext } from '../context.js';
import { servicesQuerySchema } from '../schemas/services.js';
import type { ProfileStore } from '../../policy/profile-store.js';

/** Throws a ZodError (400 with one issue per unknown id, each naming close ids) for ids the catalog lacks. */
export function checkServiceIds(catalog: Pick<LoadedCatalog, 'services'>, ids: readonly string[], path: readonly (string | number)[]): void {
  const all = catalog.services.services.map((s) => s.id);
  const unknown = ids.filter((id) => catalog.services.get(id) === undefined);
  if (unknown.length === 0) return;
  throw new z.ZodError(unknown.map((id) => {
    const close = closeIds(id, all);
    return { code: 'custom' as const, path: [...path, id], message: `unknown service '${id}'${close.length > 0 ? ` (did you mean: ${close.join(', ')}?)` : ''}`, input: id };
  }));
}

/** Registers GET /api/services on `app`. */
export function registerServicesApi(app: FastifyInstance, ctx: AdminContext, profiles: ProfileStore): void {
  app.get('/api/services', {
    config: { doc: { summary: 'The catalog services (id, names, category, domain count); ?search= (id, name or domain), ?category=, ?profile= adds {blocked, why: explicit|category}', returns: 'an array of services, by name' } },
  }, async (request) => {
    const query = servicesQuerySchema.parse(request.query);
    const catalog = ctx.policy.catalog;
    const profile = query.profile === undefined ? null : profiles.get(query.profile);
    if (query.profile !== undefined && profile === null) throw new AppError('NOT_FOUND', `no profile '${query.profile}'`);
    return findServices(catalog, query.search ?? '', query.category).map((s) => ({
      id: s.id, name: s.name, category: s.category, domains: s.domains, reviewed: s.reviewed,
      ...(profile === null ? {} : serviceState(s, profile, catalog)),
    }));
  });
}
