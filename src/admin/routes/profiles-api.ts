/**
 * JSON API of the profiles area: list, create, read, change (name, SafeSearch, categories),
 * delete, the profile's own allow/block entries, and which profile unknown devices get.
 * Operations shared with the form routes live here too (create with a slug id, category checks).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { createDeviceStore, type DeviceStore } from '../../policy/device-store.js';
import type { Profile } from '../../policy/model.js';
import { categoriesOn } from '../../policy/profile-matchers.js';
import { createProfileStore, type ProfileStore } from '../../policy/profile-store.js';
import { createScheduleStore, type ScheduleStore } from '../../policy/schedule-store.js';
import type { AdminContext } from '../context.js';
import type { Lang } from '../page/i18n.js';
import {
  defaultProfileSchema, profileCreateSchema, profileParamsSchema, profilePatchSchema, profileRuleDeleteSchema, profileRuleParamsSchema,
  profileRuleSchema, slugifyProfileId,
} from '../schemas/profiles.js';
import { knownCategoryIds, profileCategories } from './profiles-categories.js';
import { checkServiceIds } from './services-api.js';

/** What the profiles routes share. */
export interface ProfileDeps {
  readonly ctx: AdminContext;
  readonly profiles: ProfileStore;
  readonly devices: DeviceStore;
  readonly schedules: ScheduleStore;
}

/** Creates the stores once per plugin. */
export function profileDeps(ctx: AdminContext): ProfileDeps {
  return { ctx, profiles: createProfileStore({ db: ctx.db, clock: ctx.clock }), devices: createDeviceStore({ db: ctx.db }), schedules: createScheduleStore({ db: ctx.db }) };
}

/** The profile `id`, or AppError('NOT_FOUND'). */
export function mustGetProfile(deps: ProfileDeps, id: string): Profile {
  const profile = deps.profiles.get(id);
  if (profile === null) throw new AppError('NOT_FOUND', `no profile '${id}'`);
  return profile;
}

/** Creates a profile: id from the name unless given, copy of `from` (default: child). `from` unknown → 400. */
export function createProfile(deps: ProfileDeps, input: { id?: string | undefined; name: string; from?: string | undefined }): Profile {
  const from = input.from === undefined || input.from === '' ? undefined : input.from;
  if (from !== undefined && deps.profiles.get(from) === null) {
    throw new z.ZodError([{ code: 'custom', path: ['from'], message: `no profile '${from}'`, input: from }]);
  }
  const id = input.id ?? slugifyProfileId(input.name, (candidate) => deps.profiles.get(candidate) !== null);
  return deps.profiles.create({ id, name: input.name, ...(from !== undefined ? { from } : {}) });
}

/** Throws a ZodError (400 with issues) for category ids no catalog entry, list or subscription uses. */
export function checkCategoryIds(deps: ProfileDeps, ids: readonly string[], path: readonly (string | number)[] = ['categories']): void {
  const known = new Set(knownCategoryIds(deps.ctx.policy.catalog, deps.ctx.db));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new z.ZodError(unknown.map((id) => ({ code: 'custom' as const, path: [...path, id], message: `unknown category '${id}' (valid: ${[...known].join(', ')})`, input: id })));
  }
}

/** A profile as the API returns it. */
export function profileJson(deps: ProfileDeps, profile: Profile, lang: Lang, detailed = false): Record<string, unknown> {
  const defaultId = deps.profiles.defaultProfileId();
  return {
    ...profile,
    isDefault: profile.id === defaultId,
    blockedCategories: categoriesOn(profile, deps.ctx.policy.catalog),
    devices: deps.devices.list().filter((d) => (d.profileId ?? defaultId) === profile.id).length,
    windows: deps.schedules.list(profile.id).length,
    rules: deps.profiles.rules(profile.id).map(({ name, kind, subdomains }) => ({ name, kind, subdomains })),
    ...(detailed ? { categoryChoices: profileCategories(profile, deps.ctx.policy.catalog, deps.ctx.db, lang) } : {}),
  };
}

