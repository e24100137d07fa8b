/**
 * Bodies of the settings API and forms. Runtime settings use the store's own schema
 * (runtimeSettingsPatchSchema); the forms' text fields are turned into such a patch here.
 */
import { z } from 'zod';
import { tokenNameSchema } from '../auth/token-store.js';
import type { RuntimeSettingsPatch } from '../../settings/runtime-settings.js';

/** POST /api/tokens. */
export const tokenCreateSchema = z.strictObject({ name: tokenNameSchema.describe('1-40 letters, digits, spaces, dots, dashes or underscores; unique') });

/** The password form. */
export const passwordFormSchema = z.object({ current: z.string().max(1024), next: z.string().max(1024), confirm: z.string().max(1024) });

/** The upstreams textarea: one per line, blank lines ignored. */
export function upstreamLines(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
}

/** Which form section was posted, and the patch it asks for ("reset" sends null). */
export function patchFromForm(section: 'blockMode' | 'upstreams' | 'retentionDays', body: Record<string, unknown>): RuntimeSettingsPatch | Record<string, unknown> {
  if (body.action === 'reset') return { [section]: null };
  const text = typeof body[section] === 'string' ? (body[section] as string) : '';
  if (section === 'upstreams') return { upstreams: upstreamLines(text) };
  if (section === 'retentionDays') return { retentionDays: text.trim() === '' || !/^\d+$/.test(text.trim()) ? text : Number(text.trim()) };
  return { blockMode: text };
}
