/**
 * Weekly schedule windows: compiled once per policy snapshot into a minute-of-week lookup table
 * (the DNS query path does one array read), plus the day parsing, validation and wording the CLI
 * and admin API share. Minute-of-week comes from `createLocalWeekClock` (local-time.ts), so DST is
 * handled there, as wall-clock time.
 */
import { z } from 'zod';
import { normalizeDomain } from '../blocklists/normalize-domain.js';
import { formatClockTime, MINUTES_PER_WEEK, parseClockTime, SCHEDULE_MODES, WEEKDAYS, type ScheduleWindow, type Weekday } from './model.js';

const MINUTES_PER_DAY = 1440;
/** Most windows one profile may have (compileSchedule refuses more; the store and API should too). */
export const MAX_WINDOWS_PER_PROFILE = 64;
/** Most names a 'bedtime' window may allow. */
export const MAX_ALLOWED_NAMES = 200;

/** A profile's windows ready for the query path. Immutable. */
export interface CompiledSchedule {
  /** The enabled windows, in input order. */
  readonly windows: readonly ScheduleWindow[];
  /**
   * Windows active at a local minute-of-week (0 = Monday 00:00), in input order; a shared frozen
   * empty array when none. Out-of-range minutes wrap modulo one week, fractions are floored;
   * NaN/±Infinity give the empty array. O(1), no allocation.
   */
  activeAt(minuteOfWeek: number): readonly ScheduleWindow[];
  /** True when no window is ever active (none enabled, or only windows without days). */
  readonly isEmpty: boolean;
}

const NONE: readonly ScheduleWindow[] = Object.freeze([]);

function assertWindow(w: ScheduleWindow): void {
  const minuteOk = (m: number): boolean => Number.isInteger(m) && m >= 0 && m < MINUTES_PER_DAY;
  if (!minuteOk(w.start) || !minuteOk(w.end)) throw new RangeError(`schedule window ${w.id}: start/end must be minutes 0..1439`);
  for (const d of w.days) if (!WEEKDAYS.includes(d)) throw new RangeError(`schedule window ${w.id}: unknown day ${String(d)}`);
}

/** Minutes a window lasts from its start: end <= start crosses midnight; start === end is 24 h. */
function windowLength(w: ScheduleWindow): number {
  return w.end > w.start ? w.end - w.start : w.end + MINUTES_PER_DAY - w.start;
}

/** One bit per window (two 32-bit words) for each minute of the week. */
function activityBits(windows: readonly ScheduleWindow[]): [Uint32Array, Uint32Array] {
  const words: [Uint32Array, Uint32Array] = [new Uint32Array(MINUTES_PER_WEEK), new Uint32Array(MINUTES_PER_WEEK)];
  windows.forEach((w, i) => {
    const word = words[i >> 5] as Uint32Array;
    const bit = (1 << (i & 31)) >>> 0;
    const length = windowLength(w);
    for (const day of new Set(w.days)) {
      const first = WEEKDAYS.indexOf(day) * MINUTES_PER_DAY + w.start;
      // A Sunday window that runs past midnight wraps into Monday morning.
      for (let k = 0; k < length; k++) word[(first + k) % MINUTES_PER_WEEK] = ((word[(first + k) % MINUTES_PER_WEEK] as number) | bit) >>> 0;
    }
  });
  return words;
}

/**
 * Compiles a profile's windows (disabled ones are dropped) into a table: each minute-of-week maps to
 * one of the distinct frozen combinations of active windows (index 0 = none).
 * @throws RangeError for more than {@link MAX_WINDOWS_PER_PROFILE} windows (enabled or not), or a
 * window with start/end outside 0..1439 or an unknown day.
 */
