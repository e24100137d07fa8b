/** zod schemas of "pause filtering" and "block everything now" (API and forms). */
import { z } from 'zod';
import { MAX_OVERRIDE_MINUTES } from '../../policy/override-store.js';

/** POST /api/devices/:id/pause and /block: how long, in whole minutes (1 to one week). */
export const overrideBodySchema = z.strictObject({
  minutes: z.number().int().min(1).max(MAX_OVERRIDE_MINUTES, { error: `at most ${MAX_OVERRIDE_MINUTES} minutes (one week)` }),
});

/** Durations the pause form offers (minutes). */
export const PAUSE_CHOICES = [15, 30, 60, 120] as const;
/** Durations the block form offers (minutes), plus 'morning' = until tomorrow 07:00 local. */
export const BLOCK_CHOICES = [15, 30, 60] as const;

/** The pause form: one of {@link PAUSE_CHOICES}. */
export const pauseFormSchema = z.object({
  minutes: z.enum(PAUSE_CHOICES.map(String) as [string, ...string[]]).transform(Number),
});

/** The block form: one of {@link BLOCK_CHOICES}, or 'morning'. */
export const blockFormSchema = z.object({
  minutes: z.enum(['morning', ...BLOCK_CHOICES.map(String)] as [string, ...string[]]).transform((v) => (v === 'morning' ? 'morning' as const : Number(v))),
});
