/**
 * JSON API of the schedules area (list, add, read, replace, switch on/off, remove) and the save
 * operation the form routes share: the profile must exist, a block window's categories must be
 * known, a profile holds at most MAX_WINDOWS_PER_PROFILE windows.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { formatClockTime, type ScheduleWindow } from '../../policy/model.js';
import { createProfileStore, type ProfileStore } from '../../policy/profile-store.js';
import { describeWindow, MAX_WINDOWS_PER_PROFILE, windowFromInput, type ScheduleWindowInput } from '../../policy/schedule.js';
import { createScheduleStore, type ScheduleStore } from '../../policy/schedule-store.js';
import type { AdminContext } from '../context.js';
import type { Lang } from '../page/i18n.js';
import { scheduleBodySchema, scheduleEnabledSchema, scheduleQuerySchema, windowIdOf } from '../schemas/schedules.js';
import { knownCategoryIds } from './profiles-categories.js';

/** What the schedules routes share. */
export interface ScheduleDeps {
  readonly ctx: AdminContext;
  readonly schedules: ScheduleStore;
  readonly profiles: ProfileStore;
}

/** Creates the stores once per plugin. */
export function scheduleDeps(ctx: AdminContext): ScheduleDeps {
  return { ctx, schedules: createScheduleStore({ db: ctx.db }), profiles: createProfileStore({ db: ctx.db, clock: ctx.clock }) };
}

/** The window `id`, or AppError('NOT_FOUND'). */
export function mustGetWindow(deps: ScheduleDeps, id: number): ScheduleWindow {
  const window = deps.schedules.get(id);
  if (window === null) throw new AppError('NOT_FOUND', `no schedule window ${id}`);
  return window;
}

/** Thrown when a profile already holds the most windows it may (the form says so in words). */
export class TooManyWindowsError extends AppError {
  constructor(profileId: string) {
    super('VALIDATION', `profile ${profileId} already has ${MAX_WINDOWS_PER_PROFILE} windows, the most it may have`);
  }
}

/**
 * Adds a window (or replaces window `replaceId`) after the checks of the file header; applies it.
 * @throws ZodError (unknown profile or category: 400 with issues), TooManyWindowsError.
 */
export async function saveWindow(deps: ScheduleDeps, profileId: string, input: ScheduleWindowInput, replaceId?: number): Promise<ScheduleWindow> {
  const issues: z.core.$ZodRawIssue[] = [];
  if (deps.profiles.get(profileId) === null) issues.push({ code: 'custom', path: ['profileId'], message: `no profile '${profileId}'`, input: profileId });
  if (input.mode === 'block') {
    // A block window may name single services (TikTok) besides categories.
    const known = new Set([...knownCategoryIds(deps.ctx.policy.catalog, deps.ctx.db), ...deps.ctx.policy.catalog.services.services.map((s) => s.id)]);
    (input.categories ?? []).forEach((c, i) => {
      if (!known.has(c)) issues.push({ code: 'custom', path: ['categories', i], message: `unknown category or service '${c}'`, input: c });
    });
  }
  if (issues.length > 0) throw new z.ZodError(issues as z.core.$ZodIssue[]);
  const others = deps.schedules.list(profileId).filter((w) => w.id !== replaceId);
  if (others.length >= MAX_WINDOWS_PER_PROFILE) throw new TooManyWindowsError(profileId);
  const { id: _unused, ...window } = windowFromInput(input, { id: 0, profileId });
  const saved = replaceId === undefined ? deps.schedules.add(window) : deps.schedules.replace(replaceId, window);
  await deps.ctx.changed();
  return saved;
}

/** A window as the API returns it: times as 'HH:MM' (what PUT takes back), plus a description. */
export function windowJson(w: ScheduleWindow, lang: Lang): Record<string, unknown> {
  return {
    id: w.id, profileId: w.profileId, label: w.label, days: w.days, start: formatClockTime(w.start), end: formatClockTime(w.end),
    mode: w.mode, categories: w.categories, allow: w.allow, enabled: w.enabled,
    overnight: w.end < w.start && w.end !== 0, description: describeWindow(w, lang),
  };
}

/**
 * Parses a POST/PUT body. A bedtime `allow` entry that is a catalog service id (no dot: the window
 * schema only reads names) is set aside before parsing and put back first: every domain of that
 * service stays allowed at bedtime.
 */
function parseBody(deps: ScheduleDeps, body: unknown): z.infer<typeof scheduleBodySchema> {
  const raw = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  const allow = Array.isArray(raw?.allow) ? (raw.allow as unknown[]) : [];
  const isService = (e: unknown): e is string => typeof e === 'string' && deps.ctx.policy.catalog.services.get(e.trim().toLowerCase()) !== undefined;
  const services = allow.filter(isService).map((e) => e.trim().toLowerCase());
  if (services.length === 0) return scheduleBodySchema.parse(body);
  const parsed = scheduleBodySchema.parse({ ...raw, allow: allow.filter((e) => !isService(e)) });
  return { ...parsed, allow: [...new Set([...services, ...(parsed.allow ?? [])])] };
}

/** Registers /api/schedules… on `app`. */
export function registerSchedulesApi(app: FastifyInstance, deps: ScheduleDeps): void {
  const { ctx, schedules } = deps;

  app.get('/api/schedules', { config: { doc: { summary: 'Schedule windows, of every profile or of ?profile=', query: scheduleQuerySchema, returns: 'an array of windows' } } }, async (request) => {
    const { profile } = scheduleQuerySchema.parse(request.query);
    if (profile !== undefined && deps.profiles.get(profile) === null) throw new AppError('NOT_FOUND', `no profile '${profile}'`);
    return schedules.list(profile).map((w) => windowJson(w, request.lang));
  });

  app.post('/api/schedules', { config: { doc: { summary: "Adds a window to a profile (end earlier than start runs overnight; equal times are 24 h)", body: scheduleBodySchema, returns: '201 and the window' } } }, async (request, reply) => {
    const { profileId, ...input } = parseBody(deps, request.body);
    const saved = await saveWindow(deps, profileId, input);
    return reply.code(201).send(windowJson(saved, request.lang));
  });

  app.get('/api/schedules/:id', { config: { doc: { summary: 'One schedule window', returns: 'the window' } } }, async (request) =>
    windowJson(mustGetWindow(deps, windowIdOf(request.params)), request.lang));

  app.put('/api/schedules/:id', { config: { doc: { summary: 'Replaces a window (every field, as for POST)', body: scheduleBodySchema, returns: 'the window' } } }, async (request) => {
    const id = mustGetWindow(deps, windowIdOf(request.params)).id;
    const { profileId, ...input } = parseBody(deps, request.body);
    return windowJson(await saveWindow(deps, profileId, input, id), request.lang);
  });

  app.patch('/api/schedules/:id', { config: { doc: { summary: 'Switches a window on or off', body: scheduleEnabledSchema, returns: 'the window' } } }, async (request) => {
    const id = mustGetWindow(deps, windowIdOf(request.params)).id;
    const { enabled } = scheduleEnabledSchema.parse(request.body);
    const window = schedules.setEnabled(id, enabled);
    await ctx.changed();
    return windowJson(window, request.lang);
  });

  app.delete('/api/schedules/:id', { config: { doc: { summary: 'Removes a window', returns: '204, no body' } } }, async (request, reply) => {
    const id = windowIdOf(request.params);
    if (!schedules.remove(id)) throw new AppError('NOT_FOUND', `no schedule window ${id}`);
    await ctx.changed();
    return reply.code(204).send();
  });
}
