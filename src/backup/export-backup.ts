/**
 * Reads the parents' configuration out of an open config.db into a backup document (see
 * backup-format.ts), through the same stores the admin page uses. Everything is sorted so the
 * same configuration always gives the same data (a sync compares fingerprints).
 */
import { createDeviceRuleStore } from '../policy/device-rule-store.js';
import type Database from 'better-sqlite3';
import { PASSWORD_SETTING } from '../admin/auth/admin-store.js';
import { createCustomRulesStore } from '../blocklists/custom-rules.js';
import { createSubscriptionStore } from '../blocklists/subscriptions/subscription-store.js';
import { createDeviceStore } from '../policy/device-store.js';
import { createProfileStore } from '../policy/profile-store.js';
import { createScheduleStore } from '../policy/schedule-store.js';
import type { Clock } from '../resolver/types.js';
import { createRuntimeSettingsStore } from '../settings/runtime-settings.js';
import { BACKUP_FORMAT, BACKUP_VERSION, vigieVersion, type BackupData, type BackupDocument } from './backup-format.js';

/** Options of {@link exportBackup}. */
export interface ExportBackupOptions {
  /** Include the admin password hash (scrypt; restoring it sets the same password). Default false. */
  readonly includePassword?: boolean;
  /** For `createdAt`; default Date.now. */
  readonly clock?: Clock;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Reads the configuration data (sorted, see the file header). */
export function readBackupData(db: Database.Database, opts: { includePassword?: boolean } = {}): BackupData {
  const profiles = createProfileStore({ db });
  // The stores' Profile has no creation time: read it beside (it orders the profile list).
  const createdAt = new Map((db.prepare('SELECT id, created_at FROM profiles').all() as Array<{ id: string; created_at: number }>).map((r) => [r.id, r.created_at]));
  // Only stored() is used: the boot configuration does not matter for what a parent set.
  const stored = createRuntimeSettingsStore({ db, config: { blockMode: 'null', upstreams: [] } }).stored();
  const data: BackupData = {
    settings: { defaultProfile: profiles.defaultProfileId(), blockMode: stored.blockMode, upstreams: stored.upstreams, retentionDays: stored.retentionDays },
    profiles: profiles.list()
      .map((p) => ({ id: p.id, name: p.name, base: p.base, categories: { ...p.categories }, services: { ...p.services }, safeSearch: p.safeSearch, builtIn: p.builtIn, createdAt: createdAt.get(p.id) ?? 0 }))
      .sort((a, b) => byText(a.id, b.id)),
    profileRules: profiles.rules()
      .map((r) => ({ profileId: r.profileId, name: r.name, kind: r.kind, subdomains: r.subdomains }))
      .sort((a, b) => byText(a.profileId, b.profileId) || byText(a.kind, b.kind) || byText(a.name, b.name)),
    schedules: createScheduleStore({ db }).list()
      .map((w) => ({ id: w.id, profileId: w.profileId, label: w.label, days: [...w.days], start: w.start, end: w.end, mode: w.mode, categories: [...w.categories], allow: [...w.allow], enabled: w.enabled }))
      .sort((a, b) => a.id - b.id),
    devices: createDeviceStore({ db }).list()
      .map((d) => ({ id: d.id, mac: d.mac, randomizedMac: d.randomizedMac, ip: d.ip, addresses: [...d.addresses], hostname: d.hostname, name: d.name, profileId: d.profileId, firstSeen: d.firstSeen, lastSeen: d.lastSeen }))
      .sort((a, b) => byText(a.id, b.id)),
    deviceRules: createDeviceRuleStore({ db }).list()
      .map((r) => ({ deviceId: r.deviceId, kind: r.kind, targetType: r.targetType, target: r.target, subdomains: r.subdomains })),
    customRules: createCustomRulesStore({ db }).list()
      .map((r) => ({ name: r.name, kind: r.kind, subdomains: r.subdomains, addedAt: r.addedAt }))
      .sort((a, b) => byText(a.kind, b.kind) || byText(a.name, b.name)),
    // Shipped sources (source set) belong to the install, not to the parents' configuration.
    subscriptions: createSubscriptionStore({ db }).list()
      .filter((s) => s.source === null)
      .map((s) => ({ url: s.url, category: s.category, enabled: s.enabled, addedAt: s.addedAt }))
      .sort((a, b) => a.addedAt - b.addedAt || byText(a.url, b.url)),
  };
  if (opts.includePassword) {
    const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(PASSWORD_SETTING) as { value?: unknown } | undefined;
    if (typeof row?.value === 'string' && row.value.startsWith('scrypt$')) return { ...data, adminPasswordHash: row.value };
  }
  return data;
}

/**
 * The backup document of `db`'s configuration. Without `includePassword` the password hash is
 * left out (a restore then keeps the target's password).
 */
export function exportBackup(db: Database.Database, opts: ExportBackupOptions = {}): BackupDocument {
  const clock = opts.clock ?? Date.now;
  // One read transaction: a change made meanwhile by `vigie serve` cannot split the document.
  const data = db.transaction(() => readBackupData(db, { includePassword: opts.includePassword ?? false }))();
  return { format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: new Date(clock()).toISOString(), vigie: vigieVersion(), data };
}
