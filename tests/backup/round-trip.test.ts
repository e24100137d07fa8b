/**
 * Backup → restore: a household's whole configuration, written through the stores, comes back
 * identical in a fresh config.db; a restore over another configuration replaces it but leaves
 * sessions, tokens and the overrides of kept devices alone; the password travels only when asked.
 */
import { rmSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdminStore } from '../../src/admin/auth/admin-store.js';
import { hashPassword } from '../../src/admin/auth/password.js';
import { backupFingerprint, parseBackupText } from '../../src/backup/backup-format.js';
import { exportBackup, readBackupData } from '../../src/backup/export-backup.js';
import { importBackup } from '../../src/backup/import-backup.js';
import { createCustomRulesStore } from '../../src/blocklists/custom-rules.js';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { createOverrideStore } from '../../src/policy/override-store.js';
import { createProfileStore } from '../../src/policy/profile-store.js';
import { FAST_SCRYPT } from '../admin/auth-test-app.js';
import { LEA_PHONE, T0, TABLET, fillConfig, freshConfig, readAll } from './fill-config.js';

const opened: Array<{ dir: string; db: Database.Database }> = [];
const open = () => {
  const c = freshConfig();
  opened.push(c);
  return c.db;
};
afterEach(() => {
  for (const c of opened.splice(0)) {
    c.db.close();
    rmSync(c.dir, { recursive: true, force: true });
  }
});

const zero = { added: 0, updated: 0, removed: 0 };

