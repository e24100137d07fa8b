/**
 * One profile made ready for the query path: its matcher, and for every combination of schedule
 * windows that can be active at once, the matcher (extra categories) and the bedtime allow-list,
 * all built here, off the query path. `decide` then costs one table read for the local
 * minute-of-week and one matcher lookup.
 */
import { createBlocklist, type Blocklist } from '../blocklists/blocklist.js';
import type { LoadedCatalog } from '../blocklists/load-catalog.js';
import type { BlockDecision } from '../resolver/types.js';
import { MINUTES_PER_WEEK, type DeviceRule, type Profile, type ProfileRule, type ScheduleWindow } from './model.js';
import { createProfileMatchers, isListOn, type AllowOrigin } from './profile-matchers.js';
import { compileSchedule, describeWindow, type CompiledSchedule } from './schedule.js';

/** What applies while one combination of windows is active. */
interface WindowState {
  readonly matcher: Blocklist;
  /** Categories blocked only because of a window (to say so in the decision). */
  readonly windowCategories: ReadonlyMap<string, ScheduleWindow>;
  /** The first active bedtime window and what it still allows. */
  readonly bedtime: { readonly window: ScheduleWindow; readonly allow: Blocklist; readonly reason: string } | null;
}

export interface CompiledProfile {
  readonly profile: Profile;
  readonly schedule: CompiledSchedule;
  /** The decision at `now` without any device override. */
  decide(name: string, now: number): BlockDecision | null;
  /** The decision during a pause (reward time): protective categories only, no schedule. */
  decidePaused(name: string): BlockDecision | null;
  /** The allow rule that lets `name` through (device first, then profile, then everyone), or null. */
  allowedBy(name: string): AllowOrigin | null;
  /** Windows active at `now`. */
  activeWindows(now: number): readonly ScheduleWindow[];
  /** Every rule in force for `name` at `now`, most specific first (bedtime first when it blocks). */
  explain(name: string, now: number): BlockDecision[];
}

export interface CompileProfileInput {
  readonly loaded: LoadedCatalog;
  readonly profile: Profile;
  readonly rules: readonly ProfileRule[];
  readonly windows: readonly ScheduleWindow[];
  /** Epoch ms → local minute-of-week in the configured time zone (createLocalWeekClock). */
  readonly weekClock: (ms: number) => number;
  /** A device's own rules: compiles the profile as that device gets it. */
  readonly deviceRules?: readonly DeviceRule[];
}

/** Whether `rule` covers `name` (the name itself, or a subdomain when the rule has subdomains). */
function covers(rule: { name: string; subdomains: boolean }, name: string): boolean {
  return name === rule.name || (rule.subdomains && name.endsWith(`.${rule.name}`));
}

/** Compiles a profile (see the file header). */
export function compileProfile(input: CompileProfileInput): CompiledProfile {
  const { loaded, profile, rules, weekClock } = input;
  const schedule = compileSchedule(input.windows.filter((w) => w.profileId === profile.id));
  const matchers = createProfileMatchers(loaded, profile, rules, input.deviceRules ?? []);
  const baseOn = new Set(loaded.compiled.filter((l) => isListOn(l, profile, loaded.catalog)).map((l) => l.category));
  const allowRules = matchers.allowOrigins.map((o) => o.rule);
  // A bedtime window's allow entry is a name, or a service id (every domain of the service).
  const bedtimeAllow = (entry: string): Array<{ name: string; subdomains: boolean }> =>
    loaded.services.get(entry) !== undefined ? loaded.services.rulesOf(entry) : [{ name: entry, subdomains: true }];

  const stateOf = (windows: readonly ScheduleWindow[]): WindowState => {
    const blockWindows = windows.filter((w) => w.mode === 'block');
    const windowCategories = new Map<string, ScheduleWindow>();
    for (const w of blockWindows) {
      for (const c of w.categories) {
        // A window may name a service: its decisions carry the service's category.
        const category = loaded.services.get(c)?.category ?? c;
        if (!baseOn.has(category) && !windowCategories.has(category)) windowCategories.set(category, w);
      }
    }
    const bedtimeWindow = windows.find((w) => w.mode === 'bedtime');
    const bedtime = bedtimeWindow === undefined ? null : {
      window: bedtimeWindow,
      allow: createBlocklist([], {
        neverBlock: [],
        customAllow: [...windows.filter((w) => w.mode === 'bedtime').flatMap((w) => w.allow.flatMap(bedtimeAllow)), ...allowRules],
      }),
      reason: `schedule: ${describeWindow(bedtimeWindow, 'en')}`,
    };
    return { matcher: matchers.matcherFor(blockWindows.flatMap((w) => w.categories)), windowCategories, bedtime };
  };

  // Why precompute: the first query of a window must not pay for building its matcher.
  const states = new Map<readonly ScheduleWindow[], WindowState>();
  if (!schedule.isEmpty) {
    for (let minute = 0; minute < MINUTES_PER_WEEK; minute++) {
      const active = schedule.activeAt(minute);
      if (!states.has(active)) states.set(active, stateOf(active));
    }
  }
  const base = stateOf([]);
  const stateAt = (now: number): WindowState => (schedule.isEmpty ? base : (states.get(schedule.activeAt(weekClock(now))) ?? base));

  const withReason = (decision: BlockDecision | null, state: WindowState): BlockDecision | null => {
    if (decision === null || state.windowCategories.size === 0) return decision;
    const window = state.windowCategories.get(decision.category);
    return window === undefined ? decision : { ...decision, reason: `schedule: ${describeWindow(window, 'en')}` };
  };
  const bedtimeDecision = (state: WindowState, name: string): BlockDecision | null => {
    const bedtime = state.bedtime;
    if (bedtime === null || bedtime.allow.isAllowed(name)) return null;
    return { action: 'sinkhole', category: 'bedtime', list: `schedule-${bedtime.window.id}`, rule: '*', matched: name, reason: bedtime.reason };
  };

  return {
    profile,
    schedule,
    decide(name, now) {
      const state = stateAt(now);
      const listed = withReason(state.matcher.match(name), state);
      // A listed name keeps its own decision at bedtime: its category counts in the report, and
      // canaries keep their NXDOMAIN (a sinkhole would let Firefox keep DoH on).
      if (state.bedtime === null || listed !== null) return listed;
      return bedtimeDecision(state, name);
    },
    decidePaused: (name) => matchers.paused().match(name),
    allowedBy(name) {
      const lower = name.toLowerCase().replace(/\.$/, '');
      return matchers.allowOrigins.find((o) => covers(o.rule, lower)) ?? null;
    },
    activeWindows: (now) => (schedule.isEmpty ? [] : schedule.activeAt(weekClock(now))),
    explain(name, now) {
      const state = stateAt(now);
      const bedtime = bedtimeDecision(state, name);
      const matches = state.matcher.explain(name).map((d) => withReason(d, state) as BlockDecision);
      return bedtime === null ? matches : [bedtime, ...matches];
    },
  };
}
