/**
 * The profiles area: /profiles (list, "make default", new profile) and /profiles/:id (categories,
 * SafeSearch, the profile's own entries, rename, delete) with their form POSTs, and the JSON API
 * (profiles-api.ts). Form problems re-render the page (400) with the message in the page language.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { isAppError } from '../../errors.js';
import { categoriesOn } from '../../policy/profile-matchers.js';
import type { AdminContext } from '../context.js';
import { layoutMessages } from '../messages/layout.js';
import { profilesMessages } from '../messages/profiles.js';
import { translator } from '../page/i18n.js';
import { csrfField, sendPage } from '../page/send-page.js';
import {
  profileCreateFormSchema, profileFilterFormSchema, profileParamsSchema, profileRenameFormSchema, profileResetFormSchema, profileRuleFormSchema,
  profileRuleRemoveFormSchema,
} from '../schemas/profiles.js';
import { renderProfileEditBody, type ProfileSection } from '../views/profiles-edit.js';
import { profilePath, renderProfilesBody } from '../views/profiles.js';
import { servicesFromForm } from '../views/profiles-services.js';
import { serviceGroups } from './profiles-categories.js';
import { checkServiceIds, registerServicesApi } from './services-api.js';
import { checkCategoryIds, createProfile, mustGetProfile, profileDeps, registerProfilesApi, type ProfileDeps } from './profiles-api.js';
import { categoryTitle, profileCategories } from './profiles-categories.js';
import { localizeProfile } from '../views/profile-names.js';

type MessageKey = keyof (typeof profilesMessages)['en'];
type FormBody = Record<string, unknown>;

const isFormProblem = (err: unknown): boolean => err instanceof ZodError || isAppError(err, 'VALIDATION');
const savedFlash = (request: FastifyRequest): string | null =>
  (request.query as { saved?: unknown } | undefined)?.saved === '1' ? translator(layoutMessages, request.lang)('flash.saved') : null;
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The category patch of the filtering form: ticked = blocked; an untouched category keeps following the preset. */
function categoryPatch(deps: ProfileDeps, id: string, body: unknown): { patch: Record<string, boolean>; safeSearch: boolean } {
  const form = profileFilterFormSchema.parse(body);
  checkCategoryIds(deps, [...form.shown, ...form.block], ['shown']);
  const profile = mustGetProfile(deps, id);
  const choices = new Map(profileCategories(profile, deps.ctx.policy.catalog, deps.ctx.db, 'en').map((c) => [c.id, c]));
  const ticked = new Set(form.block);
  const patch: Record<string, boolean> = {};
  for (const category of new Set([...form.shown, ...form.block])) {
    const blocked = ticked.has(category);
    if (profile.categories[category] === undefined && choices.get(category)?.presetDefault === blocked) continue;
    patch[category] = blocked;
  }
  return { patch, safeSearch: form.safeSearch };
}

