/**
 * zod schemas of the schedules API, and the reading of the "add / edit window" form into the
 * input `scheduleWindowInputSchema` validates (days from checkboxes plus a quick choice, the
 * bedtime allow-list from a textarea, one name per line).
 */
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { profileIdSchema, WEEKDAYS } from '../../policy/model.js';
import { scheduleWindowInputSchema, type ScheduleWindowRawInput } from '../../policy/schedule.js';

/** The window id of `/schedules/:id` and `/api/schedules/:id`; anything else is a 404. */
export function windowIdOf(params: unknown): number {
  const text = (params as { id?: unknown } | null)?.id;
  if (typeof text !== 'string' || !/^[1-9]\d{0,9}$/.test(text)) throw new AppError('NOT_FOUND', `no schedule window '${String(text)}'`);
  return Number(text);
}

/** GET /api/schedules?profile= and the page's filter. */
export const scheduleQuerySchema = z.object({ profile: profileIdSchema.optional() });

/** POST /api/schedules and PUT /api/schedules/:id: the profile and the window (see scheduleWindowInputSchema). */
export const scheduleBodySchema = z.object({ profileId: profileIdSchema }).and(scheduleWindowInputSchema);

/** PATCH /api/schedules/:id. */
export const scheduleEnabledSchema = z.strictObject({ enabled: z.boolean() });

/** Quick day choices of the form (names parseDays reads) and the days each ticks. */
export const QUICK_DAYS = {
  'school-nights': ['sun', 'mon', 'tue', 'wed', 'thu'],
  weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  weekend: ['sat', 'sun'],
  'every-day': [...WEEKDAYS],
} as const;
export type QuickDays = keyof typeof QUICK_DAYS;

/** The form as typed, kept to re-render it after a problem. */
export interface ScheduleFormDraft {
  readonly profileId: string;
  readonly days: readonly string[];
  readonly quick: string;
  readonly start: string;
  readonly end: string;
  readonly mode: string;
  readonly categories: readonly string[];
  /** The textarea, as typed. */
  readonly allow: string;
  readonly label: string;
  readonly enabled: boolean;
}

const list = (value: unknown): string[] => (typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Reads a form body (urlencoded: repeated fields are arrays) into a draft; never throws. */
export function readScheduleForm(body: unknown): ScheduleFormDraft {
  const b = (body ?? {}) as Record<string, unknown>;
  return {
    profileId: text(b.profileId), days: list(b.days), quick: text(b.quick), start: text(b.start), end: text(b.end), mode: text(b.mode),
    categories: list(b.categories), allow: text(b.allow), label: text(b.label), enabled: b.enabled === undefined ? !('formEnabled' in b) : b.enabled === 'on',
  };
}

/** Names of the allow textarea: one per line (commas also separate); blank lines ignored. */
export function allowNames(draft: Pick<ScheduleFormDraft, 'allow'>): string[] {
  return draft.allow.split(/[\r\n,]+/).map((n) => n.trim()).filter((n) => n !== '');
}

/** The draft as `scheduleWindowInputSchema` input: days = ticked ∪ quick choice; only the chosen mode's list. */
export function draftToRawInput(draft: ScheduleFormDraft): ScheduleWindowRawInput {
  return {
    label: draft.label,
    days: [...draft.days, ...(draft.quick === '' ? [] : [draft.quick])],
    start: draft.start,
    end: draft.end,
    mode: draft.mode as ScheduleWindowRawInput['mode'],
    ...(draft.mode === 'block' ? { categories: [...draft.categories] } : {}),
    ...(draft.mode === 'bedtime' ? { allow: allowNames(draft) } : {}),
    enabled: draft.enabled,
  };
}
