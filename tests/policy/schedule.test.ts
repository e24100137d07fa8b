import { describe, expect, it } from 'vitest';
import { createLocalWeekClock } from '../../src/policy/local-time.js';
import { MINUTES_PER_WEEK, WEEKDAYS, type ScheduleWindow, type Weekday } from '../../src/policy/model.js';
import {
  compileSchedule, daysToMask, describeWindow, maskToDays, parseDays, scheduleWindowInputSchema, windowFromInput, type CompiledSchedule,
} from '../../src/policy/schedule.js';

const MIN = 60_000;
const paris = createLocalWeekClock('Europe/Paris');
const hm = (text: string): number => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));
const mow = (day: Weekday, time: string): number => WEEKDAYS.indexOf(day) * 1440 + hm(time);

let nextId = 1;
function win(days: Weekday[], start: string, end: string, extra: Partial<ScheduleWindow> = {}): ScheduleWindow {
  return {
    id: nextId++, profileId: 'child', label: '', days, start: hm(start), end: hm(end), mode: 'bedtime',
    categories: [], allow: [], enabled: true, ...extra,
  };
}

/** Ids of the windows active at an instant, read through the Paris wall clock. */
const activeIdsAt = (s: CompiledSchedule, ms: number): number[] => s.activeAt(paris(ms)).map((w) => w.id);
/** Real minutes during which a window is active between two instants. */
function activeMinutes(s: CompiledSchedule, from: number, to: number): number {
  let n = 0;
  for (let t = from; t < to; t += MIN) if (s.activeAt(paris(t)).length > 0) n++;
  return n;
}

describe('compileSchedule across DST (Europe/Paris 2026)', () => {
  it('a 02:15-02:45 window on the spring-forward Sunday is never active, but is the Sunday before', () => {
    const s = compileSchedule([win(['sun'], '02:15', '02:45')]);
    expect(activeMinutes(s, Date.UTC(2026, 2, 28, 23, 0), Date.UTC(2026, 2, 29, 22, 0))).toBe(0); // Sun 29 Mar, 23 h
    expect(activeMinutes(s, Date.UTC(2026, 2, 21, 23, 0), Date.UTC(2026, 2, 22, 23, 0))).toBe(30); // Sun 22 Mar
    expect(activeIdsAt(s, Date.UTC(2026, 2, 29, 1, 15))).toEqual([]); // 03:15 CEST
  });

  it('a 02:00-03:00 window on the fall-back Sunday is active for two real hours', () => {
    const w = win(['sun'], '02:00', '03:00');
    const s = compileSchedule([w]);
    expect(activeMinutes(s, Date.UTC(2026, 9, 24, 22, 0), Date.UTC(2026, 9, 25, 23, 0))).toBe(120);
    expect(activeIdsAt(s, Date.UTC(2026, 9, 24, 23, 59))).toEqual([]); // 01:59 CEST
    expect(activeIdsAt(s, Date.UTC(2026, 9, 25, 0, 0))).toEqual([w.id]); // 02:00 CEST
    expect(activeIdsAt(s, Date.UTC(2026, 9, 25, 0, 59))).toEqual([w.id]); // 02:59 CEST
    expect(activeIdsAt(s, Date.UTC(2026, 9, 25, 1, 0))).toEqual([w.id]); // 02:00 CET
    expect(activeIdsAt(s, Date.UTC(2026, 9, 25, 1, 59))).toEqual([w.id]); // 02:59 CET
    expect(activeIdsAt(s, Date.UTC(2026, 9, 25, 2, 0))).toEqual([]); // 03:00 CET
  });
});

