/** Host allowlist, security headers, static assets, the language switch, limits, health. */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAssets, PUBLIC_DIR } from '../../src/admin/assets.js';
import { createHostCheck, defaultAllowedHosts, hostWithoutPort } from '../../src/admin/host-allowlist.js';
import { createAuthTestApp, type AuthTestApp } from './auth-test-app.js';

let t: AuthTestApp;
afterEach(async () => t?.close());

describe('Host allowlist (DNS rebinding)', () => {
  it.each([
    ['localhost'], ['localhost:8080'], ['127.0.0.1:8080'], ['[::1]:8080'], ['192.168.1.10:8080'], ['192.168.1.10'],
    ['[fd00::10]'], [hostname()], [`${hostname()}.local:8080`], [`${hostname().toUpperCase()}.LOCAL.`],
  ])('accepts Host: %s', async (host) => {
    t = await createAuthTestApp();
    const res = await t.inject({ url: '/healthz', headers: { host } });
    expect(res.statusCode).toBe(200);
  });

  it.each([['evil.example'], ['evil.example:8080'], ['localhost.evil.example'], ['127.0.0.1.nip.io'], ['vigie@evil.example'], ['::1']])('refuses Host: %j with 421', async (host) => {
    t = await createAuthTestApp();
    const res = await t.inject({ url: '/login', headers: { host } });
    expect(res.statusCode).toBe(421);
    expect(res.body).toContain('Unknown host name');
    expect(res.body).not.toContain('<form');
  });

  it('refuses a rebinding request even with a valid session', async () => {
    t = await createAuthTestApp();
    const { cookie } = await t.login();
    expect((await t.inject({ url: '/secret', headers: { cookie, host: 'evil.example' } })).statusCode).toBe(421);
  });

  it('takes an explicit allowlist (names; IP literals always pass)', async () => {
    t = await createAuthTestApp({ allowedHosts: ['vigie.home.arpa'] });
    expect((await t.inject({ url: '/healthz', headers: { host: 'vigie.home.arpa:8080' } })).statusCode).toBe(200);
    expect((await t.inject({ url: '/healthz', headers: { host: 'localhost' } })).statusCode).toBe(421);
    expect((await t.inject({ url: '/healthz', headers: { host: '10.0.0.2' } })).statusCode).toBe(200);
  });

  it('the default list has the loopback names, the hostname and the admin address', () => {
    const list = defaultAllowedHosts('192.0.2.7');
    for (const h of ['localhost', '127.0.0.1', '[::1]', hostname().toLowerCase(), `${hostname().toLowerCase()}.local`, '192.0.2.7']) expect(list).toContain(h);
    expect(defaultAllowedHosts('0.0.0.0')).not.toContain('0.0.0.0');
    expect(defaultAllowedHosts('2001:db8::1')).toContain('[2001:db8::1]');
    expect(hostWithoutPort('Box.Local.:8080')).toBe('box.local');
    expect(hostWithoutPort('[FE80::1]:80')).toBe('[fe80::1]');
    expect(hostWithoutPort('a:b:c')).toBeNull();
    expect(createHostCheck(['box'])(undefined)).toBe(false);
  });
});

