/** zod schemas of the devices API and forms (ids, name, profile). */
import { z } from 'zod';
import { profileIdSchema } from '../../policy/model.js';

/** `:id` of /devices/:id and /api/devices/:id: `mac:02:00:5e:00:53:01` or `ip:192.168.1.20` (decoded). */
export const deviceParamsSchema = z.object({ id: z.string().min(1).max(200) });

/** A display name: trimmed, 1-60 characters; empty or null clears it. */
const nameText = z
  .string()
  .trim()
  .max(60, { error: 'a device name has at most 60 characters' })
  .transform((name) => (name === '' ? null : name));
const deviceName = z.union([nameText, z.null()]);

/** PATCH /api/devices/:id: a name (null or '' clears) and a profile (null = the default profile). */
export const devicePatchSchema = z.strictObject({
  name: deviceName.optional(),
  profileId: profileIdSchema.nullable().optional(),
});

/** The device form: both fields always sent; profile '' = the default profile. */
export const deviceFormSchema = z.object({
  name: z.string().default('').pipe(nameText),
  profileId: z.string().default('').transform((id) => (id === '' ? null : id)).pipe(profileIdSchema.nullable()),
});