describe('compileSchedule: overnight windows', () => {
  // Week of Mon 23 Nov 2026 in Paris (UTC+1): Thu 26, Fri 27, Sat 28, Sun 29, Mon 30.
  const sunday = win(['sun'], '21:00', '07:00');
  const schoolNights = win(parseDays('school-nights') ?? [], '21:00', '07:00');

  it.each([
    ['Sun 20:59', Date.UTC(2026, 10, 29, 19, 59), false],
    ['Sun 21:00', Date.UTC(2026, 10, 29, 20, 0), true],
    ['Sun 23:00', Date.UTC(2026, 10, 29, 22, 0), true],
    ['Mon 00:00 (week wrap)', Date.UTC(2026, 10, 29, 23, 0), true],
    ['Mon 06:59', Date.UTC(2026, 10, 30, 5, 59), true],
    ['Mon 07:00', Date.UTC(2026, 10, 30, 6, 0), false],
    ['Mon 22:00', Date.UTC(2026, 10, 30, 21, 0), false],
    ['Sat 23:00', Date.UTC(2026, 10, 28, 22, 0), false],
  ])('Sun 21:00-07:00 at %s → %s', (_label, ms, active) => {
    expect(activeIdsAt(compileSchedule([sunday]), ms)).toEqual(active ? [sunday.id] : []);
  });

  it.each([
    ['Thu 22:00', Date.UTC(2026, 10, 26, 21, 0), true],
    ['Fri 06:00', Date.UTC(2026, 10, 27, 5, 0), true],
    ['Fri 07:00', Date.UTC(2026, 10, 27, 6, 0), false],
    ['Fri 22:00', Date.UTC(2026, 10, 27, 21, 0), false],
    ['Sat 06:00', Date.UTC(2026, 10, 28, 5, 0), false],
    ['Sat 22:00', Date.UTC(2026, 10, 28, 21, 0), false],
    ['Sun 06:00', Date.UTC(2026, 10, 29, 5, 0), false],
    ['Sun 22:00', Date.UTC(2026, 10, 29, 21, 0), true],
    ['Mon 06:00', Date.UTC(2026, 10, 30, 5, 0), true],
    ['Mon 12:00', Date.UTC(2026, 10, 30, 11, 0), false],
    ['Tue 03:00', Date.UTC(2026, 11, 1, 2, 0), true],
  ])('school nights (sun-thu) 21:00-07:00 at %s → %s', (_label, ms, active) => {
    expect(activeIdsAt(compileSchedule([schoolNights]), ms)).toEqual(active ? [schoolNights.id] : []);
  });

  it('counts the minutes of a week exactly', () => {
    expect(activeMinutes(compileSchedule([schoolNights]), Date.UTC(2026, 10, 22, 23, 0), Date.UTC(2026, 10, 29, 23, 0))).toBe(5 * 600);
  });
});