describe('security headers', () => {
  it('sends a strict CSP and the other helmet headers on pages', async () => {
    t = await createAuthTestApp();
    const res = await t.inject({ url: '/login' });
    const csp = String(res.headers['content-security-policy']);
    for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('upgrade-insecure-requests'); // plain HTTP on the LAN
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-powered-by']).toBeUndefined();
    // Pages carry no inline script, style or handlers.
    expect(res.body).not.toMatch(/<script(?![^>]*\ssrc=)/);
    expect(res.body).not.toMatch(/\sstyle=|\son[a-z]+=/i);
  });

  it('also on API answers and error pages', async () => {
    t = await createAuthTestApp();
    const api = await t.inject({ url: '/api/whoami' });
    expect(api.headers['content-security-policy']).toContain("default-src 'self'");
    expect(api.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('assets', () => {
  it('serves public/ files with their types, caching and ETag, without login', async () => {
    t = await createAuthTestApp();
    const css = await t.inject({ url: '/assets/app.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['cache-control']).toBe('public, max-age=3600');
    expect(css.body).toBe(readFileSync(join(PUBLIC_DIR, 'app.css'), 'utf8'));
    const etag = String(css.headers.etag);
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    const again = await t.inject({ url: '/assets/app.css', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const js = await t.inject({ url: '/assets/app.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it.each([
    ['/assets/../package.json'], ['/assets/%2e%2e/package.json'], ['/assets/%2e%2e%2fpackage.json'], ['/assets/..%2fpackage.json'],
    ['/assets/..%5cpackage.json'], ['/assets/.%2e/.%2e/package.json'], ['/assets/'], ['/assets/nope.css'], ['/assets/app.css%00.js'], ['/assets/__proto__'],
  ])('reaches nothing outside public/: %s', async (url) => {
    t = await createAuthTestApp();
    const { cookie } = await t.login();
    for (const headers of [{}, { cookie }]) {
      const res = await t.inject({ url, headers });
      expect(res.statusCode, url).not.toBe(200);
      expect(res.body).not.toContain('"name": "vigie"');
    }
  });

  it('loads only plain file names with known types', () => {
    const assets = loadAssets();
    expect([...assets.keys()]).toEqual(expect.arrayContaining(['app.css', 'app.js']));
    expect(loadAssets('/nonexistent/dir').size).toBe(0);
  });

  it('app.css defines every documented class', () => {
    const css = readFileSync(join(PUBLIC_DIR, 'app.css'), 'utf8');
    for (const cls of ['cards', 'stack', 'row', 'btn', 'primary', 'danger', 'link', 'badge', 'warn', 'ok', 'muted', 'toggle', 'flash', 'nav', 'top', 'skip', 'grid-week', 'field-error', 'field', 'commands']) {
      expect(css, cls).toMatch(new RegExp(`\\.${cls}[\\s.,:{>\\[]`));
    }
    expect(css).toContain('prefers-color-scheme: dark');
    expect(css).toContain('min-height: 44px');
    expect(css).toContain(':focus-visible');
  });
});

describe('/lang', () => {
  it('sets the lang cookie for a year and goes back', async () => {
    t = await createAuthTestApp();
    const res = await t.inject({ url: '/lang?to=fr&back=/login%3Fnext%3D%2Fsecret' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?next=/secret');
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toContain('lang=fr');
    expect(setCookie).toContain('Max-Age=31536000');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/');
    const page = await t.inject({ url: '/login', headers: { cookie: 'lang=fr' } });
    expect(page.body).toContain('<html lang="fr">');
    expect(page.body).toContain('href="/lang?to=en&amp;back=%2Flogin"');
  });

  it.each([['https://evil.example/'], ['//evil.example'], ['/\\evil.example'], ['javascript:alert(1)']])('refuses back=%j (goes to /)', async (back) => {
    t = await createAuthTestApp();
    const res = await t.inject({ url: `/lang?to=en&back=${encodeURIComponent(back)}` });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
  });

  it('ignores an unknown language', async () => {
    t = await createAuthTestApp();
    const res = await t.inject({ url: '/lang?to=de&back=/login' });
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers.location).toBe('/login');
  });
});

describe('limits and health', () => {
  it('refuses a body over 64 KB with 413', async () => {
    t = await createAuthTestApp();
    const { cookie, csrf } = await t.login();
    const big = await t.inject({ method: 'POST', url: '/api/echo', headers: { cookie, 'x-csrf-token': csrf }, payload: { text: 'x'.repeat(70_000) } });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ code: 'TOO_LARGE' });
    const bigForm = await t.inject({ method: 'POST', url: '/form', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${csrf}&x=${'y'.repeat(70_000)}` });
    expect(bigForm.statusCode).toBe(413);
    expect(bigForm.body).toContain('too large');
    const small = await t.inject({ method: 'POST', url: '/api/echo', headers: { cookie, 'x-csrf-token': csrf }, payload: { text: 'x'.repeat(60_000) } });
    expect(small.statusCode).toBe(200);
  });

  it('answers /healthz without login', async () => {
    t = await createAuthTestApp();
    const res = await t.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
  });
});