export function compileSchedule(windows: readonly ScheduleWindow[]): CompiledSchedule {
  if (windows.length > MAX_WINDOWS_PER_PROFILE) throw new RangeError(`at most ${MAX_WINDOWS_PER_PROFILE} schedule windows per profile, got ${windows.length}`);
  windows.forEach(assertWindow);
  const enabled = Object.freeze(windows.filter((w) => w.enabled));
  const [lo, hi] = activityBits(enabled);
  const table = new Uint16Array(MINUTES_PER_WEEK);
  const combos: (readonly ScheduleWindow[])[] = [NONE];
  const indexByKey = new Map<string, number>([['0:0', 0]]);
  for (let m = 0; m < MINUTES_PER_WEEK; m++) {
    const l = lo[m] as number;
    const h = hi[m] as number;
    const key = `${h}:${l}`;
    let index = indexByKey.get(key);
    if (index === undefined) {
      index = combos.push(Object.freeze(enabled.filter((_, i) => (((i < 32 ? l : h) >>> (i & 31)) & 1) === 1))) - 1;
      indexByKey.set(key, index);
    }
    table[m] = index;
  }
  return {
    windows: enabled,
    isEmpty: combos.length === 1,
    activeAt(minuteOfWeek: number): readonly ScheduleWindow[] {
      const m = ((Math.floor(minuteOfWeek) % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
      return combos[table[m] as number] ?? NONE;
    },
  };
}

const DAY_NAMES: Readonly<Record<string, number>> = {
  mon: 0, monday: 0, lun: 0, lundi: 0,
  tue: 1, tues: 1, tuesday: 1, mar: 1, mardi: 1,
  wed: 2, wednesday: 2, mer: 2, mercredi: 2,
  thu: 3, thur: 3, thurs: 3, thursday: 3, jeu: 3, jeudi: 3,
  fri: 4, friday: 4, ven: 4, vendredi: 4,
  sat: 5, saturday: 5, sam: 5, samedi: 5,
  sun: 6, sunday: 6, dim: 6, dimanche: 6,
};

/** Masks (bit 0 = Monday) of the named sets a parent may type. */
const DAY_SETS: Readonly<Record<string, number>> = {
  all: 0x7f, 'every-day': 0x7f, everyday: 0x7f, daily: 0x7f, 'tous-les-jours': 0x7f,
  weekdays: 0x1f, semaine: 0x1f,
  weekend: 0x60, weekends: 0x60, 'week-end': 0x60,
  'school-nights': 0x4f, // Sunday to Thursday: the nights before a school day
};

/** Mask of one token: a set name, a day, or a day range `a-b` (inclusive, wrapping past Sunday). */
function tokenMask(token: string): number | null {
  const set = DAY_SETS[token];
  if (set !== undefined) return set;
  const single = DAY_NAMES[token];
  if (single !== undefined) return 1 << single;
  const range = /^([a-z]+)-([a-z]+)$/.exec(token);
  const from = range ? DAY_NAMES[range[1] as string] : undefined;
  const to = range ? DAY_NAMES[range[2] as string] : undefined;
  if (from === undefined || to === undefined) return null;
  let mask = 0;
  for (let d = from; ; d = (d + 1) % 7) {
    mask |= 1 << d;
    if (d === to) return mask;
  }
}

/**
 * Parses days as a parent types them: lists (`mon,tue`, spaces or `;` also separate), ranges
 * (`mon-fri`, `sun-thu` and `fri-mon` wrap past Sunday), sets (`all`/`every-day`/`daily`,
 * `weekdays`, `weekend`, `school-nights` = sun-thu), English or French names, short or full
 * (`lun`…`dim`, `lundi`…), any case. Duplicates are merged.
 * @returns the days Monday first, or null when empty or when any part is not recognised.
 */
export function parseDays(text: string): Weekday[] | null {
  const tokens = text.toLowerCase().replace(/\s*-\s*/g, '-').split(/[\s,;]+/).filter((t) => t !== '');
  if (tokens.length === 0) return null;
  let mask = 0;
  for (const token of tokens) {
    const m = tokenMask(token);
    if (m === null) return null;
    mask |= m;
  }
  return maskToDays(mask);
}

/**
 * Days → bit mask as stored in the database (bit 0 = Monday … bit 6 = Sunday): 1..127 for a
 * non-empty list, 0 for an empty one. @throws RangeError for an unknown day.
 */
export function daysToMask(days: readonly Weekday[]): number {
  let mask = 0;
  for (const d of days) {
    const i = WEEKDAYS.indexOf(d);
    if (i < 0) throw new RangeError(`unknown day ${String(d)}`);
    mask |= 1 << i;
  }
  return mask;
}

/** Bit mask (see {@link daysToMask}) → days, Monday first. @throws RangeError unless an integer 0..127. */
export function maskToDays(mask: number): Weekday[] {
  if (!Number.isInteger(mask) || mask < 0 || mask > 0x7f) throw new RangeError(`day mask must be an integer 0..127, got ${mask}`);
  return WEEKDAYS.filter((_, i) => (mask & (1 << i)) !== 0);
}

const daysField = z
  .union([z.string(), z.array(z.string())], { error: 'must be days such as mon-fri, sun-thu, weekend or ["mon","tue"]' })
  .transform((value, ctx) => {
    const text = typeof value === 'string' ? value : value.join(',');
    const days = parseDays(text);
    if (days === null) ctx.addIssue({ code: 'custom', message: text.trim() === '' ? 'needs at least one day' : `cannot read '${text}' (try mon-fri, sun-thu, weekend, all or mon,wed)` });
    return days ?? [];
  });

const clockField = (what: 'start' | 'end') =>
  z.string({ error: 'must be a time HH:MM' }).refine((s) => parseClockTime(s) !== null && (what === 'end' || s.trim() !== '24:00'), {
    error: what === 'start' ? 'must be a time HH:MM between 00:00 and 23:59' : 'must be a time HH:MM between 00:00 and 24:00',
  });

/** Drops repeated entries, keeping the first occurrence. */
const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];

const categoryId = z.string().regex(/^[a-z0-9-]+$/, { error: 'must be a category id (lower-case letters, digits, dashes)' });

const allowedName = z.string().transform((raw, ctx) => {
  const name = normalizeDomain(raw.trim());
  if (typeof name === 'string') return name;
  ctx.addIssue({ code: 'custom', message: `'${raw}' is not a domain name: ${name.error}` });
  return z.NEVER;
});

/**
 * A schedule window as the CLI and admin API accept it. `days` is a non-empty list of days or a
 * string read with {@link parseDays}; `start`/`end` are 'HH:MM' ('24:00' only as an end); a
 * 'block' window needs at least one category; `allow` names (≤ 200) are normalized (lower-case,
 * IDN in punycode) and de-duplicated, as are categories.
 */
export const scheduleWindowInputSchema = z
  .object({
    label: z.string().trim().max(60, { error: 'at most 60 characters' }).optional(),
    days: daysField,
    start: clockField('start'),
    end: clockField('end'),
    mode: z.enum(SCHEDULE_MODES, { error: "must be 'block' or 'bedtime'" }),
    categories: z.array(categoryId).transform(unique).optional(),
    allow: z.array(allowedName).max(MAX_ALLOWED_NAMES, { error: `at most ${MAX_ALLOWED_NAMES} names` }).transform(unique).optional(),
    enabled: z.boolean().optional(),
  })
  .refine((w) => w.mode !== 'block' || (w.categories?.length ?? 0) > 0, {
    error: "a 'block' window needs at least one category", path: ['categories'],
  });

/** What {@link scheduleWindowInputSchema} accepts (days may be a string). */
export type ScheduleWindowRawInput = z.input<typeof scheduleWindowInputSchema>;
/** A validated window input: days parsed, names normalized. */
export type ScheduleWindowInput = z.output<typeof scheduleWindowInputSchema>;

/** Turns a validated input into a window (times through parseClockTime; '24:00' as end = 0; enabled by default). */
export function windowFromInput(input: ScheduleWindowInput, ids: { id: number; profileId: string }): ScheduleWindow {
  const start = parseClockTime(input.start);
  const end = parseClockTime(input.end);
  if (start === null || end === null) throw new RangeError(`invalid time ${input.start}-${input.end}`);
  return {
    id: ids.id, profileId: ids.profileId, label: input.label ?? '', days: [...input.days], start, end, mode: input.mode,
    categories: [...(input.categories ?? [])], allow: [...(input.allow ?? [])], enabled: input.enabled ?? true,
  };
}

const WORDS = {
  en: { days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], everyDay: 'Every day', allDay: 'all day', overnight: 'overnight', fullDay: '24 h', colon: ': ', bedtime: 'bedtime', block: 'block', allowed: (n: number) => `${n} allowed`, disabled: 'disabled' },
  fr: { days: ['lun', 'mar', 'mer', 'jeu', 'ven', 'sam', 'dim'], everyDay: 'tous les jours', allDay: 'toute la journée', overnight: 'nuit', fullDay: '24 h', colon: ' : ', bedtime: 'coucher', block: 'blocage', allowed: (n: number) => `${n} autorisé${n > 1 ? 's' : ''}`, disabled: 'désactivée' },
} as const;

