/**
 * JSON API of the devices area: list, read, rename / assign, forget, and the per-device override
 * (pause filtering, block everything, end now). Bodies are validated with zod (a ZodError becomes
 * 400 with its issues); unknown devices and profiles are 404.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { deviceLabel } from '../../policy/build-snapshot.js';
import type { DeviceStore } from '../../policy/device-store.js';
import type { Device, Override } from '../../policy/model.js';
import type { OverrideStore } from '../../policy/override-store.js';
import type { ProfileStore } from '../../policy/profile-store.js';
import type { AdminContext } from '../context.js';
import { deviceParamsSchema, devicePatchSchema } from '../schemas/devices.js';
import { overrideBodySchema } from '../schemas/pause.js';

/** The stores the devices routes share (created once per plugin). */
export interface DeviceStores {
  readonly devices: DeviceStore;
  readonly profiles: ProfileStore;
  readonly overrides: OverrideStore;
}

/** A device as the API returns it: the stored fields plus what the page shows. */
export interface DeviceJson extends Device {
  readonly label: string;
  /** The profile that applies (its own, else the default profile). */
  readonly effectiveProfileId: string;
  /** Not yet given a profile by a parent. */
  readonly isNew: boolean;
  readonly override: Override | null;
}

/** The device `id`, or AppError('NOT_FOUND'). */
export function mustGetDevice(stores: DeviceStores, id: string): Device {
  const device = stores.devices.get(id);
  if (device === null) throw new AppError('NOT_FOUND', `no device '${id}'`);
  return device;
}

/** Checks that `profileId` (when not null) names a profile; a ZodError (400 with an issue on `profileId`) otherwise. */
export function checkProfileExists(stores: DeviceStores, profileId: string | null | undefined): void {
  if (profileId !== null && profileId !== undefined && stores.profiles.get(profileId) === null) {
    throw new z.ZodError([{ code: 'custom', path: ['profileId'], message: `no profile '${profileId}'`, input: profileId }]);
  }
}

/** The devices as the API returns them (one read of the overrides and of the default profile). */
function toJson(stores: DeviceStores, devices: readonly Device[]): DeviceJson[] {
  const overrides = new Map(stores.overrides.list().map((o) => [o.deviceId, o]));
  const defaultId = stores.profiles.defaultProfileId();
  return devices.map((device) => ({
    ...device, label: deviceLabel(device), effectiveProfileId: device.profileId ?? defaultId, isNew: device.profileId === null, override: overrides.get(device.id) ?? null,
  }));
}
const one = (stores: DeviceStores, device: Device): DeviceJson => toJson(stores, [device])[0]!;

/** `?offset=&limit=` of GET /api/devices: at most 500 devices per request (the store keeps 1,000). */
export const devicesPageQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Registers /api/devices… on `app`. */
export function registerDevicesApi(app: FastifyInstance, ctx: AdminContext, stores: DeviceStores): void {
  app.get('/api/devices', { config: { doc: { summary: 'Devices seen, new ones (no profile) first then most recent, with profile and override; paged with ?offset=0&limit=100 (at most 500); the total is in the X-Total-Count header', returns: 'an array of devices' } } }, async (request, reply) => {
    const { offset, limit } = devicesPageQuerySchema.parse(request.query ?? {});
    void reply.header('x-total-count', String(stores.devices.count()));
    return toJson(stores, stores.devices.page(offset, limit));
  });

  app.get('/api/devices/:id', { config: { doc: { summary: 'One device (the id is URL-encoded: mac%3A02%3A…)', returns: 'the device' } } }, async (request) =>
    one(stores, mustGetDevice(stores, deviceParamsSchema.parse(request.params).id)));

  app.patch('/api/devices/:id', { config: { doc: { summary: "Names a device (null or '' clears) and chooses its profile (null: the default profile)", body: devicePatchSchema, returns: 'the device' } } }, async (request) => {
    const { id } = deviceParamsSchema.parse(request.params);
    const patch = devicePatchSchema.parse(request.body);
    mustGetDevice(stores, id);
    checkProfileExists(stores, patch.profileId);
    const updated = stores.devices.update(id, patch);
    await ctx.changed();
    return one(stores, updated);
  });

  app.delete('/api/devices/:id', { config: { doc: { summary: 'Forgets a device (if it asks again it comes back under the default profile)', returns: '204, no body' } } }, async (request, reply) => {
    const { id } = deviceParamsSchema.parse(request.params);
    if (!stores.devices.remove(id)) throw new AppError('NOT_FOUND', `no device '${id}'`);
    await ctx.changed();
    return reply.code(204).send();
  });

  const SUMMARIES = {
    pause: 'Reward time for a device for N minutes: schedules and optional groups lifted, risky categories and SafeSearch stay (replaces any override)',
    off: 'Turns all filtering off for a device for N minutes, risky categories included (replaces any override)',
    block: 'Blocks everything for a device for N minutes (replaces any override)',
  } as const;
  for (const kind of ['pause', 'off', 'block'] as const) {
    const summary = SUMMARIES[kind];
    app.post(`/api/devices/:id/${kind}`, { config: { doc: { summary, body: overrideBodySchema, returns: 'the override {deviceId, kind, until, createdAt}' } } }, async (request) => {
      const { id } = deviceParamsSchema.parse(request.params);
      const { minutes } = overrideBodySchema.parse(request.body);
      mustGetDevice(stores, id);
      const override = stores.overrides.set(id, kind, minutes);
      await ctx.changed();
      return override;
    });
  }

  app.delete('/api/devices/:id/override', { config: { doc: { summary: "Ends a device's pause or block now", returns: '204, no body; 404 when none is in force' } } }, async (request, reply) => {
    const { id } = deviceParamsSchema.parse(request.params);
    mustGetDevice(stores, id);
    if (!stores.overrides.clear(id)) throw new AppError('NOT_FOUND', `device '${id}' has no pause or block in force`);
    await ctx.changed();
    return reply.code(204).send();
  });
}
