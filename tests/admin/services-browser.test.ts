/**
 * The services list of a profile and a device card's new parts in a real browser (headless
 * Chromium, 320 px wide, under the real CSP), with a fixture catalog v2: nothing wider than the
 * phone, the search box (revealed by app.js) filters the list and hides empty groups, and the
 * choice made in the list is saved by the form.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicesRoutes } from '../../src/admin/routes/devices.js';
import { profilesRoutes } from '../../src/admin/routes/profiles.js';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { createProfileStore } from '../../src/policy/profile-store.js';
import { createFixtureLists, type FixtureLists } from '../helpers/services-catalog.js';
import { CHROMIUM, openBrowserSession, type BrowserSession } from './browser-session.js';
import { createAdminHarness, type AdminHarness } from './harness.js';

let h: AdminHarness;
let lists: FixtureLists;
let session: BrowserSession;

describe.runIf(existsSync(CHROMIUM))('services in a browser at 320 px', () => {
  beforeAll(async () => {
    lists = createFixtureLists();
    h = await createAdminHarness([], { VIGIE_LISTS_DIR: lists.dir });
    createDeviceStore({ db: h.db }).recordSightings([{ id: 'mac:02:00:5e:00:53:01', mac: '02:00:5e:00:53:01', ip: '192.168.1.20', at: h.now - 60_000 }]);
    await h.ctx.changed();
    session = await openBrowserSession(h, [devicesRoutes, profilesRoutes], { width: 320, height: 700, locale: 'en-GB' });
  });
  afterAll(async () => {
    await session?.close();
    await h?.close();
    lists?.close();
  });

  it.each(['/profiles/child', '/devices'])('%s fits a 320 px phone', async (path) => {
    await session.page.goto(`${session.base}${path}`);
    expect(await session.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(320);
    expect(session.problems).toEqual([]);
  });

  it('the search box filters the services and hides empty groups; the choice is saved by the form', async () => {
    const { page, base, problems } = session;
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
