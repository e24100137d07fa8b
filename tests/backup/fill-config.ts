/**
 * Test helpers for backups: fill a config.db the way parents and the DNS server would (through
 * the stores), read everything back through the stores, and dump a whole database file.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { createCustomRulesStore } from '../../src/blocklists/custom-rules.js';
import { createSubscriptionStore } from '../../src/blocklists/subscriptions/subscription-store.js';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { createProfileStore } from '../../src/policy/profile-store.js';
import { createScheduleStore } from '../../src/policy/schedule-store.js';
import { createRuntimeSettingsStore } from '../../src/settings/runtime-settings.js';
import { CONFIG_DB_FILE, openConfigDatabase } from '../../src/store/config-database.js';

export const T0 = Date.UTC(2026, 10, 20, 18, 0);
export const LEA_PHONE = 'mac:3c:22:fb:01:02:03';
export const TABLET = 'ip:192.168.1.31';
export const SUB_URL = 'https://lists.example/chat.txt';

/** A temp data dir with a fresh, migrated config.db. */
export function freshConfig(prefix = 'vigie-backup-'): { dir: string; db: Database.Database } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, db: openConfigDatabase({ file: join(dir, CONFIG_DB_FILE) }) };
}

/** A household: two parent-made changes to presets, a profile of its own, rules, windows, devices, lists, settings. */
export function fillConfig(db: Database.Database): void {
  let now = T0;
  const clock = (): number => (now += 1000);
  const profiles = createProfileStore({ db, clock });
  profiles.create({ id: 'lea', name: 'Léa', base: 'teen' });
  profiles.update('lea', { categories: { gaming: true, 'social-media': false }, safeSearch: false });
  profiles.update('child', { name: 'Enfant', categories: { dating: true } });
  profiles.addRule({ profileId: 'lea', name: 'Wikipedia.org', kind: 'allow', subdomains: true });
  profiles.addRule({ profileId: 'child', name: 'tiktok.com', kind: 'block', subdomains: false });
  profiles.setDefaultProfileId('teen');
  const schedules = createScheduleStore({ db });
  schedules.add({ profileId: 'lea', label: 'nuit', days: ['sun', 'mon', 'tue', 'wed', 'thu'], start: 1260, end: 420, mode: 'bedtime', categories: [], allow: ['school.example'], enabled: true });
  schedules.add({ profileId: 'child', label: 'devoirs', days: ['wed'], start: 840, end: 1020, mode: 'block', categories: ['gaming', 'video-streaming'], allow: [], enabled: false });
  const devices = createDeviceStore({ db });
  devices.recordSightings([
    { id: LEA_PHONE, mac: '3c:22:fb:01:02:03', ip: '192.168.1.20', at: T0 },
    { id: TABLET, mac: null, ip: '192.168.1.31', at: T0 + 60_000 },
  ]);
  devices.recordSightings([{ id: LEA_PHONE, mac: '3c:22:fb:01:02:03', ip: '192.168.1.21', at: T0 + 120_000 }]);
  devices.setHostname(LEA_PHONE, 'lea-phone');
  devices.update(LEA_PHONE, { name: 'Téléphone de Léa', profileId: 'lea' });
  devices.update(TABLET, { name: 'Tablette' });
  const rules = createCustomRulesStore({ db, clock });
  rules.add({ name: 'coco.gg', kind: 'block', subdomains: true });
  rules.add({ name: 'école.example', kind: 'allow', subdomains: false });
  const subs = createSubscriptionStore({ db, clock });
  subs.add({ url: SUB_URL, category: 'anonymous-chat' });
  const second = subs.add({ url: 'https://lists.example/dating.txt', category: 'dating' });
  subs.setEnabled(second.id, false);
  createRuntimeSettingsStore({ db, config: { blockMode: 'null', upstreams: [] } }).update({ blockMode: 'nxdomain', upstreams: ['192.0.2.53', 'tcp://[2001:db8::53]:53'], retentionDays: 30 });
}

/** Everything a parent configured, read through the stores (what a restore must reproduce). */
export function readAll(db: Database.Database) {
  const profiles = createProfileStore({ db });
  return {
    profiles: profiles.list(),
    rules: profiles.rules(),
    defaultProfile: profiles.defaultProfileId(),
    schedules: createScheduleStore({ db }).list(),
    devices: createDeviceStore({ db }).list(),
    customRules: createCustomRulesStore({ db }).list(),
    subscriptions: createSubscriptionStore({ db }).list().map((s) => ({ url: s.url, id: s.id, category: s.category, enabled: s.enabled, addedAt: s.addedAt })),
    settings: createRuntimeSettingsStore({ db, config: { blockMode: 'null', upstreams: [] } }).stored(),
  };
}

/** Every row of every table (sorted), and the schema version: "the database did not change". */
export function dumpDb(db: Database.Database): Record<string, string[]> {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
  return Object.fromEntries([
    ['user_version', [String(db.pragma('user_version', { simple: true }))]],
    ...tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}"`).all().map((r) => JSON.stringify(r)).sort()]),
  ]);
}