/** Registers /api/profiles… and /api/settings/default-profile on `app`. */
export function registerProfilesApi(app: FastifyInstance, deps: ProfileDeps): void {
  const { ctx, profiles } = deps;
  const idOf = (params: unknown): string => mustGetProfile(deps, profileParamsSchema.parse(params).id).id;

  app.get('/api/profiles', { config: { doc: { summary: 'Every profile with its blocked categories, devices, windows, own entries and whether it is the default', returns: 'an array of profiles' } } },
    async (request) => profiles.list().map((p) => profileJson(deps, p, request.lang)));

  app.post('/api/profiles', { config: { doc: { summary: 'Creates a profile copied from another (id: a slug of the name unless given)', body: profileCreateSchema, returns: '201 and the profile' } } }, async (request, reply) => {
    const created = createProfile(deps, profileCreateSchema.parse(request.body));
    await ctx.changed();
    return reply.code(201).send(profileJson(deps, created, request.lang));
  });

  app.get('/api/profiles/:id', { config: { doc: { summary: 'One profile, with every category it may block (title, blocked, explicit choice, preset default)', returns: 'the profile' } } },
    async (request) => profileJson(deps, mustGetProfile(deps, profileParamsSchema.parse(request.params).id), request.lang, true));

  app.patch('/api/profiles/:id', { config: { doc: { summary: 'Renames a profile, switches SafeSearch, blocks (true) or allows (false) categories or single services, or resets them (null)', body: profilePatchSchema, returns: 'the profile' } } }, async (request) => {
    const id = idOf(request.params);
    const patch = profilePatchSchema.parse(request.body);
    checkCategoryIds(deps, Object.keys(patch.categories ?? {}));
    checkServiceIds(deps.ctx.policy.catalog, Object.keys(patch.services ?? {}), ['services']);
    const updated = profiles.update(id, patch);
    await ctx.changed();
    return profileJson(deps, updated, request.lang, true);
  });

  app.delete('/api/profiles/:id', { config: { doc: { summary: 'Deletes a profile made by a parent (not a built-in one, not the default); its devices get the default profile', returns: '204, no body' } } }, async (request, reply) => {
    profiles.remove(idOf(request.params));
    await ctx.changed();
    return reply.code(204).send();
  });

  app.post('/api/profiles/:id/rules', { config: { doc: { summary: "Adds (or replaces) one of the profile's own allow/block entries", body: profileRuleSchema, returns: '201 and the entry {name, kind, subdomains}' } } }, async (request, reply) => {
    const id = idOf(request.params);
    const rule = profileRuleSchema.parse(request.body);
    const added = profiles.addRule({ profileId: id, ...rule });
    await ctx.changed();
    return reply.code(201).send({ name: added.name, kind: added.kind, subdomains: added.subdomains });
  });

  const removeRule = async (id: string, name: string, kind: 'allow' | 'block' | undefined): Promise<void> => {
    if (profiles.removeRule(id, name, kind) === 0) throw new AppError('NOT_FOUND', `profile ${id} has no entry for ${name}`);
    await ctx.changed();
  };
  app.delete('/api/profiles/:id/rules', { config: { doc: { summary: "Removes the profile's entry for a name (both kinds unless kind is given)", body: profileRuleDeleteSchema, returns: '204, no body; 404 when there was none' } } }, async (request, reply) => {
    const id = idOf(request.params);
    const { name, kind } = profileRuleDeleteSchema.parse(request.body);
    await removeRule(id, name, kind);
    return reply.code(204).send();
  });
  app.delete('/api/profiles/:id/rules/:kind/:name', { config: { doc: { summary: "Removes the profile's allow or block entry for a name (same as the DELETE with a body)", returns: '204, no body; 404 when there was none' } } }, async (request, reply) => {
    const id = idOf(request.params);
    const { kind, name } = profileRuleParamsSchema.parse(request.params);
    await removeRule(id, name, kind);
    return reply.code(204).send();
  });

  app.put('/api/settings/default-profile', { config: { doc: { summary: 'Chooses the profile unknown devices (and devices without a profile) get', body: defaultProfileSchema, returns: '{profileId}; 400 for an unknown profile' } } }, async (request) => {
    const { profileId } = defaultProfileSchema.parse(request.body);
    if (profiles.get(profileId) === null) throw new z.ZodError([{ code: 'custom', path: ['profileId'], message: `no profile '${profileId}'`, input: profileId }]);
    profiles.setDefaultProfileId(profileId);
    await ctx.changed();
    return { profileId };
  });
}
