/**
 * The devices, profiles and schedules pages in a real browser (headless Chromium, 390 px wide,
 * under the real CSP): nothing wider than the phone, no CSP violation, and the schedule editor's
 * progressive enhancement (quick choices tick days, the other mode's fields hide, "overnight" shows),
 * then a window added by clicking appears in the grid, and a pause set by clicking is shown.
 */
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicesRoutes } from '../../src/admin/routes/devices.js';
import { profilesRoutes } from '../../src/admin/routes/profiles.js';
import { schedulesRoutes } from '../../src/admin/routes/schedules.js';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { CHROMIUM, openBrowserSession, type BrowserSession } from './browser-session.js';
import { createAdminHarness, type AdminHarness } from './harness.js';

let h: AdminHarness;
let session: BrowserSession;
let page: Page;
let base: string;
let problems: string[];

describe.runIf(existsSync(CHROMIUM))('devices, profiles and schedules in a browser', () => {
  beforeAll(async () => {
    h = await createAdminHarness([]);
    createDeviceStore({ db: h.db }).recordSightings([{ id: 'mac:02:00:5e:00:53:01', mac: '02:00:5e:00:53:01', ip: '192.168.1.20', at: h.now - 60_000 }]);
    await h.ctx.changed();
    session = await openBrowserSession(h, [devicesRoutes, profilesRoutes, schedulesRoutes], { width: 390, height: 844, locale: 'fr-FR' });
    ({ page, base, problems } = session);
  });
  afterAll(async () => {
    await session?.close();
    await h?.close();
  });

  it.each(['/devices', '/profiles', '/profiles/child', '/schedules'])('%s fits a 390 px phone', async (path) => {
    await page.goto(`${base}${path}`);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(problems).toEqual([]);
  });

  it('the schedule editor ticks quick choices, shows one mode’s fields, says “overnight”, and the new window is drawn', async () => {
    await page.goto(`${base}/schedules`);
    await page.selectOption('#w-quick', 'school-nights');
    // A string: the test project has no DOM types.
    const ticked = await page.evaluate<string[]>('Array.from(document.querySelectorAll(\'input[name="days"]:checked\'), (b) => b.value)');
    expect(ticked).toEqual(['mon', 'tue', 'wed', 'thu', 'sun']);
    expect(await page.inputValue('#w-quick')).toBe('');
    // Bedtime is the default mode: the categories are hidden, the allow-list shown.
    expect(await page.isVisible('#w-categories')).toBe(false);
    expect(await page.isVisible('#w-allow-text')).toBe(true);
    await page.check('#w-mode-block');
    expect(await page.isVisible('#w-categories')).toBe(true);
    expect(await page.isVisible('#w-allow-text')).toBe(false);
    await page.check('#w-mode-bedtime');
    await page.fill('#w-start', '21:00');
    await page.fill('#w-end', '07:00');
    expect(await page.isVisible('#w-overnight')).toBe(true);
    await page.fill('#w-end', '23:00');
    expect(await page.isVisible('#w-overnight')).toBe(false);
    await page.fill('#w-end', '07:00');
    await page.fill('#w-allow-text', 'school.example.org');
    await page.fill('#w-label', 'Soirs d’école');
    await page.click('#window-form button[type=submit]');
    expect(new URL(page.url()).search).toBe('?saved=1');
    expect(await page.textContent('.flash')).toBe('Enregistré.');
    const cell = (day: string, hour: number) => page.getAttribute(`div.week[data-profile="child"] [data-day="${day}"][data-hour="${hour}"]`, 'class');
    expect(await cell('sun', 21)).toBe('on bedtime');
    expect(await cell('mon', 6)).toBe('on bedtime');
    expect(await cell('fri', 6)).toBe('on bedtime');
    expect(await cell('fri', 21)).toBe('');
    expect(await cell('sat', 3)).toBe('');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(problems).toEqual([]);
  });

  it('pauses a device by clicking and shows the time left', async () => {
    await page.goto(`${base}/devices`);
    await page.selectOption('#pause-1', '15');
    await page.click('#device-1 form[action$="/pause"] button');
    expect(new URL(page.url()).search).toBe('?saved=1');
    expect(await page.textContent('#device-1')).toContain('Filtrage en pause : encore 15 min');
    // A pause is reward time: the risky categories (dating) stay blocked.
    expect(h.ctx.policy.built.identify('192.168.1.20', null).decide('tinder.com', h.now)).not.toBeNull();
    expect(problems).toEqual([]);
  });
});
