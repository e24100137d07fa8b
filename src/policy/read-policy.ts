/**
 * Reads what a policy snapshot is built from out of config.db, or the built-in defaults when
 * config.db cannot be read (filtering must go on: every device then gets the child profile).
 */
import type Database from 'better-sqlite3';
import type { LoadedCatalog } from '../blocklists/load-catalog.js';
import type { Config } from '../config.js';
import type { Clock } from '../resolver/types.js';
import type { PolicyInputs } from './build-snapshot.js';
import { createDeviceRuleStore } from './device-rule-store.js';
import { createDeviceStore } from './device-store.js';
import { DEFAULT_PROFILE_ID, type Profile } from './model.js';
import { createOverrideStore } from './override-store.js';
import { createProfileStore } from './profile-store.js';
import { createScheduleStore } from './schedule-store.js';
import { createRuntimeSettingsStore } from '../settings/runtime-settings.js';

/** The four presets as profiles, as config.db seeds them (used when config.db is unreadable). */
export const BUILT_IN_PROFILES: readonly Profile[] = [
  { id: 'child', name: 'Child', base: 'child', categories: {}, services: {}, safeSearch: true, builtIn: true },
  { id: 'teen', name: 'Teen', base: 'teen', categories: {}, services: {}, safeSearch: true, builtIn: true },
  { id: 'adult', name: 'Adult', base: 'adult', categories: {}, services: {}, safeSearch: false, builtIn: true },
  { id: 'unfiltered', name: 'Unfiltered', base: 'unfiltered', categories: {}, services: {}, safeSearch: false, builtIn: true },
];

/** Reads the policy inputs (see the file header). */
export function readPolicyInputs(deps: { config: Pick<Config, 'tz' | 'blockMode' | 'upstreams'>; db: Database.Database | null; loaded: LoadedCatalog; clock: Clock }): PolicyInputs {
  const { config, db, loaded, clock } = deps;
  // The block mode set in the admin settings wins over the boot configuration.
  const blockMode = db === null ? config.blockMode : createRuntimeSettingsStore({ db, config }).current().blockMode;
  const common = { loaded, timeZone: config.tz, blockMode, builtAt: clock() };
  if (db === null) {
    return { ...common, profiles: BUILT_IN_PROFILES, rules: [], windows: [], devices: [], overrides: [], defaultProfileId: DEFAULT_PROFILE_ID };
  }
  const profiles = createProfileStore({ db, clock });
  return {
    ...common,
    profiles: profiles.list(),
    rules: profiles.rules(),
    windows: createScheduleStore({ db }).list(),
    devices: createDeviceStore({ db }).list(),
    overrides: createOverrideStore({ db, clock }).list(),
    deviceRules: createDeviceRuleStore({ db, clock }).list(),
    defaultProfileId: profiles.defaultProfileId(),
  };
}
