/**
 * Replaces the configuration in an open config.db with a backup's, in ONE immediate transaction:
 * all of it or none of it. Only what differs is written (a row equal to the backup's is left as
 * it is, so a sync that changed one device touches one row), in an order the foreign keys accept:
 * profiles first (added and updated), then rules, schedules and devices, the profiles the backup
 * no longer has last. The built-in profiles are kept and updated, never removed. Not in a backup,
 * so left alone: sessions, API tokens, temporary overrides (except a removed device's), the
 * download status of a subscription that stays, kept list copies, machine-specific settings.
 */
import type Database from 'better-sqlite3';
import { createAdminStore, PASSWORD_SETTING } from '../admin/auth/admin-store.js';
import { passwordHashProblem } from '../admin/auth/password.js';
import { subscriptionId } from '../blocklists/subscriptions/subscription-store.js';
import { createProfileStore } from '../policy/profile-store.js';
import { daysToMask } from '../policy/schedule.js';
import { createRuntimeSettingsStore } from '../settings/runtime-settings.js';
import { BackupInvalidError, parseBackup, stableJson, type BackupData, type BackupDocument } from './backup-format.js';
import { readBackupData } from './export-backup.js';

/** What changed in one table. */
export interface ImportCounts {
  readonly added: number;
  readonly updated: number;
  readonly removed: number;
}

/** What {@link importBackup} did (or, with `dryRun`, would do). */
export interface ImportSummary {
  readonly profiles: ImportCounts;
  readonly profileRules: ImportCounts;
  readonly schedules: ImportCounts;
  readonly devices: ImportCounts;
  readonly customRules: ImportCounts;
  readonly subscriptions: ImportCounts;
  /** Settings changed (default profile, block mode, upstreams, retention). */
  readonly settings: number;
  /** The admin password hash was replaced (only when the backup carries one). */
  readonly password: boolean;
  /** Anything at all changed: the caller reloads the policy (ctx.changed() / the lists stamp). */
  readonly changed: boolean;
}

interface Plan<T> {
  readonly add: T[];
  readonly update: T[];
  readonly remove: T[];
}

/** Splits `next` against `current` by key; equal rows (same stable JSON) are in none of the lists. */
function plan<T>(current: readonly T[], next: readonly T[], key: (item: T) => string): Plan<T> {
  const before = new Map(current.map((item) => [key(item), item]));
  const after = new Set(next.map(key));
  const add: T[] = [];
  const update: T[] = [];
  for (const item of next) {
    const old = before.get(key(item));
    if (old === undefined) add.push(item);
    else if (stableJson(old) !== stableJson(item)) update.push(item);
  }
  return { add, update, remove: current.filter((item) => !after.has(key(item))) };
}

const counts = (p: Plan<unknown>): ImportCounts => ({ added: p.add.length, updated: p.update.length, removed: p.remove.length });
const bit = (b: boolean): number => (b ? 1 : 0);
const json = (v: unknown): string => JSON.stringify(v);

class DryRunRollback extends Error {}

