/**
 * The devices area: the /devices page (name and profile per device, last seen, MAC with the
 * private-address flag, "pause filtering" / "block everything now" / "end now", forget) with its
 * form POSTs, and the /api/devices JSON API (devices-api.ts). Device ids contain ':' (`mac:…`,
 * `ip:…`): links encode them, routes receive them decoded.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { isAppError } from '../../errors.js';
import { createDeviceStore } from '../../policy/device-store.js';
import { createOverrideStore } from '../../policy/override-store.js';
import { createProfileStore } from '../../policy/profile-store.js';
import type { AdminContext } from '../context.js';
import { devicesMessages } from '../messages/devices.js';
import { layoutMessages } from '../messages/layout.js';
import { translator } from '../page/i18n.js';
import { csrfField, sendPage } from '../page/send-page.js';
import { deviceFormSchema, deviceParamsSchema } from '../schemas/devices.js';
import { blockFormSchema, pauseFormSchema } from '../schemas/pause.js';
import { renderDevicesBody, type DeviceFormError } from '../views/devices.js';
import { registerDeviceRulesApi } from './device-rules-api.js';
import { deviceRulesView, registerDeviceRulesForms } from './devices-rules-forms.js';
import { checkProfileExists, mustGetDevice, registerDevicesApi, type DeviceStores } from './devices-api.js';
import { minutesUntilLocalTime } from './pause-until.js';
import { localizeProfile } from '../views/profile-names.js';

type MessageKey = keyof (typeof devicesMessages)['en'];

/** Device cards per page (each holds six forms: a page of them is already long on a phone). */
export const DEVICES_PER_PAGE = 50;

/** The requested page number (1-based), clamped to the pages there are. */
function pageNumber(request: FastifyRequest, pages: number): number {
  const raw = Number((request.query as { page?: unknown } | undefined)?.page);
  return Number.isInteger(raw) && raw >= 1 ? Math.min(raw, pages) : 1;
}

/** Fastify plugin of the devices area (pages and API). */
export const devicesRoutes: FastifyPluginAsync<{ ctx: AdminContext }> = async (app, { ctx }) => {
  const stores: DeviceStores = {
    devices: createDeviceStore({ db: ctx.db }),
    profiles: createProfileStore({ db: ctx.db, clock: ctx.clock }),
    overrides: createOverrideStore({ db: ctx.db, clock: ctx.clock }),
  };

  const page = (request: FastifyRequest, reply: FastifyReply, error: DeviceFormError | null = null): FastifyReply => {
    const saved = (request.query as { saved?: unknown } | undefined)?.saved === '1';
    const defaultId = stores.profiles.defaultProfileId();
    const profiles = stores.profiles.list().map((p) => localizeProfile(p, request.lang));
    const total = stores.devices.count();
    const pages = Math.max(1, Math.ceil(total / DEVICES_PER_PAGE));
    const pageNo = pageNumber(request, pages);
    const body = renderDevicesBody({
      lang: request.lang, now: ctx.clock(), timeZone: ctx.config.tz, csrf: csrfField(request),
      devices: stores.devices.page((pageNo - 1) * DEVICES_PER_PAGE, DEVICES_PER_PAGE), profiles,
      paging: { page: pageNo, pages, total, newCount: stores.devices.countNew() }, defaultProfile: profiles.find((p) => p.id === defaultId) ?? profiles[0]!,
      overrides: new Map(stores.overrides.list().map((o) => [o.deviceId, o])), rules: deviceRulesView(ctx, request.lang), error,
    });
    const flash = saved && error === null ? translator(layoutMessages, request.lang)('flash.saved') : null;
    return sendPage(request, reply, { title: translator(devicesMessages, request.lang)('devices.title'), active: 'devices', body, flash, status: error === null ? 200 : 400 });
  };

  /** Runs a form action; a validation problem re-renders the page (400) with `message` in the page language. */
  const formAction = (message: (err: unknown) => MessageKey, run: (request: FastifyRequest, id: string) => Promise<void>) =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const { id } = deviceParamsSchema.parse(request.params);
      mustGetDevice(stores, id);
      try {
        await run(request, id);
      } catch (err) {
        if (!(err instanceof ZodError) && !isAppError(err, 'VALIDATION')) throw err;
        const t = translator(devicesMessages, request.lang);
        const body = (request.body ?? {}) as Record<string, unknown>;
        const draft = typeof body.name === 'string' || typeof body.profileId === 'string'
          ? { name: String(body.name ?? ''), profileId: String(body.profileId ?? '') }
          : undefined;
        return page(request, reply, { deviceId: id, message: t('devices.error.title', { message: t(message(err)) }), ...(draft ? { draft } : {}) });
      }
      return reply.redirect('/devices?saved=1', 303);
    };

  app.get('/devices', async (request, reply) => page(request, reply));

  app.post('/devices/:id', formAction(
    (err) => (err instanceof ZodError && err.issues.some((i) => i.path[0] === 'name') ? 'devices.error.name' : 'devices.error.profile'),
    async (request, id) => {
      const form = deviceFormSchema.parse(request.body);
      checkProfileExists(stores, form.profileId);
      stores.devices.update(id, form);
      await ctx.changed();
    },
  ));

  app.post('/devices/:id/pause', formAction(() => 'devices.error.minutes', async (request, id) => {
    stores.overrides.set(id, 'pause', pauseFormSchema.parse(request.body).minutes);
    await ctx.changed();
  }));

  app.post('/devices/:id/block', formAction(() => 'devices.error.minutes', async (request, id) => {
    const { minutes } = blockFormSchema.parse(request.body);
    stores.overrides.set(id, 'block', minutes === 'morning' ? minutesUntilLocalTime(ctx.clock(), ctx.config.tz) : minutes);
    await ctx.changed();
  }));

  app.post('/devices/:id/end', formAction(() => 'devices.error.noOverride', async (_request, id) => {
    // Ending an override that already ended (a second click, or it ran out) is not an error.
    if (stores.overrides.clear(id)) await ctx.changed();
  }));

  app.post('/devices/:id/forget', formAction(() => 'devices.error.noOverride', async (_request, id) => {
    stores.devices.remove(id);
    await ctx.changed();
  }));

  registerDevicesApi(app, ctx, stores);
  registerDeviceRulesApi(app, ctx, (id) => stores.devices.get(id) !== null);
  registerDeviceRulesForms(app, ctx, stores.overrides, formAction);
};
