/**
 * The backup page in a real browser (headless Chromium, 390 px wide, under the real CSP): the file
 * picker appears (public/backup.js), a chosen backup file is sent as JSON with the CSRF header
 * and restored after the confirmation, and a wrong file is refused with a message in the page.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminServer, type AdminServer } from '../../src/admin/admin-server.js';
import { backupRoutes } from '../../src/admin/routes/backup.js';
import { exportBackup } from '../../src/backup/export-backup.js';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { PASSWORD } from '../admin/auth-test-app.js';
import { createAdminHarness, type AdminHarness } from '../admin/harness.js';
import { fillConfig, freshConfig, LEA_PHONE } from './fill-config.js';

const CHROMIUM = '/usr/bin/chromium';
let h: AdminHarness;
let server: AdminServer;
let browser: Browser;
let page: Page;
let base: string;
let files: string;
const problems: string[] = [];

describe.runIf(existsSync(CHROMIUM))('backup page in a browser', () => {
  beforeAll(async () => {
    h = await createAdminHarness([]);
    server = createAdminServer({ ctx: h.ctx, host: '127.0.0.1', port: 0, routes: [backupRoutes], setupCode: null });
    await server.start();
    base = `http://127.0.0.1:${server.address().port}`;
    files = mkdtempSync(join(tmpdir(), 'vigie-backup-files-'));
    const household = freshConfig();
    fillConfig(household.db);
    writeFileSync(join(files, 'family.json'), JSON.stringify(exportBackup(household.db)));
    household.db.close();
    rmSync(household.dir, { recursive: true, force: true });
    writeFileSync(join(files, 'photo.json'), '{"format":"jpeg"}');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-GB' });
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${base}/login`);
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/`);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await h?.close();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  it('shows the file picker, fits a phone, and breaks no CSP rule', async () => {
    await page.goto(`${base}/settings/backup`);
    expect(await page.isVisible('#backup-file')).toBe(true);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(problems).toEqual([]);
  });

  it('refuses a file that is not a backup, saying so in the page', async () => {
    await page.goto(`${base}/settings/backup`);
    await page.setInputFiles('#backup-file', join(files, 'photo.json'));
    await page.waitForFunction('document.getElementById("restore-status").textContent.includes("not a Vigie backup")');
    expect(await page.textContent('#restore-status')).toBe('This backup was refused: not a Vigie backup (expected "format": "vigie-backup")');
    expect(createDeviceStore({ db: h.db }).list()).toEqual([]);
  });

  it('restores a chosen backup file after the confirmation', async () => {
    await page.goto(`${base}/settings/backup`);
    await page.setInputFiles('#backup-file', join(files, 'family.json'));
    await page.waitForURL(`${base}/settings/backup?restored=1`);
    expect(await page.textContent('.flash')).toContain('The backup was restored.');
    expect(createDeviceStore({ db: h.db }).get(LEA_PHONE)?.name).toBe('Téléphone de Léa');
    expect(problems).toEqual([]);
  });
});
