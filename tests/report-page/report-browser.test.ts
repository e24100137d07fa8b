/**
 * The report page in a real browser (headless Chromium, 390 px wide, under the real CSP): nothing
 * wider than the phone, the charts drawn at the phone's width, no CSP violation or console error,
 * the week picker and the device selector work by clicking, and the print layout leaves out the
 * menus and forms. The email settings page fits the phone too.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminServer, type AdminServer } from '../../src/admin/admin-server.js';
import { emailSettingsRoutes } from '../../src/admin/routes/email-settings.js';
import { reportRoutes } from '../../src/admin/routes/report.js';
import { PASSWORD } from '../admin/auth-test-app.js';
import { createAdminHarness, type AdminHarness } from '../admin/harness.js';
import { LEA, seedReport } from './report-page-fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
let h: AdminHarness;
let server: AdminServer;
let browser: Browser;
let page: Page;
let base: string;
const problems: string[] = [];

describe.runIf(existsSync(CHROMIUM))('the report page in a browser', () => {
  beforeAll(async () => {
    h = await createAdminHarness([]);
    seedReport(h);
    server = createAdminServer({ ctx: h.ctx, host: '127.0.0.1', port: 0, routes: [reportRoutes, emailSettingsRoutes], setupCode: null });
    await server.start();
    base = `http://127.0.0.1:${server.address().port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-GB' });
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${base}/login`);
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/`);
    problems.length = 0; // the overview is not registered here: its 404 after login is expected
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await h?.close();
  });

  it('fits a 390 px phone, with the charts drawn at its width and described', async () => {
    await page.goto(`${base}/report`);
    expect(await page.textContent('h1')).toBe('Weekly report');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    // Four charts for Léa's phone and the home; all within the screen, none taller than needed.
    const charts = await page.evaluate<Array<{ w: number; h: number; label: string | null }>>(
      'Array.from(document.querySelectorAll("svg.chart"), (s) => { const r = s.getBoundingClientRect(); return { w: r.width, h: r.height, label: s.getAttribute("aria-label") }; })',
    );
    expect(charts.length).toBeGreaterThanOrEqual(8);
    for (const c of charts) {
      expect(c.w).toBeGreaterThan(250);
      expect(c.w).toBeLessThanOrEqual(390);
      expect(c.h).toBeGreaterThan(40);
      expect(c.label).toMatch(/^Blocked attempts/);
    }
    // report.css is applied (the figures are a grid) and the first-ever attempt is highlighted.
    expect(await page.evaluate<string>('getComputedStyle(document.querySelector(".report-figures")).display')).toBe('grid');
    expect(await page.evaluate<string>('getComputedStyle(document.querySelector(".alert-item")).borderLeftStyle')).toBe('solid');
    expect(problems).toEqual([]);
  });

  it('moves to the previous week by clicking, and back with the week field', async () => {
    await page.goto(`${base}/report`);
    await page.click('a[rel=prev]');
    expect(new URL(page.url()).search).toBe('?week=2026-W47');
    expect(await page.textContent('.report-period strong')).toBe('Week 2026-W47');
    await page.fill('#report-week', '2026-W48');
    await page.click('.report-picker button[type=submit]');
    expect(new URL(page.url()).searchParams.get('week')).toBe('2026-W48');
    expect(await page.textContent('.report-period strong')).toBe('Week 2026-W48');
    expect(problems).toEqual([]);
  });

  it('shows one device after choosing it, then the whole home again', async () => {
    await page.goto(`${base}/report`);
    await page.selectOption('#report-device', LEA);
    await page.click('.report-picker button[type=submit]');
    expect(new URL(page.url()).searchParams.get('device')).toBe(LEA);
    expect(await page.locator('section.report-device').count()).toBe(1);
    expect(await page.textContent('section.report-device h2')).toBe('Léa’s phone');
    await page.selectOption('#report-device', '');
    await page.click('.report-picker button[type=submit]');
    expect(await page.locator('section.report-device').count()).toBe(3);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(problems).toEqual([]);
  });

  it('prints without the menus and forms, with the charts', async () => {
    await page.goto(`${base}/report`);
    await page.emulateMedia({ media: 'print' });
    try {
      const shown = await page.evaluate<Record<string, string>>(
        '({ nav: getComputedStyle(document.querySelector(".nav")).display, picker: getComputedStyle(document.querySelector(".report-controls")).display, exports: getComputedStyle(document.querySelector(".report-exports")).display, chart: getComputedStyle(document.querySelector("svg.chart")).display })',
      );
      expect(shown).toEqual({ nav: 'none', picker: 'none', exports: 'none', chart: 'block' });
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
    expect(problems).toEqual([]);
  });

  it('the email settings page fits the phone too', async () => {
    await page.goto(`${base}/settings/email`);
    expect(await page.textContent('h1')).toBe('Email and alerts');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(problems).toEqual([]);
  });
});