/** Fastify plugin of the profiles area (pages and API). */
export const profilesRoutes: FastifyPluginAsync<{ ctx: AdminContext }> = async (app, { ctx }) => {
  const deps = profileDeps(ctx);
  const { profiles } = deps;
  const tr = (request: FastifyRequest) => translator(profilesMessages, request.lang);

  const listPage = (request: FastifyRequest, reply: FastifyReply, error: { message: string; name: string; from: string } | null = null): FastifyReply => {
    const defaultId = profiles.defaultProfileId();
    const devices = deps.devices.list();
    const windows = deps.schedules.list();
    const rows = profiles.list().map((p) => localizeProfile(p, request.lang)).map((profile) => ({
      profile,
      isDefault: profile.id === defaultId,
      blocked: categoriesOn(profile, ctx.policy.catalog).map((c) => categoryTitle(c, ctx.policy.catalog, request.lang)),
      devices: devices.filter((d) => (d.profileId ?? defaultId) === profile.id).length,
      windows: windows.filter((w) => w.profileId === profile.id).length,
    }));
    const body = renderProfilesBody({ lang: request.lang, csrf: csrfField(request), rows, error });
    return sendPage(request, reply, { title: tr(request)('profiles.title'), active: 'profiles', body, flash: error ? null : savedFlash(request), status: error ? 400 : 200 });
  };

  const editPage = (request: FastifyRequest, reply: FastifyReply, id: string, error: { section: ProfileSection; message: string; draft?: Record<string, string> } | null = null): FastifyReply => {
    const profile = mustGetProfile(deps, id);
    const defaultId = profiles.defaultProfileId();
    const body = renderProfileEditBody({
      lang: request.lang, csrf: csrfField(request), profile, isDefault: profile.id === defaultId,
      devices: deps.devices.list().filter((d) => (d.profileId ?? defaultId) === profile.id).length,
      windows: deps.schedules.list(profile.id).length,
      categories: profileCategories(profile, ctx.policy.catalog, ctx.db, request.lang),
      rules: profiles.rules(profile.id), services: serviceGroups(profile, ctx.policy.catalog, request.lang), error,
    });
    return sendPage(request, reply, { title: profile.name, active: 'profiles', body, flash: error ? null : savedFlash(request), status: error ? 400 : 200 });
  };

  /** A form on a profile's page: runs `run`, redirects to `redirect` (default: the profile's page), or re-renders with the message. */
  const profileForm = (section: ProfileSection, message: (err: unknown) => MessageKey, run: (id: string, body: FormBody) => void | Promise<void>, redirect?: (id: string) => string) =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const id = mustGetProfile(deps, profileParamsSchema.parse(request.params).id).id;
      const body = (request.body ?? {}) as FormBody;
      try {
        await run(id, body);
        await ctx.changed();
      } catch (err) {
        if (!isFormProblem(err)) throw err;
        const t = tr(request);
        const detail = t(message(err), { name: text(body.name) });
        const draft = Object.fromEntries(Object.entries(body).filter(([k, v]) => k !== '_csrf' && typeof v === 'string')) as Record<string, string>;
        return editPage(request, reply, id, { section, message: t('profiles.error.title', { message: detail }), draft });
      }
      return reply.redirect(redirect ? redirect(id) : `${profilePath(id)}?saved=1`, 303);
    };

  app.get('/profiles', async (request, reply) => listPage(request, reply));

  app.post('/profiles', async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    try {
      const form = profileCreateFormSchema.parse(body);
      const created = createProfile(deps, { name: form.name, from: form.from });
      await ctx.changed();
      return reply.redirect(`${profilePath(created.id)}?saved=1`, 303);
    } catch (err) {
      if (!isFormProblem(err)) throw err;
      const t = tr(request);
      const fromProblem = err instanceof ZodError && err.issues.some((i) => i.path[0] === 'from');
      return listPage(request, reply, { message: t('profiles.error.title', { message: t(fromProblem ? 'profiles.error.from' : 'profiles.error.name') }), name: text(body.name), from: text(body.from) });
    }
  });

  app.get('/profiles/:id', async (request, reply) => editPage(request, reply, profileParamsSchema.parse(request.params).id));

  app.post('/profiles/:id/name', profileForm('rename', () => 'profiles.error.name', (id, body) => {
    profiles.update(id, { name: profileRenameFormSchema.parse(body).name });
  }));

  app.post('/profiles/:id/filtering', profileForm('filter', () => 'profiles.error.category', (id, body) => {
    const { patch, safeSearch } = categoryPatch(deps, id, body);
    const services = servicesFromForm(body);
    checkServiceIds(ctx.policy.catalog, Object.keys(services), ['services']);
    profiles.update(id, { categories: patch, safeSearch, services });
  }));

  app.post('/profiles/:id/reset', profileForm('filter', () => 'profiles.error.category', (id, body) => {
    const { category } = profileResetFormSchema.parse(body);
    checkCategoryIds(deps, [category], ['category']);
    profiles.update(id, { categories: { [category]: null } });
  }));

  app.post('/profiles/:id/rules', profileForm('rules', () => 'profiles.error.ruleName', (id, body) => {
    const form = profileRuleFormSchema.parse(body);
    profiles.addRule({ profileId: id, name: form.name, kind: form.kind, subdomains: form.scope === 'subdomains' });
  }));

  app.post('/profiles/:id/rules/remove', profileForm('rules', () => 'profiles.error.noRule', (id, body) => {
    const form = profileRuleRemoveFormSchema.parse(body);
    // A second click on "remove" finds nothing: not an error worth a red message.
    profiles.removeRule(id, form.name, form.kind);
  }));

  app.post('/profiles/:id/delete', profileForm('delete', (err) => (err instanceof ZodError ? 'profiles.error.builtIn' : 'profiles.error.isDefault'), (id) => {
    if (mustGetProfile(deps, id).builtIn) throw new ZodError([{ code: 'custom', path: ['id'], message: 'built-in', input: id }]);
    profiles.remove(id);
  }, () => '/profiles?saved=1'));

  app.post('/profiles/:id/default', async (request, reply) => {
    const id = mustGetProfile(deps, profileParamsSchema.parse(request.params).id).id;
    profiles.setDefaultProfileId(id);
    await ctx.changed();
    return reply.redirect('/profiles?saved=1', 303);
  });

  registerProfilesApi(app, deps);
  registerServicesApi(app, deps.ctx, deps.profiles);
};
