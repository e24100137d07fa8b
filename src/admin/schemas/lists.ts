/**
 * Bodies of the lists API and forms: subscriptions (an http(s) URL and the category it feeds) and
 * the global custom rules. Names are checked here with the matcher's own normalization so a bad
 * name is a 400 with an issue naming the field.
 */
import { z } from 'zod';
import { normalizeDomain } from '../../blocklists/normalize-domain.js';
import { subscriptionUrlSchema } from '../../blocklists/subscriptions/subscription-store.js';

/** A rule name: a domain name as a parent types it (IDN allowed; normalized by the store). */
export const ruleNameSchema = z
  .string()
  .trim()
  .min(1, { error: 'needs a name' })
  .max(253, { error: 'at most 253 characters' })
  .superRefine((name, ctx) => {
    const result = normalizeDomain(name);
    if (typeof result !== 'string') ctx.addIssue({ code: 'custom', message: `not a domain name: ${result.error}`, input: name });
  });

/** POST /api/rules. */
export const ruleAddSchema = z.strictObject({
  name: ruleNameSchema,
  kind: z.enum(['allow', 'block']).describe('allow beats every list; block adds to them'),
  subdomains: z.boolean().default(true).describe('true: the name and every subdomain; false: the exact name only'),
});

/** DELETE /api/rules: both kinds unless `kind` is given. */
export const ruleRemoveSchema = z.strictObject({
  name: ruleNameSchema,
  kind: z.enum(['allow', 'block']).optional(),
});

/** POST /api/subscriptions (the category must also be one of the known categories). */
export const subscriptionAddSchema = z.strictObject({
  url: subscriptionUrlSchema.describe('Absolute http: or https: URL, no user name or password, at most 2048 characters'),
  category: z.string().regex(/^[a-z0-9-]{1,60}$/, { error: 'must be a category id' }).describe('A catalog category or custom'),
});

/** The same body, with the category checked against `categories`. */
export function subscriptionAddSchemaFor(categories: readonly string[]) {
  return subscriptionAddSchema.refine((b) => categories.includes(b.category), { path: ['category'], error: `must be one of: ${categories.join(', ')}` });
}

/** A subscription id: 12 hex digits (SHA-256 of the URL). */
export const SUBSCRIPTION_ID = /^[0-9a-f]{12}$/;
