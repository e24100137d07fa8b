/**
 * Form routes of a device card added for issue 11: the device's own rules (add: a service id or a
 * site name in one field; remove) and "turn everything off" (override 'off', confirmed). The
 * devices plugin passes its `formAction` (redirect on success, the page with a message on a
 * validation problem).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { OverrideStore } from '../../policy/override-store.js';
import type { AdminContext } from '../context.js';
import type { devicesMessages } from '../messages/devices.js';
import type { Lang } from '../page/i18n.js';
import { deviceRuleFormSchema, deviceRuleRemoveFormSchema, offFormSchema } from '../schemas/services.js';
import type { DeviceRuleView } from '../views/devices-rules.js';
import { deviceRuleStore, setDeviceRule } from './device-rules-api.js';

type MessageKey = keyof (typeof devicesMessages)['en'];
type FormAction = (message: (err: unknown) => MessageKey, run: (request: FastifyRequest, id: string) => Promise<void>) => (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

/** Every device's rules as the cards show them (a service by its name in `lang`). */
export function deviceRulesView(ctx: AdminContext, lang: Lang): Map<string, DeviceRuleView[]> {
  const byDevice = new Map<string, DeviceRuleView[]>();
  for (const r of deviceRuleStore(ctx).list()) {
    const service = r.targetType === 'service' ? ctx.policy.catalog.services.get(r.target) : undefined;
    const list = byDevice.get(r.deviceId) ?? [];
    list.push({ kind: r.kind, targetType: r.targetType, target: r.target, label: service?.name[lang] ?? r.target });
    byDevice.set(r.deviceId, list);
  }
  return byDevice;
}

/** Registers POST /devices/:id/off, /devices/:id/rules and /devices/:id/rules/remove. */
export function registerDeviceRulesForms(app: FastifyInstance, ctx: AdminContext, overrides: OverrideStore, formAction: FormAction): void {
  const rules = deviceRuleStore(ctx);
  app.post('/devices/:id/off', formAction(
    (err) => (err instanceof z.ZodError && err.issues.some((i) => i.path[0] === 'confirm') ? 'devices.error.confirm' : 'devices.error.minutes'),
    async (request, id) => {
      overrides.set(id, 'off', offFormSchema.parse(request.body).minutes);
      await ctx.changed();
    },
  ));

  app.post('/devices/:id/rules', formAction(() => 'devices.error.rule', async (request, id) => {
    const form = deviceRuleFormSchema.parse(request.body);
    const asService = form.target.toLowerCase();
    // One field for both: a catalog service id, else a site name (it needs a dot).
    if (ctx.policy.catalog.services.get(asService) !== undefined) {
      await setDeviceRule(ctx, rules, id, { kind: form.kind, targetType: 'service', target: asService });
    } else {
      if (!form.target.includes('.')) throw new z.ZodError([{ code: 'custom', path: ['target'], message: 'not a service or a name', input: form.target }]);
      await setDeviceRule(ctx, rules, id, { kind: form.kind, targetType: 'name', target: form.target, subdomains: true });
    }
  }));

  app.post('/devices/:id/rules/remove', formAction(() => 'devices.error.rule', async (request, id) => {
    const form = deviceRuleRemoveFormSchema.parse(request.body);
    // A second click finds nothing: not an error worth a red message.
    if (rules.remove(id, form.targetType, form.target)) await ctx.changed();
  }));
}