describe('compileSchedule: table semantics', () => {
  it('returns every overlapping window, in input order', () => {
    const school = win(['mon', 'tue', 'wed', 'thu', 'fri'], '08:00', '16:00', { mode: 'block', categories: ['games'] });
    const lunch = win([...WEEKDAYS], '12:00', '13:00', { mode: 'block', categories: ['social'] });
    const s = compileSchedule([school, lunch]);
    expect(s.activeAt(mow('mon', '12:30'))).toEqual([school, lunch]);
    expect(s.activeAt(mow('mon', '08:00'))).toEqual([school]);
    expect(s.activeAt(mow('sat', '12:00'))).toEqual([lunch]);
    expect(s.activeAt(mow('sat', '13:00'))).toEqual([]);
    expect(s.activeAt(mow('tue', '12:00'))).toBe(s.activeAt(mow('fri', '12:59'))); // one shared combination
    expect(Object.isFrozen(s.activeAt(mow('mon', '12:30')))).toBe(true);
  });

  it('ignores disabled windows', () => {
    const off = win([...WEEKDAYS], '00:00', '00:00', { enabled: false });
    const on = win(['wed'], '10:00', '11:00');
    const s = compileSchedule([off, on]);
    expect(s.windows).toEqual([on]);
    expect(s.activeAt(mow('wed', '10:30'))).toEqual([on]);
    expect(s.activeAt(mow('mon', '10:30'))).toEqual([]);
    expect(compileSchedule([off]).isEmpty).toBe(true);
    expect(compileSchedule([off]).windows).toEqual([]);
    expect(compileSchedule([]).isEmpty).toBe(true);
    expect(s.isEmpty).toBe(false);
    expect(compileSchedule([win([], '10:00', '11:00')]).isEmpty).toBe(true); // no days: never active
  });

  it.each([
    ['07:00-07:00 on Saturday: 24 h from 07:00', win(['sat'], '07:00', '07:00'), [['sat', '06:59', false], ['sat', '07:00', true], ['sun', '06:59', true], ['sun', '07:00', false]], 1440],
    ['00:00-00:00 on Monday: the whole day', win(['mon'], '00:00', '00:00'), [['sun', '23:59', false], ['mon', '00:00', true], ['mon', '23:59', true], ['tue', '00:00', false]], 1440],
    ['Sun 22:00-24:00 (end 0) does not spill into Monday', win(['sun'], '22:00', '00:00'), [['sun', '21:59', false], ['sun', '22:00', true], ['sun', '23:59', true], ['mon', '00:00', false]], 120],
    ['Sun 12:00-12:00 wraps into Monday', win(['sun'], '12:00', '12:00'), [['sun', '11:59', false], ['mon', '00:00', true], ['mon', '11:59', true], ['mon', '12:00', false]], 1440],
    ['every day 00:00-00:00: always', win([...WEEKDAYS], '00:00', '00:00'), [['mon', '00:00', true], ['sun', '23:59', true]], MINUTES_PER_WEEK],
    ['weekdays 08:00-16:00', win(['mon', 'tue', 'wed', 'thu', 'fri'], '08:00', '16:00'), [['fri', '15:59', true], ['sat', '08:00', false]], 5 * 480],
    ['repeated days count once', win(['tue', 'tue'], '10:00', '11:00'), [['tue', '10:00', true]], 60],
  ] as const)('%s', (_label, w, probes, total) => {
    const s = compileSchedule([w]);
    for (const [day, time, active] of probes) expect(s.activeAt(mow(day, time)).length, `${day} ${time}`).toBe(active ? 1 : 0);
    let n = 0;
    for (let m = 0; m < MINUTES_PER_WEEK; m++) n += s.activeAt(m).length;
    expect(n).toBe(total);
  });

  it('normalises out-of-range and fractional minutes', () => {
    const w = win(['sun'], '21:00', '07:00');
    const s = compileSchedule([w]);
    expect(s.activeAt(-1)).toEqual([w]); // Sunday 23:59
    expect(s.activeAt(MINUTES_PER_WEEK)).toEqual([w]); // Monday 00:00
    expect(s.activeAt(MINUTES_PER_WEEK + hm('07:00'))).toEqual([]);
    expect(s.activeAt(hm('06:59') + 0.99)).toEqual([w]);
    expect(s.activeAt(-MINUTES_PER_WEEK * 3 + hm('07:00') - 0.5)).toEqual([w]); // floors to Monday 06:59
    expect(s.activeAt(Number.NaN)).toEqual([]);
    expect(s.activeAt(Number.POSITIVE_INFINITY)).toEqual([]);
  });

  it('handles 64 windows (both 32-bit halves) and refuses a 65th', () => {
    const many = Array.from({ length: 64 }, (_, i) => win([...WEEKDAYS], '00:00', '00:00', { enabled: i !== 40, label: `w${i}` }));
    many[63] = win(['mon'], '10:00', '11:00');
    const s = compileSchedule(many);
    expect(s.activeAt(mow('mon', '10:00')).length).toBe(63);
    expect(s.activeAt(mow('mon', '09:59')).length).toBe(62);
    expect(s.activeAt(mow('mon', '10:00')).at(-1)).toBe(many[63]);
    expect(s.activeAt(mow('mon', '10:00')).map((w) => w.label)).not.toContain('w40');
    expect(s.activeAt(mow('mon', '10:00'))[31]).toBe(many[31]);
    expect(s.activeAt(mow('mon', '10:00'))[32]).toBe(many[32]);
    expect(() => compileSchedule([...many, win(['mon'], '10:00', '11:00')])).toThrow(RangeError);
  });

  it.each([
    ['start 1440', { start: 1440 }],
    ['end -1', { end: -1 }],
    ['fractional start', { start: 10.5 }],
    ['unknown day', { days: ['funday' as Weekday] }],
  ])('refuses a malformed window: %s', (_label, patch) => {
    expect(() => compileSchedule([{ ...win(['mon'], '10:00', '11:00'), ...patch }])).toThrow(RangeError);
  });
});

