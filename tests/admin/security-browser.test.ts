/**
 * The auth pages in a real browser (headless Chromium): what a parent does on first start —
 * setup with the code, log out, a wrong password, log in, post a form — under the real CSP,
 * Origin check and SameSite cookie. Catches what inject cannot (e.g. a browser sending
 * `Origin: null` with form posts under a no-referrer policy).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyPluginAsync } from 'fastify';
import { createAdminServer, type AdminServer } from '../../src/admin/admin-server.js';
import type { AdminContext } from '../../src/admin/context.js';
import { html } from '../../src/admin/page/html.js';
import { csrfField, sendPage } from '../../src/admin/page/send-page.js';
import { createAuthTestApp, SETUP_CODE, testRoutes, type AuthTestApp } from './auth-test-app.js';

const CHROMIUM = '/usr/bin/chromium';
let t: AuthTestApp;
let server: AdminServer;
let browser: Browser;
let base: string;
let posted = 0;

const confirmRoutes: FastifyPluginAsync<{ ctx: AdminContext }> = async (app) => {
  app.get('/danger', async (request, reply) => sendPage(request, reply, {
    title: 'Danger', active: null,
    body: html`<form method="post" action="/danger" data-confirm="Really?">${csrfField(request)}<button type="submit" class="btn danger">Remove</button></form>`,
  }));
  app.post('/danger', async (_request, reply) => {
    posted += 1;
    return reply.redirect('/danger?saved=1', 303);
  });
};

describe.runIf(existsSync(CHROMIUM))('in a browser', () => {
  beforeAll(async () => {
    t = await createAuthTestApp({ password: null });
    server = createAdminServer({ ctx: t.ctx, host: '127.0.0.1', port: 0, routes: [testRoutes, confirmRoutes], setupCode: SETUP_CODE });
    // The test app above is only used for its context; the server builds its own app.
    await server.start();
    base = `http://127.0.0.1:${server.address().port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await t?.close();
  });

  it('setup, logout, wrong password, login, a form post and a confirmation, with no CSP violation', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));

    await page.goto(`${base}/secret`);
    expect(new URL(page.url()).pathname).toBe('/setup');
    await page.fill('#code', SETUP_CODE.toLowerCase());
    await page.fill('#password', 'notre mot de passe');
    await page.fill('#confirm', 'notre mot de passe');
    await page.click('button[type=submit]');
    expect(new URL(page.url()).pathname).toBe('/');
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'vigie_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });

    await page.goto(`${base}/secret`);
    expect(await page.textContent('main')).toContain('secret page');
    await page.click('form.nav-logout button');
    expect(page.url()).toBe(`${base}/login?out=1`);

    await page.goto(`${base}/secret`);
    expect(page.url()).toBe(`${base}/login?next=%2Fsecret`);
    await page.fill('#password', 'not our password');
    await page.click('button[type=submit]');
    expect(await page.textContent('[role=alert]')).toBe('Wrong password.');
    await page.fill('#password', 'notre mot de passe');
    await page.click('button[type=submit]');
    expect(page.url()).toBe(`${base}/secret`);

    // A form post from our own page passes the CSRF and Origin checks.
    await page.click('main form button');
    expect(page.url()).toBe(`${base}/secret?saved=1`);

    // data-confirm (app.js): dismissing does not submit, accepting does.
    await page.goto(`${base}/danger`);
    page.once('dialog', (d) => void d.dismiss());
    await page.click('button.danger');
    await page.waitForTimeout(200);
    expect(posted).toBe(0);
    page.once('dialog', (d) => {
      expect(d.message()).toBe('Really?');
      void d.accept();
    });
    await page.click('button.danger');
    await page.waitForURL(`${base}/danger?saved=1`);
    expect(posted).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });
});