describe('backup round trip', () => {
  it('restores every store of a fresh config.db to what the source reads', () => {
    const source = open();
    fillConfig(source);
    const text = JSON.stringify(exportBackup(source, { clock: () => T0 }));
    const target = open();
    const summary = importBackup(target, parseBackupText(text));
    expect(readAll(target)).toEqual(readAll(source));
    expect(readAll(target).devices.find((d) => d.id === LEA_PHONE)).toMatchObject({ name: 'Téléphone de Léa', profileId: 'lea', mac: '3c:22:fb:01:02:03', ip: '192.168.1.21', addresses: ['192.168.1.21', '192.168.1.20'], hostname: 'lea-phone', firstSeen: T0, lastSeen: T0 + 120_000 });
    expect(readAll(target).customRules.map((r) => r.name)).toEqual(['xn--cole-9oa.example', 'coco.gg']);
    expect(summary).toEqual({
      profiles: { added: 1, updated: 1, removed: 0 }, profileRules: { added: 2, updated: 0, removed: 0 }, schedules: { added: 2, updated: 0, removed: 0 },
      devices: { added: 2, updated: 0, removed: 0 }, customRules: { added: 2, updated: 0, removed: 0 }, subscriptions: { added: 2, updated: 0, removed: 0 },
      settings: 4, password: false, changed: true,
    });
    expect(backupFingerprint(readBackupData(target))).toBe(backupFingerprint(readBackupData(source)));
  });

  it('writes the document envelope: format, version, time, Vigie version', () => {
    const doc = exportBackup(open(), { clock: () => T0 });
    expect(doc).toMatchObject({ format: 'vigie-backup', version: 1, createdAt: '2026-11-20T18:00:00.000Z', vigie: '0.1.0' });
    expect(doc.data.profiles.map((p) => p.id)).toEqual(['adult', 'child', 'teen', 'unfiltered']);
    expect(doc.data.settings).toEqual({ defaultProfile: 'child', blockMode: null, upstreams: null, retentionDays: null });
  });

  it('replaces another configuration, keeping built-in profiles, sessions, tokens and kept devices\' overrides', async () => {
    const source = open();
    fillConfig(source);
    const target = open();
    const profiles = createProfileStore({ db: target });
    profiles.create({ id: 'max', name: 'Max', base: 'child' });
    profiles.addRule({ profileId: 'max', name: 'roblox.com', kind: 'allow', subdomains: true });
    createDeviceStore({ db: target }).recordSightings([{ id: LEA_PHONE, mac: '3c:22:fb:01:02:03', ip: '192.168.1.20', at: T0 }, { id: 'ip:192.168.1.99', mac: null, ip: '192.168.1.99', at: T0 }]);
    createDeviceStore({ db: target }).update('ip:192.168.1.99', { profileId: 'max' });
    const overrides = createOverrideStore({ db: target, clock: () => T0 });
    overrides.set(LEA_PHONE, 'pause', 30);
    overrides.set('ip:192.168.1.99', 'block', 30);
    createCustomRulesStore({ db: target }).add({ name: 'old.example', kind: 'block', subdomains: true });
    const admin = createAdminStore({ db: target, clock: () => T0, scrypt: FAST_SCRYPT });
    const token = admin.tokens.create('home-assistant');
    const session = admin.sessions.create('192.168.1.5');

    const summary = importBackup(target, exportBackup(source));
    expect(readAll(target)).toEqual(readAll(source));
    expect(summary.profiles).toEqual({ added: 1, updated: 1, removed: 1 });
    expect(summary.devices).toEqual({ added: 1, updated: 1, removed: 1 });
    expect(summary.customRules).toEqual({ added: 2, updated: 0, removed: 1 });
    expect(profiles.list().filter((p) => p.builtIn).map((p) => p.id)).toEqual(['adult', 'child', 'teen', 'unfiltered']);
    expect(createOverrideStore({ db: target, clock: () => T0 }).list().map((o) => o.deviceId)).toEqual([LEA_PHONE]);
    expect(admin.tokens.verify(token.secret)?.name).toBe('home-assistant');
    expect(target.prepare('SELECT count(*) FROM admin_sessions').pluck().get()).toBe(1);
    expect(session).toBeTruthy();
  });

  it('keeps a built-in profile the backup leaves out, as the target had it', () => {
    const source = open();
    fillConfig(source);
    const doc = exportBackup(source);
    const trimmed = { ...doc, data: { ...doc.data, profiles: doc.data.profiles.filter((p) => p.id !== 'adult') } };
    const target = open();
    createProfileStore({ db: target }).update('adult', { name: 'Adultes', safeSearch: true });
    const summary = importBackup(target, trimmed);
    expect(summary.profiles).toEqual({ added: 1, updated: 1, removed: 0 });
    expect(createProfileStore({ db: target }).get('adult')).toMatchObject({ name: 'Adultes', safeSearch: true, builtIn: true });
    expect(createProfileStore({ db: target }).get('child')).toMatchObject({ name: 'Enfant', categories: { dating: true } });
  });

  it('applies only what changed: a second restore of the same backup writes nothing', () => {
    const source = open();
    fillConfig(source);
    const target = open();
    importBackup(target, exportBackup(source));
    const again = importBackup(target, exportBackup(source));
    expect(again).toEqual({ profiles: zero, profileRules: zero, schedules: zero, devices: zero, customRules: zero, subscriptions: zero, settings: 0, password: false, changed: false });
    createDeviceStore({ db: source }).update(TABLET, { name: 'iPad' });
    const third = importBackup(target, exportBackup(source));
    expect(third.devices).toEqual({ added: 0, updated: 1, removed: 0 });
    expect(third.changed).toBe(true);
    expect(createDeviceStore({ db: target }).get(TABLET)?.name).toBe('iPad');
  });

  it('dry run says what would change and changes nothing', () => {
    const source = open();
    fillConfig(source);
    const target = open();
    const before = readAll(target);
    const summary = importBackup(target, exportBackup(source), { dryRun: true });
    expect(summary.devices).toEqual({ added: 2, updated: 0, removed: 0 });
    expect(summary.changed).toBe(true);
    expect(readAll(target)).toEqual(before);
  });

  it('carries the admin password hash only with includePassword, and a restore without it keeps the target\'s', async () => {
    const source = open();
    const sourceAdmin = createAdminStore({ db: source, clock: () => T0, scrypt: FAST_SCRYPT });
    sourceAdmin.setPasswordHash(await hashPassword('source password 1', FAST_SCRYPT));
    const target = open();
    const targetAdmin = createAdminStore({ db: target, clock: () => T0, scrypt: FAST_SCRYPT });
    targetAdmin.setPasswordHash(await hashPassword('target password 2', FAST_SCRYPT));

    const plain = exportBackup(source);
    expect(plain.data.adminPasswordHash).toBeUndefined();
    expect(JSON.stringify(plain)).not.toContain('scrypt$');
    expect(importBackup(target, plain).password).toBe(false);
    expect(await targetAdmin.checkPassword('target password 2')).toBe(true);

    const withPassword = exportBackup(source, { includePassword: true });
    expect(withPassword.data.adminPasswordHash).toMatch(/^scrypt\$/);
    expect(importBackup(target, parseBackupText(JSON.stringify(withPassword))).password).toBe(true);
    expect(await targetAdmin.checkPassword('source password 1')).toBe(true);
    expect(await targetAdmin.checkPassword('target password 2')).toBe(false);
  });
});
