/**
 * A logged-in headless Chromium on a real admin server over a test harness: what the admin
 * browser tests share (watching CSP violations and page errors, logging in through /login).
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { createAdminServer, type AdminServer } from '../../src/admin/admin-server.js';
import type { FastifyPluginAsync } from 'fastify';
import type { AdminContext } from '../../src/admin/context.js';
import { PASSWORD } from './auth-test-app.js';
import type { AdminHarness } from './harness.js';

export const CHROMIUM = '/usr/bin/chromium';

export interface BrowserSession {
  readonly base: string;
  readonly page: Page;
  /** CSP violations and page errors seen so far. */
  readonly problems: string[];
  close(): Promise<void>;
}

/** Starts the server with `routes`, opens a page of `viewport` in `locale`, logs in. */
export async function openBrowserSession(h: AdminHarness, routes: ReadonlyArray<FastifyPluginAsync<{ ctx: AdminContext }>>, opts: { width: number; height: number; locale: string }): Promise<BrowserSession> {
  const server: AdminServer = createAdminServer({ ctx: h.ctx, host: '127.0.0.1', port: 0, routes: [...routes], setupCode: null });
  await server.start();
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: opts.width, height: opts.height }, locale: opts.locale });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  // The harness already set the password: log in as a parent would.
  await page.goto(`${base}/login`);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/`);
  return {
    base, page, problems,
    async close() {
      await browser.close();
      await server.stop();
    },
  };
}
