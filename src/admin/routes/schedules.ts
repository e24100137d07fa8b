/**
 * The schedules area: /schedules (week grid per profile, windows list, "add a window" form),
 * /schedules/:id/edit, their form POSTs, and the /api/schedules JSON API (schedules-api.ts). A
 * form problem re-renders the form (400) with every message in the page language and what the
 * parent typed.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { formatClockTime, type ScheduleWindow } from '../../policy/model.js';
import { MAX_WINDOWS_PER_PROFILE, scheduleWindowInputSchema } from '../../policy/schedule.js';
import type { AdminContext } from '../context.js';
import { layoutMessages } from '../messages/layout.js';
import { schedulesMessages } from '../messages/schedules.js';
import { translator, type Lang } from '../page/i18n.js';
import { csrfField, sendPage } from '../page/send-page.js';
import { allowNames, draftToRawInput, readScheduleForm, scheduleQuerySchema, windowIdOf, type ScheduleFormDraft } from '../schemas/schedules.js';
import { renderWindowForm } from '../views/schedules-form.js';
import type { SchedulesT } from '../views/schedules-grid.js';
import { renderSchedulesBody } from '../views/schedules.js';
import { categoryTitle, knownCategoryIds } from './profiles-categories.js';
import { mustGetWindow, registerSchedulesApi, saveWindow, scheduleDeps, TooManyWindowsError, type ScheduleDeps } from './schedules-api.js';
import { localizeProfile } from '../views/profile-names.js';

type T = SchedulesT;

/** The problems of a submission, in the page language (one line per field). */
export function formErrors(err: unknown, draft: ScheduleFormDraft, t: T): string[] {
  if (err instanceof TooManyWindowsError) return [t('error.tooMany', { n: MAX_WINDOWS_PER_PROFILE })];
  if (!(err instanceof ZodError)) return [];
  const names = allowNames(draft);
  const lines = err.issues.map((issue) => {
    const [field, index] = issue.path;
    switch (field) {
      case 'days': return t('error.days');
      case 'start': return t('error.start');
      case 'end': return t('error.end');
      case 'mode': return t('error.mode');
      case 'label': return t('error.label');
      case 'profileId': return t('error.profile');
      case 'allow': return typeof index === 'number' ? t('error.allow', { name: names[index] ?? '' }) : t('error.allowMany');
      case 'categories': return typeof index === 'number' ? t('error.unknownCategory', { name: draft.categories[index] ?? '' }) : t('error.categories');
      default: return issue.message;
    }
  });
  return [...new Set(lines)];
}

/** A window as the form shows it. */
function draftOf(w: ScheduleWindow): ScheduleFormDraft {
  return {
    profileId: w.profileId, days: w.days, quick: '', start: formatClockTime(w.start), end: formatClockTime(w.end), mode: w.mode,
    categories: w.categories, allow: w.allow.join('\n'), label: w.label, enabled: w.enabled,
  };
}

