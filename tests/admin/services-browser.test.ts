/**
 * The services list of a profile and a device card's new parts in a real browser (headless
 * Chromium, 320 px wide, under the real CSP), with a fixture catalog v2: nothing wider than the
 * phone, the search box (revealed by app.js) filters the list and hides empty groups, and the
 * choice made in the list is saved by the form.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminServer, type AdminServer } from '../../src/admin/admin-server.js';
import { devicesRoutes } from '../../src/admin/routes/devices.js';
import { profilesRoutes } from '../../src/admin/routes/profiles.js';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { createProfileStore } from '../../src/policy/profile-store.js';
import { createFixtureLists, type FixtureLists } from '../helpers/services-catalog.js';
import { PASSWORD } from './auth-test-app.js';
import { createAdminHarness, type AdminHarness } from './harness.js';

const CHROMIUM = '/usr/bin/chromium';
let h: AdminHarness;
let lists: FixtureLists;
let server: AdminServer;
let browser: Browser;
let page: Page;
let base: string;
const problems: string[] = [];

describe.runIf(existsSync(CHROMIUM))('services in a browser at 320 px', () => {
  beforeAll(async () => {
    lists = createFixtureLists();
    h = await createAdminHarness([], { VIGIE_LISTS_DIR: lists.dir });
    createDeviceStore({ db: h.db }).recordSightings([{ id: 'mac:02:00:5e:00:53:01', mac: '02:00:5e:00:53:01', ip: '192.168.1.20', at: h.now - 60_000 }]);
    await h.ctx.changed();
    server = createAdminServer({ ctx: h.ctx, host: '127.0.0.1', port: 0, routes: [devicesRoutes, profilesRoutes], setupCode: null });
    await server.start();
    base = `http://127.0.0.1:${server.address().port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 320, height: 700 }, locale: 'en-GB' });
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${base}/login`);
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/`);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await h?.close();
    lists?.close();
  });

  it.each(['/profiles/child', '/devices'])('%s fits a 320 px phone', async (path) => {
    await page.goto(`${base}${path}`);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(320);
    expect(problems).toEqual([]);
  });

  it('the search box filters the services and hides empty groups; the choice is saved by the form', async () => {
    await page.goto(`${base}/profiles/child`);
    expect(await page.isVisible('#service-search')).toBe(true);
    await page.fill('#service-search', 'yellw');
    expect(await page.isVisible('#svc-yubo')).toBe(true);
    expect(await page.isVisible('#svc-tiktok')).toBe(false);
    expect(await page.isVisible('h3:text("Social media")')).toBe(false);
    await page.fill('#service-search', '');
    expect(await page.isVisible('#svc-tiktok')).toBe(true);
    await page.selectOption('#svc-tiktok', 'block');
    await page.click('#filter-form button[type=submit].primary');
    expect(new URL(page.url()).search).toBe('?saved=1');
    expect(createProfileStore({ db: h.db }).get('child')!.services).toEqual({ tiktok: true });
    expect(problems).toEqual([]);
  });
});