describe('parseDays', () => {
  it.each([
    ['mon', ['mon']],
    ['mon,tue', ['mon', 'tue']],
    ['tue,mon', ['mon', 'tue']],
    ['mon, tue ; wed', ['mon', 'tue', 'wed']],
    ['mon tue', ['mon', 'tue']],
    ['mon-fri', ['mon', 'tue', 'wed', 'thu', 'fri']],
    ['mon - wed', ['mon', 'tue', 'wed']],
    ['sun-thu', ['mon', 'tue', 'wed', 'thu', 'sun']],
    ['fri-mon', ['mon', 'fri', 'sat', 'sun']],
    ['sat-sun', ['sat', 'sun']],
    ['wed-wed', ['wed']],
    ['all', [...WEEKDAYS]],
    ['every-day', [...WEEKDAYS]],
    ['daily', [...WEEKDAYS]],
    ['weekdays', ['mon', 'tue', 'wed', 'thu', 'fri']],
    ['weekend', ['sat', 'sun']],
    ['school-nights', ['mon', 'tue', 'wed', 'thu', 'sun']],
    ['weekend,mon', ['mon', 'sat', 'sun']],
    ['MON-Fri', ['mon', 'tue', 'wed', 'thu', 'fri']],
    ['Monday,Wednesday', ['mon', 'wed']],
    ['mon,mon,monday', ['mon']],
    ['mon-fri,wed', ['mon', 'tue', 'wed', 'thu', 'fri']],
    ['lun,mar', ['mon', 'tue']],
    ['lun-ven', ['mon', 'tue', 'wed', 'thu', 'fri']],
    ['dim-jeu', ['mon', 'tue', 'wed', 'thu', 'sun']],
    ['mer,sam,dim', ['wed', 'sat', 'sun']],
    ['Lundi,Mercredi,Vendredi', ['mon', 'wed', 'fri']],
    ['samedi-dimanche', ['sat', 'sun']],
    ['jeudi', ['thu']],
    ['  tue  ', ['tue']],
  ])('%j → %j', (text, expected) => {
    expect(parseDays(text)).toEqual(expected);
  });

  it.each(['', '   ', ',', 'funday', 'mon,funday', 'mon-', '-fri', 'mon-fri-sat', 'mon-funday', 'monday-x', 'weekday', 'lu', '1', 'mon/tue', 'mon..fri'])(
    '%j → null',
    (text) => {
      expect(parseDays(text)).toBeNull();
    },
  );
});

