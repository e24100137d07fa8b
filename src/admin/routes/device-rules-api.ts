/**
 * JSON API of a device's own rules (allow or block one service or one name for that device,
 * whatever its profile says): list, set, remove. Shared with the device card's forms.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import { createDeviceRuleStore, type DeviceRuleStore } from '../../policy/device-rule-store.js';
import type { DeviceRule } from '../../policy/model.js';
import type { AdminContext } from '../context.js';
import { deviceParamsSchema } from '../schemas/devices.js';
import { deviceRuleBodySchema, deviceRuleDeleteSchema } from '../schemas/services.js';
import { checkServiceIds } from './services-api.js';

/** The rule store over the admin's config.db. */
export function deviceRuleStore(ctx: AdminContext): DeviceRuleStore {
  return createDeviceRuleStore({ db: ctx.db, clock: ctx.clock });
}

/** Sets one rule for `deviceId` (unknown service: 400 with close ids; unknown device: 404) and applies it. */
export async function setDeviceRule(ctx: AdminContext, rules: DeviceRuleStore, deviceId: string, rule: { kind: DeviceRule['kind']; targetType: DeviceRule['targetType']; target: string; subdomains?: boolean }): Promise<DeviceRule> {
  if (rule.targetType === 'service') checkServiceIds(ctx.policy.catalog, [rule.target], ['service']);
  const saved = rules.set({ deviceId, ...rule }, (id) => ctx.policy.catalog.services.get(id) !== undefined);
  await ctx.changed();
  return saved;
}

/** Registers /api/devices/:id/rules on `app`; `exists` says whether a device id is known. */
export function registerDeviceRulesApi(app: FastifyInstance, ctx: AdminContext, exists: (id: string) => boolean): void {
  const rules = deviceRuleStore(ctx);
  const deviceOf = (params: unknown): string => {
    const { id } = deviceParamsSchema.parse(params);
    if (!exists(id)) throw new AppError('NOT_FOUND', `no device '${id}'`);
    return id;
  };
  app.get('/api/devices/:id/rules', { config: { doc: { summary: "A device's own rules (allow or block a service or a name for it only)", returns: 'an array of {deviceId, kind, targetType, target, subdomains}' } } },
    async (request) => rules.forDevice(deviceOf(request.params)));

  app.put('/api/devices/:id/rules', { config: { doc: { summary: 'Allows or blocks one service (as a whole) or one name for this device only (replaces its rule for that target)', body: deviceRuleBodySchema, returns: 'the rule' } } }, async (request) => {
    const id = deviceOf(request.params);
    const body = deviceRuleBodySchema.parse(request.body);
    return setDeviceRule(ctx, rules, id, 'service' in body
      ? { kind: body.kind, targetType: 'service', target: body.service }
      : { kind: body.kind, targetType: 'name', target: body.name, subdomains: body.subdomains });
  });

  app.delete('/api/devices/:id/rules', { config: { doc: { summary: "Removes the device's rule for a service or a name", body: deviceRuleDeleteSchema, returns: '204, no body; 404 when there was none' } } }, async (request, reply) => {
    const id = deviceOf(request.params);
    const body = deviceRuleDeleteSchema.parse(request.body);
    const [type, target] = 'service' in body ? (['service', body.service] as const) : (['name', body.name] as const);
    if (!rules.remove(id, type, target)) throw new AppError('NOT_FOUND', `device '${id}' has no rule for ${type} ${target}`);
    await ctx.changed();
    return reply.code(204).send();
  });
}
