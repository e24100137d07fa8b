/** zod schemas of the profiles API and forms. */
import { z } from 'zod';
import { normalizeDomain } from '../../blocklists/normalize-domain.js';
import { profileIdSchema } from '../../policy/model.js';

/** `:id` of /profiles/:id (any text: an unknown id is a 404, not a 400). */
export const profileParamsSchema = z.object({ id: z.string().min(1).max(100) });

const profileName = z.string().trim().min(1, { error: 'a profile name needs 1 to 60 characters' }).max(60, { error: 'a profile name needs 1 to 60 characters' });
const categoryId = z.string().regex(/^[a-z0-9-]+$/, { error: 'must be a category id (lower-case letters, digits, dashes)' });

/** A name for an allow/block entry: normalized (lower-case, IDN in punycode), else an issue saying why. */
export const ruleNameSchema = z.string().max(300).transform((raw, ctx) => {
  const name = normalizeDomain(raw.trim());
  if (typeof name === 'string') return name;
  ctx.addIssue({ code: 'custom', message: `'${raw}' is not a domain name: ${name.error}` });
  return z.NEVER;
});

/** POST /api/profiles: `id` defaults to a slug of the name; `from` is the profile copied (default: child). */
export const profileCreateSchema = z.strictObject({
  id: profileIdSchema.refine((id) => id !== 'default', { error: "'default' is reserved" }).optional(),
  name: profileName,
  from: profileIdSchema.optional(),
});

/**
 * PATCH /api/profiles/:id: categories map id → blocked (true), allowed (false), or null (back to
 * the preset); services map a catalog service id → blocked or allowed as a whole, or null (it
 * follows its category again).
 */
export const profilePatchSchema = z.strictObject({
  name: profileName.optional(),
  safeSearch: z.boolean().optional(),
  categories: z.record(categoryId, z.boolean().nullable()).optional(),
  services: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'must be a service id (see GET /api/services)' }), z.boolean().nullable()).optional(),
});

/** POST /api/profiles/:id/rules. */
export const profileRuleSchema = z.strictObject({
  name: ruleNameSchema,
  kind: z.enum(['allow', 'block']),
  /** false: the exact name only. */
  subdomains: z.boolean().default(true),
});

/** DELETE /api/profiles/:id/rules (both kinds unless `kind` is given). */
export const profileRuleDeleteSchema = z.strictObject({
  name: ruleNameSchema,
  kind: z.enum(['allow', 'block']).optional(),
});

/** `:kind/:name` of DELETE /api/profiles/:id/rules/:kind/:name. */
export const profileRuleParamsSchema = z.object({ id: z.string().min(1).max(100), kind: z.enum(['allow', 'block']), name: ruleNameSchema });

/** PUT /api/settings/default-profile. */
export const defaultProfileSchema = z.strictObject({ profileId: profileIdSchema });

/** A form field sent zero, one or several times (checkboxes) → a list. */
const formList = z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : typeof v === 'string' ? [v] : v));

/** The "new profile" form. */
export const profileCreateFormSchema = z.object({ name: profileName, from: z.string().default('') });

/** The rename form. */
export const profileRenameFormSchema = z.object({ name: profileName });

/**
 * The filtering form: `shown` lists the categories the form displayed, `block` the ticked ones
 * (unticked checkboxes are not sent), `safeSearch` is 'on' when ticked.
 */
export const profileFilterFormSchema = z.object({
  safeSearch: z.string().optional().transform((v) => v !== undefined),
  shown: formList.pipe(z.array(categoryId)),
  block: formList.pipe(z.array(categoryId)),
});

/** "Back to the default" of one category. */
export const profileResetFormSchema = z.object({ category: categoryId });

/** The "add an entry" form. */
export const profileRuleFormSchema = z.object({
  name: ruleNameSchema,
  kind: z.enum(['allow', 'block']),
  scope: z.enum(['subdomains', 'exact']).default('subdomains'),
});

/** A "remove" button of an entry. */
export const profileRuleRemoveFormSchema = z.object({ name: ruleNameSchema, kind: z.enum(['allow', 'block']) });

/**
 * A profile id made from a name: accents dropped, lower-case, dashes, at most 40 characters;
 * `-2`, `-3`… appended while `isTaken`. 'default' is reserved (it means "the default profile").
 */
export function slugifyProfileId(name: string, isTaken: (id: string) => boolean): string {
  let base = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+/, '').slice(0, 36).replace(/-+$/, '');
  if (base === '') base = 'profile';
  let id = base;
  for (let n = 2; id === 'default' || isTaken(id); n++) id = `${base}-${n}`;
  return id;
}