/** Fastify plugin of the schedules area (pages and API). */
export const schedulesRoutes: FastifyPluginAsync<{ ctx: AdminContext }> = async (app, { ctx }) => {
  const deps: ScheduleDeps = scheduleDeps(ctx);
  const tr = (lang: Lang): T => translator(schedulesMessages, lang);
  const categoryOptions = (lang: Lang) =>
    knownCategoryIds(ctx.policy.catalog, ctx.db).map((id) => ({ id, title: categoryTitle(id, ctx.policy.catalog, lang) }));
  const emptyDraft = (profileId: string): ScheduleFormDraft => ({
    profileId, days: [], quick: '', start: '21:00', end: '07:00', mode: 'bedtime', categories: [], allow: '', label: '', enabled: true,
  });

  const listPage = (request: FastifyRequest, reply: FastifyReply, filter: string | null, draft?: ScheduleFormDraft, errors: string[] = []): FastifyReply => {
    const t = tr(request.lang);
    const saved = (request.query as { saved?: unknown } | undefined)?.saved === '1';
    const body = renderSchedulesBody({
      lang: request.lang, csrf: csrfField(request), timeZone: ctx.config.tz, profiles: deps.profiles.list().map((p) => localizeProfile(p, request.lang)), filter,
      windows: deps.schedules.list(), categories: categoryOptions(request.lang),
      draft: draft ?? emptyDraft(filter ?? deps.profiles.defaultProfileId()), errors,
    });
    const flash = saved && errors.length === 0 ? translator(layoutMessages, request.lang)('flash.saved') : null;
    return sendPage(request, reply, { title: t('schedules.title'), active: 'schedules', body, flash, status: errors.length > 0 ? 400 : 200 });
  };

  const editPage = (request: FastifyRequest, reply: FastifyReply, window: ScheduleWindow, draft: ScheduleFormDraft, errors: string[] = []): FastifyReply => {
    const t = tr(request.lang);
    const body = renderWindowForm({
      t, csrf: csrfField(request), action: `/schedules/${window.id}`, draft, profiles: deps.profiles.list().map((p) => localizeProfile(p, request.lang)), categories: categoryOptions(request.lang),
      errors, editing: true, cancelHref: `/schedules?profile=${encodeURIComponent(window.profileId)}`,
    });
    return sendPage(request, reply, { title: t('schedules.edit.title'), active: 'schedules', body, status: errors.length > 0 ? 400 : 200 });
  };

  /** Validates the form and saves; on a problem returns the localized messages instead. */
  const submit = async (request: FastifyRequest, replaceId?: number): Promise<{ saved: ScheduleWindow } | { draft: ScheduleFormDraft; errors: string[] }> => {
    const draft = readScheduleForm(request.body);
    try {
      const input = scheduleWindowInputSchema.parse(draftToRawInput(draft));
      return { saved: await saveWindow(deps, draft.profileId, input, replaceId) };
    } catch (err) {
      const errors = formErrors(err, draft, tr(request.lang));
      if (errors.length === 0) throw err;
      return { draft, errors };
    }
  };

  app.get('/schedules', async (request, reply) => {
    const raw = (request.query ?? {}) as { profile?: unknown };
    const parsed = scheduleQuerySchema.safeParse({ profile: raw.profile === '' ? undefined : raw.profile });
    const filter = parsed.success && parsed.data.profile !== undefined && deps.profiles.get(parsed.data.profile) !== null ? parsed.data.profile : null;
    return listPage(request, reply, filter);
  });

  app.post('/schedules', async (request, reply) => {
    const result = await submit(request);
    if ('errors' in result) return listPage(request, reply, null, result.draft, result.errors);
    return reply.redirect(`/schedules?saved=1#profile-${result.saved.profileId}`, 303);
  });

  app.get('/schedules/:id/edit', async (request, reply) => {
    const window = mustGetWindow(deps, windowIdOf(request.params));
    return editPage(request, reply, window, draftOf(window));
  });

  app.post('/schedules/:id', async (request, reply) => {
    const window = mustGetWindow(deps, windowIdOf(request.params));
    const result = await submit(request, window.id);
    if ('errors' in result) return editPage(request, reply, window, result.draft, result.errors);
    return reply.redirect(`/schedules?saved=1#profile-${result.saved.profileId}`, 303);
  });

  app.post('/schedules/:id/enabled', async (request, reply) => {
    const window = mustGetWindow(deps, windowIdOf(request.params));
    const enabled = (request.body as { enabled?: unknown } | undefined)?.enabled === 'on';
    deps.schedules.setEnabled(window.id, enabled);
    await ctx.changed();
    return reply.redirect(`/schedules?saved=1#profile-${window.profileId}`, 303);
  });

  app.post('/schedules/:id/remove', async (request, reply) => {
    const window = mustGetWindow(deps, windowIdOf(request.params));
    deps.schedules.remove(window.id);
    await ctx.changed();
    return reply.redirect(`/schedules?saved=1#profile-${window.profileId}`, 303);
  });

  registerSchedulesApi(app, deps);
};