/** Writes the plans of every table; returns the summary. Runs inside the transaction. */
function apply(db: Database.Database, current: BackupData, next: BackupData): ImportSummary {
  const statements = new Map<string, Database.Statement>();
  const run = (sql: string, ...params: unknown[]): void => {
    let stmt = statements.get(sql);
    if (stmt === undefined) statements.set(sql, (stmt = db.prepare(sql)));
    stmt.run(...params);
  };
  type D = BackupData;
  const profiles = plan<D['profiles'][number]>(current.profiles.filter((p) => !p.builtIn || next.profiles.some((n) => n.id === p.id)), next.profiles, (p) => p.id);
  const rules = plan<D['profileRules'][number]>(current.profileRules, next.profileRules, (r) => `${r.profileId}\n${r.kind}\n${r.name}`);
  const schedules = plan<D['schedules'][number]>(current.schedules, next.schedules, (s) => String(s.id));
  const devices = plan<D['devices'][number]>(current.devices, next.devices, (d) => d.id);
  const custom = plan<D['customRules'][number]>(current.customRules, next.customRules, (r) => `${r.kind}\n${r.name}`);
  const subs = plan<D['subscriptions'][number]>(current.subscriptions, next.subscriptions, (s) => s.url);

  for (const p of profiles.add) run('INSERT INTO profiles (id, name, base, categories, services, safe_search, built_in, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', p.id, p.name, p.base, json(p.categories), json(p.services), bit(p.safeSearch), bit(p.builtIn), p.createdAt);
  for (const p of profiles.update) run('UPDATE profiles SET name = ?, base = ?, categories = ?, services = ?, safe_search = ?, created_at = ? WHERE id = ?', p.name, p.base, json(p.categories), json(p.services), bit(p.safeSearch), p.createdAt, p.id);

  for (const r of rules.remove) run('DELETE FROM profile_rules WHERE profile_id = ? AND name = ? AND kind = ?', r.profileId, r.name, r.kind);
  for (const r of [...rules.add, ...rules.update]) run('INSERT INTO profile_rules (profile_id, name, kind, subdomains) VALUES (?, ?, ?, ?) ON CONFLICT (profile_id, name, kind) DO UPDATE SET subdomains = excluded.subdomains', r.profileId, r.name, r.kind, bit(r.subdomains));

  for (const s of schedules.remove) run('DELETE FROM schedules WHERE id = ?', s.id);
  for (const s of [...schedules.add, ...schedules.update]) {
    run('INSERT INTO schedules (id, profile_id, label, days, start_min, end_min, mode, categories, allow, enabled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET profile_id = excluded.profile_id, label = excluded.label, days = excluded.days, start_min = excluded.start_min, end_min = excluded.end_min, mode = excluded.mode, categories = excluded.categories, allow = excluded.allow, enabled = excluded.enabled',
      s.id, s.profileId, s.label, daysToMask(s.days), s.start, s.end, s.mode, json(s.categories), json(s.allow), bit(s.enabled));
  }

  // A removed device takes its override with it (ON DELETE CASCADE); a kept one keeps its own.
  for (const d of devices.remove) run('DELETE FROM devices WHERE id = ?', d.id);
  for (const d of [...devices.add, ...devices.update]) {
    run('INSERT INTO devices (id, mac, randomized_mac, ip, addresses, hostname, name, profile_id, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET mac = excluded.mac, randomized_mac = excluded.randomized_mac, ip = excluded.ip, addresses = excluded.addresses, hostname = excluded.hostname, name = excluded.name, profile_id = excluded.profile_id, first_seen = excluded.first_seen, last_seen = excluded.last_seen',
      d.id, d.mac, bit(d.randomizedMac), d.ip, json(d.addresses), d.hostname, d.name, d.profileId, d.firstSeen, d.lastSeen);
  }

  // A device's own rules follow the backup exactly (removed devices took theirs by cascade).
  const deviceRules = plan<D['deviceRules'][number]>(current.deviceRules, next.deviceRules, (r) => `${r.deviceId}\n${r.targetType}\n${r.target}`);
  for (const r of deviceRules.remove) run('DELETE FROM device_rules WHERE device_id = ? AND target_type = ? AND target = ?', r.deviceId, r.targetType, r.target);
  for (const r of [...deviceRules.add, ...deviceRules.update]) {
    run('INSERT INTO device_rules (device_id, kind, target_type, target, subdomains, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (device_id, target_type, target) DO UPDATE SET kind = excluded.kind, subdomains = excluded.subdomains',
      r.deviceId, r.kind, r.targetType, r.target, bit(r.subdomains), Date.now());
  }

  // Last: nothing refers to these any more (their rules and schedules went above).
  for (const p of profiles.remove) run('DELETE FROM profiles WHERE id = ? AND built_in = 0', p.id);

  for (const r of custom.remove) run('DELETE FROM custom_rules WHERE name = ? AND kind = ?', r.name, r.kind);
  for (const r of [...custom.add, ...custom.update]) run('INSERT INTO custom_rules (name, kind, subdomains, added_at) VALUES (?, ?, ?, ?) ON CONFLICT (name, kind) DO UPDATE SET subdomains = excluded.subdomains, added_at = excluded.added_at', r.name, r.kind, bit(r.subdomains), r.addedAt);

  // A subscription that stays keeps its validators and status: its kept copy is still good.
  for (const s of subs.remove) run('DELETE FROM subscriptions WHERE url = ?', s.url);
  for (const s of subs.add) run('INSERT INTO subscriptions (id, url, category, enabled, added_at) VALUES (?, ?, ?, ?, ?)', subscriptionId(s.url), s.url, s.category, bit(s.enabled), s.addedAt);
  for (const s of subs.update) run('UPDATE subscriptions SET category = ?, enabled = ?, added_at = ? WHERE url = ?', s.category, bit(s.enabled), s.addedAt, s.url);

  const settings = applySettings(db, current.settings, next.settings);
  const password = next.adminPasswordHash !== undefined && next.adminPasswordHash !== currentPasswordHash(db);
  if (password) createAdminStore({ db, clock: Date.now }).setPasswordHash(next.adminPasswordHash!);

  const all = [profiles, rules, schedules, devices, custom, subs].map(counts);
  const changed = settings > 0 || password || [...all, counts(deviceRules)].some((c) => c.added + c.updated + c.removed > 0);
  const [p, r, s, d, c, u] = all as [ImportCounts, ImportCounts, ImportCounts, ImportCounts, ImportCounts, ImportCounts];
  return { profiles: p, profileRules: r, schedules: s, devices: d, customRules: c, subscriptions: u, settings, password, changed };
}

