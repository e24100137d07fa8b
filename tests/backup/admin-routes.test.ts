/**
 * The admin side of backups: GET /api/backup (session or token; the password only for a session),
 * POST /api/restore (session only, CSRF, size cap, all or nothing, the policy reloaded), and the
 * /settings/backup page with its download link and restore form, in English and French.
 */
import { rmSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTokenStore } from '../../src/admin/auth/token-store.js';
import { backupRoutes } from '../../src/admin/routes/backup.js';
import { exportBackup } from '../../src/backup/export-backup.js';
import type { BackupDocument } from '../../src/backup/backup-format.js';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { createAdminHarness, type AdminHarness } from '../admin/harness.js';
import { dumpDb, fillConfig, freshConfig, LEA_PHONE, readAll } from './fill-config.js';

let h: AdminHarness;
let household: { dir: string; db: Database.Database };
let doc: BackupDocument;
let token: string;

beforeEach(async () => {
  h = await createAdminHarness([backupRoutes]);
  household = freshConfig();
  fillConfig(household.db);
  doc = exportBackup(household.db);
  token = createTokenStore({ db: h.db, clock: () => h.now }).create('nas').secret;
});
afterEach(async () => {
  await h.close();
  household.db.close();
  rmSync(household.dir, { recursive: true, force: true });
});

/** Every configuration row (sessions and tokens move by themselves: last use). */
const configRows = (db: Database.Database) => {
  const { admin_sessions: _s, api_tokens: _t, ...rest } = dumpDb(db);
  return rest;
};
const bearer = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra });

describe('GET /api/backup', () => {
  it('gives a session the document, with the password hash only when asked', async () => {
    const res = await h.inject({ method: 'GET', url: '/api/backup' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ format: 'vigie-backup', version: 1, createdAt: new Date(h.now).toISOString() });
    expect(body.data.adminPasswordHash).toBeUndefined();
    const withPassword = await h.inject({ method: 'GET', url: '/api/backup?password=1' });
    expect(withPassword.json().data.adminPasswordHash).toMatch(/^scrypt\$/);
  });

  it('gives a token the document but never the password, and refuses anonymous callers', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/backup', headers: bearer() });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('scrypt$');
    const refused = await h.app.inject({ method: 'GET', url: '/api/backup?password=1', headers: bearer() });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('never with an API token') });
    const anonymous = await h.app.inject({ method: 'GET', url: '/api/backup' });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('POST /api/restore', () => {
  it('replaces the configuration and applies it to the running policy', async () => {
    const res = await h.inject({ method: 'POST', url: '/api/restore', payload: doc });
    expect(res.statusCode).toBe(200);
    expect(res.json().summary).toMatchObject({ devices: { added: 2, updated: 0, removed: 0 }, changed: true });
    expect(readAll(h.db)).toEqual(readAll(household.db));
    expect(h.policy.built.deviceFor('192.168.1.21', '3c:22:fb:01:02:03')).toMatchObject({ id: LEA_PHONE, profileId: 'lea' });
  });

  it('only says what would change with ?dryRun=1', async () => {
    const before = configRows(h.db);
    const res = await h.inject({ method: 'POST', url: '/api/restore?dryRun=1', payload: doc });
    expect(res.json().summary.subscriptions).toEqual({ added: 2, updated: 0, removed: 0 });
    expect(configRows(h.db)).toEqual(before);
  });

  it('refuses a token, a missing CSRF token, an invalid document and 10 MB, changing nothing', async () => {
    const before = configRows(h.db);
    const byToken = await h.app.inject({ method: 'POST', url: '/api/restore', headers: bearer(), payload: doc });
    expect(byToken.statusCode).toBe(403);
    expect(byToken.json().message).toMatch(/only be restored from a logged-in browser session/);
    expect((await h.inject({ method: 'POST', url: '/api/restore', payload: doc, csrf: false })).statusCode).toBe(403);
    const broken = JSON.parse(JSON.stringify(doc));
    broken.data.schedules[0].start = 9999;
    const invalid = await h.inject({ method: 'POST', url: '/api/restore', payload: broken });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('data.schedules.0.start') });
    const huge = await h.inject({ method: 'POST', url: '/api/restore', headers: { 'content-type': 'application/json' }, payload: `{"junk":"${'x'.repeat(10 * 1024 * 1024)}"}` });
    expect(huge.statusCode).toBe(413);
    expect(configRows(h.db)).toEqual(before);
  });
});

describe('/settings/backup page', () => {
  it.each([
    ['en', 'Backup and restore', 'Download the backup', 'Replace the whole configuration with this backup?'],
    ['fr', 'Sauvegarde et restauration', 'Télécharger la sauvegarde', 'Remplacer toute la configuration par cette sauvegarde ?'],
  ] as const)('renders in %s with the download link, the restore form and the sync command', async (lang, title, download, confirm) => {
    const res = await h.inject({ method: 'GET', url: '/settings/backup', lang });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`<h1>${title}</h1>`);
    expect(res.body).toContain(`href="/settings/backup/download" download>${download}</a>`);
    expect(res.body).toContain(`data-confirm="${confirm}"`);
    expect(res.body).toMatch(/<input type="hidden" name="_csrf" value="[^"]+">/);
    expect(res.body).toContain('<textarea id="backup-text" name="backup"');
    expect(res.body).toContain('<script src="/assets/backup.js" defer></script>');
    expect(res.body).toContain('vigie sync --from http://localhost:80 --token vigie_… --every 10m');
  });

  it('downloads the backup as an attachment', async () => {
    const res = await h.inject({ method: 'GET', url: '/settings/backup/download' });
    expect(res.headers['content-disposition']).toBe('attachment; filename="vigie-backup-2026-11-25.json"');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(res.body)).toMatchObject({ format: 'vigie-backup', version: 1 });
  });

  it('restores pasted text from the form and comes back with a notice', async () => {
    const res = await h.inject({ method: 'POST', url: '/settings/backup/restore', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ backup: JSON.stringify(doc) }).toString() });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/settings/backup?restored=1');
    expect(createDeviceStore({ db: h.db }).get(LEA_PHONE)?.name).toBe('Téléphone de Léa');
    const page = await h.inject({ method: 'GET', url: '/settings/backup?restored=1', lang: 'fr' });
    expect(page.body).toContain('<p class="flash" role="status">La sauvegarde a été restaurée.');
  });

  it('shows why a pasted backup was refused, escaped, and changes nothing', async () => {
    const before = configRows(h.db);
    const hostile = JSON.parse(JSON.stringify(doc));
    hostile.data.devices[0].name = '"><script>alert(1)</script>';
    hostile.data.customRules[0].name = '<img src=x onerror=alert(1)>';
    const res = await h.inject({ method: 'POST', url: '/settings/backup/restore', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ backup: JSON.stringify(hostile) }).toString() });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('This backup was refused: the backup is damaged or invalid, nothing was changed: data.customRules.0.name: must be a domain name');
    expect(res.body).not.toContain('<img src=x onerror=alert(1)>');
    expect(res.body).not.toContain('<script>alert(1)</script>');
    expect(res.body).toContain('&lt;img src&#61;x onerror&#61;alert(1)&gt;');
    expect(configRows(h.db)).toEqual(before);
    const empty = await h.inject({ method: 'POST', url: '/settings/backup/restore', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'backup=', lang: 'fr' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Choisissez un fichier de sauvegarde ou collez son contenu.');
  });
});