/** Days in short form, consecutive runs (wrapping past Sunday) as ranges: `Mon-Fri`, `Sun-Thu`, `Mon,Wed`. */
function describeDays(mask: number, names: readonly string[], everyDay: string): string {
  if (mask === 0x7f) return everyDay;
  const has = (d: number): boolean => (mask & (1 << ((d + 7) % 7))) !== 0;
  const runs: string[] = [];
  for (let d = 0; d < 7; d++) {
    if (!has(d) || has(d - 1)) continue; // not the first day of a run
    let last = d;
    while (has(last + 1)) last++;
    const [a, b] = [names[d] as string, names[last % 7] as string];
    runs.push(last === d ? a : last === d + 1 ? `${a},${b}` : `${a}-${b}`);
  }
  return runs.join(',');
}

/**
 * One short line for `vigie schedules` and `vigie check`, e.g.
 * `Sun-Thu 21:00-07:00 (overnight): bedtime` or `dim-jeu 21:00-07:00 (nuit) : coucher`.
 * A 'block' window lists its categories; a bedtime window says how many names it allows; the
 * label, when set, comes first in quotes; a disabled window says so.
 */
export function describeWindow(w: ScheduleWindow, lang: 'en' | 'fr'): string {
  const t = WORDS[lang];
  const days = describeDays(daysToMask(w.days), t.days, t.everyDay);
  const endText = w.end === 0 && w.start !== 0 ? '24:00' : formatClockTime(w.end);
  let time = `${formatClockTime(w.start)}-${endText}`;
  if (w.start === w.end) time = w.start === 0 ? t.allDay : `${time} (${t.fullDay})`;
  else if (w.end < w.start && w.end !== 0) time += ` (${t.overnight})`;
  let action: string = w.mode === 'bedtime' ? t.bedtime : `${t.block} ${w.categories.join(', ')}`;
  if (w.mode === 'bedtime' && w.allow.length > 0) action += ` (${t.allowed(w.allow.length)})`;
  const label = w.label === '' ? '' : `"${w.label}" `;
  return `${label}${days} ${time}${t.colon}${action}${w.enabled ? '' : ` (${t.disabled})`}`;
}