function applySettings(db: Database.Database, current: BackupData['settings'], next: BackupData['settings']): number {
  let changed = 0;
  if (current.defaultProfile !== next.defaultProfile) {
    createProfileStore({ db }).setDefaultProfileId(next.defaultProfile);
    changed++;
  }
  const patch: { blockMode?: typeof next.blockMode; upstreams?: string[] | null; retentionDays?: number | null } = {};
  if (current.blockMode !== next.blockMode) patch.blockMode = next.blockMode;
  if (stableJson(current.upstreams) !== stableJson(next.upstreams)) patch.upstreams = next.upstreams;
  if (current.retentionDays !== next.retentionDays) patch.retentionDays = next.retentionDays;
  const keys = Object.keys(patch).length;
  // Only stored values are written; the boot configuration passed here is not used by update().
  if (keys > 0) createRuntimeSettingsStore({ db, config: { blockMode: 'null', upstreams: [] } }).update(patch);
  return changed + keys;
}

function currentPasswordHash(db: Database.Database): string | null {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(PASSWORD_SETTING) as { value?: unknown } | undefined;
  return typeof row?.value === 'string' ? row.value : null;
}

/**
 * Applies `doc` to `db` (validated again here: nothing unvalidated is ever written). With
 * `dryRun` the same work runs and is rolled back: the summary says what a restore would change.
 * @throws BackupInvalidError (AppError 'VALIDATION') for an invalid document or an unusable
 *   password hash; nothing changed.
 */
export function importBackup(db: Database.Database, doc: BackupDocument, opts: { dryRun?: boolean } = {}): ImportSummary {
  const next = parseBackup(doc).data;
  // A hash no password can match (damaged, or a cost above this version's limits) would lock the
  // parents out: refused before anything is written.
  const hashProblem = next.adminPasswordHash === undefined ? null : passwordHashProblem(next.adminPasswordHash);
  if (hashProblem !== null) {
    throw new BackupInvalidError(`the backup's admin password hash can never be checked by this Vigie, nothing was changed: ${hashProblem}`, [{ path: ['data', 'adminPasswordHash'], message: hashProblem }]);
  }
  const out: { summary?: ImportSummary } = {};
  try {
    // IMMEDIATE: take the write lock first, so `vigie serve` cannot slip a write between the read and the writes.
    db.transaction(() => {
      out.summary = apply(db, readBackupData(db), next);
      if (opts.dryRun) throw new DryRunRollback();
    }).immediate();
  } catch (err) {
    if (!(err instanceof DryRunRollback)) throw err;
  }
  return out.summary!;
}