describe('daysToMask / maskToDays', () => {
  it.each([
    [['mon'], 1],
    [['sun'], 64],
    [['mon', 'tue', 'wed', 'thu', 'fri'], 31],
    [['sat', 'sun'], 96],
    [['mon', 'tue', 'wed', 'thu', 'sun'], 79],
    [[...WEEKDAYS], 127],
    [[], 0],
  ] as [Weekday[], number][])('%j ↔ %i', (days, mask) => {
    expect(daysToMask(days)).toBe(mask);
    expect(maskToDays(mask)).toEqual(days);
  });

  it('round-trips every mask and ignores order and repeats', () => {
    for (let mask = 0; mask <= 127; mask++) expect(daysToMask(maskToDays(mask))).toBe(mask);
    expect(daysToMask(['sun', 'mon', 'sun'])).toBe(65);
  });

  it.each([128, -1, 1.5, Number.NaN])('maskToDays(%s) throws RangeError', (mask) => {
    expect(() => maskToDays(mask)).toThrow(RangeError);
  });

  it('daysToMask throws RangeError for an unknown day', () => {
    expect(() => daysToMask(['mon', 'xyz' as Weekday])).toThrow(RangeError);
  });
});

describe('scheduleWindowInputSchema / windowFromInput', () => {
  const ids = { id: 7, profileId: 'lea' };
  const messages = (input: unknown): string[] => {
    const r = scheduleWindowInputSchema.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('accepts days as a string, normalizes and converts to a window', () => {
    const input = scheduleWindowInputSchema.parse({
      label: '  School nights ', days: 'sun-thu', start: '21:00', end: '07:00', mode: 'bedtime',
      allow: ['Pronote.FR.', 'école.fr', 'pronote.fr'],
    });
    expect(windowFromInput(input, ids)).toEqual({
      id: 7, profileId: 'lea', label: 'School nights', days: ['mon', 'tue', 'wed', 'thu', 'sun'], start: 1260, end: 420,
      mode: 'bedtime', categories: [], allow: ['pronote.fr', 'xn--cole-9oa.fr'], enabled: true,
    });
  });

  it('accepts days as an array (any spelling parseDays knows), 24:00 as an end, and enabled: false', () => {
    const input = scheduleWindowInputSchema.parse({
      days: ['sat', 'Dimanche', 'sat'], start: '9:30', end: '24:00', mode: 'block', categories: ['games', 'social', 'games'], enabled: false,
    });
    expect(windowFromInput(input, ids)).toEqual({
      id: 7, profileId: 'lea', label: '', days: ['sat', 'sun'], start: 570, end: 0,
      mode: 'block', categories: ['games', 'social'], allow: [], enabled: false,
    });
  });

  it.each([
    ['block without categories', { days: 'mon', start: '10:00', end: '11:00', mode: 'block' }, "categories: a 'block' window needs at least one category"],
    ['block with an empty list', { days: 'mon', start: '10:00', end: '11:00', mode: 'block', categories: [] }, "categories: a 'block' window needs at least one category"],
    ['unknown days', { days: 'mon-funday', start: '10:00', end: '11:00', mode: 'bedtime' }, "days: cannot read 'mon-funday' (try mon-fri"],
    ['empty days string', { days: ' ', start: '10:00', end: '11:00', mode: 'bedtime' }, 'days: needs at least one day'],
    ['empty days list', { days: [], start: '10:00', end: '11:00', mode: 'bedtime' }, 'days: needs at least one day'],
    ['days of the wrong type', { days: 5, start: '10:00', end: '11:00', mode: 'bedtime' }, 'days: must be days such as mon-fri'],
    ['24:00 as a start', { days: 'mon', start: '24:00', end: '11:00', mode: 'bedtime' }, 'start: must be a time HH:MM between 00:00 and 23:59'],
    ['malformed start', { days: 'mon', start: '9h', end: '11:00', mode: 'bedtime' }, 'start: must be a time HH:MM'],
    ['end 24:30', { days: 'mon', start: '10:00', end: '24:30', mode: 'bedtime' }, 'end: must be a time HH:MM between 00:00 and 24:00'],
    ['end 10:60', { days: 'mon', start: '10:00', end: '10:60', mode: 'bedtime' }, 'end: must be a time HH:MM'],
    ['missing end', { days: 'mon', start: '10:00', mode: 'bedtime' }, 'end: must be a time HH:MM'],
    ['unknown mode', { days: 'mon', start: '10:00', end: '11:00', mode: 'nap' }, "mode: must be 'block' or 'bedtime'"],
    ['bad category id', { days: 'mon', start: '10:00', end: '11:00', mode: 'block', categories: ['Games'] }, 'categories.0: must be a category id'],
    ['bad allowed name', { days: 'mon', start: '10:00', end: '11:00', mode: 'bedtime', allow: ['not a name'] }, "allow.0: 'not a name' is not a domain name"],
    ['too many allowed names', { days: 'mon', start: '10:00', end: '11:00', mode: 'bedtime', allow: Array.from({ length: 201 }, (_, i) => `s${i}.example`) }, 'allow: at most 200 names'],
    ['label too long', { label: 'x'.repeat(61), days: 'mon', start: '10:00', end: '11:00', mode: 'bedtime' }, 'label: at most 60 characters'],
  ])('refuses %s with a clear message', (_label, input, message) => {
    const found = messages(input);
    expect(found.some((m) => m.startsWith(message)), found.join(' | ')).toBe(true);
  });

  it('accepts the limits: 200 names, a 60-character label', () => {
    const allow = Array.from({ length: 200 }, (_, i) => `s${i}.example`);
    expect(messages({ label: 'x'.repeat(60), days: 'all', start: '00:00', end: '00:00', mode: 'bedtime', allow })).toEqual([]);
  });
});

describe('describeWindow', () => {
  const base = (extra: Partial<ScheduleWindow>): ScheduleWindow => ({ ...win(['mon'], '10:00', '11:00'), ...extra });
  it.each([
    [base({ days: ['mon', 'tue', 'wed', 'thu', 'sun'], start: 1260, end: 420 }), 'Sun-Thu 21:00-07:00 (overnight): bedtime', 'dim-jeu 21:00-07:00 (nuit) : coucher'],
    [base({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: 480, end: 990, mode: 'block', categories: ['games', 'social'] }), 'Mon-Fri 08:00-16:30: block games, social', 'lun-ven 08:00-16:30 : blocage games, social'],
    [base({ days: ['sat', 'sun'], start: 1320, end: 0 }), 'Sat,Sun 22:00-24:00: bedtime', 'sam,dim 22:00-24:00 : coucher'],
    [base({ days: ['mon', 'wed', 'fri'], start: 0, end: 0 }), 'Mon,Wed,Fri all day: bedtime', 'lun,mer,ven toute la journée : coucher'],
    [base({ days: [...WEEKDAYS], start: 420, end: 420 }), 'Every day 07:00-07:00 (24 h): bedtime', 'tous les jours 07:00-07:00 (24 h) : coucher'],
    [base({ days: ['mon', 'tue', 'wed', 'fri', 'sat', 'sun'], start: 600, end: 660 }), 'Fri-Wed 10:00-11:00: bedtime', 'ven-mer 10:00-11:00 : coucher'],
    [base({ days: ['mon', 'tue', 'thu', 'sun'], start: 600, end: 660 }), 'Thu,Sun-Tue 10:00-11:00: bedtime', 'jeu,dim-mar 10:00-11:00 : coucher'],
    [base({ days: ['sun'], start: 1260, end: 420, allow: ['pronote.fr', 'ent.fr'], label: 'Nights' }), '"Nights" Sun 21:00-07:00 (overnight): bedtime (2 allowed)', '"Nights" dim 21:00-07:00 (nuit) : coucher (2 autorisés)'],
    [base({ days: ['sun'], start: 1260, end: 420, allow: ['pronote.fr'], enabled: false }), 'Sun 21:00-07:00 (overnight): bedtime (1 allowed) (disabled)', 'dim 21:00-07:00 (nuit) : coucher (1 autorisé) (désactivée)'],
  ])('%#: %s', (w, en, fr) => {
    expect(describeWindow(w, 'en')).toBe(en);
    expect(describeWindow(w, 'fr')).toBe(fr);
  });
});
