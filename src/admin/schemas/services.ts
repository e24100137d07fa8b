/** zod schemas of the services API and of a device's own rules (API and forms). */
import { z } from 'zod';
import { profileIdSchema } from '../../policy/model.js';
import { ruleNameSchema } from './profiles.js';

const serviceId = z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'must be a service id (see GET /api/services)' }).max(60);

/** GET /api/services: `search` matches an id, a name or a domain; `profile` adds whether it blocks each. */
export const servicesQuerySchema = z.object({
  search: z.string().max(200).optional(),
  category: z.string().regex(/^[a-z0-9-]+$/).max(60).optional(),
  profile: profileIdSchema.optional(),
});

/** PUT /api/devices/:id/rules: allow or block one service (as a whole) or one name for this device. */
export const deviceRuleBodySchema = z.union([
  z.strictObject({ kind: z.enum(['allow', 'block']), service: serviceId }),
  z.strictObject({ kind: z.enum(['allow', 'block']), name: ruleNameSchema, subdomains: z.boolean().default(true) }),
]);

/** DELETE /api/devices/:id/rules: the rule's target. */
export const deviceRuleDeleteSchema = z.union([z.strictObject({ service: serviceId }), z.strictObject({ name: ruleNameSchema })]);

/** The device card's rule form: a service id or a name in one field, allow or block. */
export const deviceRuleFormSchema = z.object({
  kind: z.enum(['allow', 'block']),
  target: z.string().trim().min(1, { error: 'name a service or a site' }).max(300),
});

/** The device card's "remove this rule" button. */
export const deviceRuleRemoveFormSchema = z.object({ targetType: z.enum(['service', 'name']), target: z.string().min(1).max(300) });

/** "Turn everything off" form: the pause durations, and the ticked "I understand" box. */
export const offFormSchema = z.object({
  minutes: z.enum(['15', '30', '60', '120']).transform(Number),
  confirm: z.literal('yes', { error: 'confirm' }),
});
