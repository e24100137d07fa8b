/** Login, logout, the guard on every other route, session expiry and rotation, open redirects. */
import { afterEach, describe, expect, it } from 'vitest';
import { changePassword, revokeSessions } from '../../src/admin/auth/admin-store.js';
import { SESSION_IDLE_MS, SESSION_MAX_MS } from '../../src/admin/auth/session.js';
import { cookieOf, createAuthTestApp, csrfOf, form, PASSWORD, type AuthTestApp } from './auth-test-app.js';

let t: AuthTestApp;
afterEach(async () => t.close());

const HOUR = 3_600_000;

describe('the guard', () => {
  it('sends pages to /login with next, answers 401 JSON on the API', async () => {
    t = await createAuthTestApp();
    const page = await t.inject({ url: '/secret?tab=2' });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/login?next=%2Fsecret%3Ftab%3D2');
    expect((await t.inject({ url: '/' })).headers.location).toBe('/login');
    const api = await t.inject({ url: '/api/whoami' });
    expect(api.statusCode).toBe(401);
    expect(api.headers['content-type']).toContain('application/json');
    expect(api.json()).toMatchObject({ code: 'UNAUTHORIZED' });
    // A form POST without a session is refused before its body is read, and without next.
    const post = await t.inject({ method: 'POST', url: '/form', ...form({ a: '1' }) });
    expect(post.statusCode).toBe(303);
    expect(post.headers.location).toBe('/login');
    // Unknown paths do not reveal themselves before login.
    expect((await t.inject({ url: '/nowhere' })).headers.location).toBe('/login?next=%2Fnowhere');
    expect((await t.inject({ url: '/api/nowhere' })).statusCode).toBe(401);
  });

  it('lets a logged-in parent in; unknown paths are 404 (HTML page, JSON API)', async () => {
    t = await createAuthTestApp();
    const { cookie } = await t.login();
    const page = await t.inject({ url: '/secret', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('secret page');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('action="/logout"'); // the frame shows the navigation when logged in
    expect((await t.inject({ url: '/api/whoami', headers: { cookie } })).json()).toEqual({ auth: 'session' });
    const missing = await t.inject({ url: '/nowhere', headers: { cookie } });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('This page does not exist.');
    const missingFr = await t.inject({ url: '/nowhere', headers: { cookie: `${cookie}; lang=fr` } });
    expect(missingFr.body).toContain('Cette page n&#39;existe pas.');
    const api = await t.inject({ url: '/api/nowhere', headers: { cookie } });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('login', () => {
  it('shows a password-only form, in French too', async () => {
    t = await createAuthTestApp();
    const en = await t.inject({ url: '/login?next=/secret' });
    expect(en.statusCode).toBe(200);
    expect(en.body).toContain('<label for="password">Password</label>');
    expect(en.body).toContain('autocomplete="current-password"');
    expect(en.body).toContain('name="next" value="/secret"');
    expect(en.body).toContain('vigie passwd');
    expect(en.body).not.toContain('action="/logout"');
    const fr = await t.inject({ url: '/login', headers: { cookie: 'lang=fr' } });
    expect(fr.body).toContain('<label for="password">Mot de passe</label>');
    expect(fr.body).toContain('Se connecter');
  });

  it('refuses a wrong password (401, no cookie) and accepts the right one (303 to next)', async () => {
    t = await createAuthTestApp();
    const wrong = await t.inject({ method: 'POST', url: '/login', ...form({ password: 'not the password', next: '/secret' }) });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('Wrong password.');
    expect(wrong.body).toContain('name="next" value="/secret"');
    expect(cookieOf(wrong, 'vigie_session')).toBeUndefined();
    const right = await t.inject({ method: 'POST', url: '/login', ...form({ password: PASSWORD, next: '/secret?tab=2' }) });
    expect(right.statusCode).toBe(303);
    expect(right.headers.location).toBe('/secret?tab=2');
    const c = cookieOf(right, 'vigie_session')!;
    expect(c).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/', maxAge: SESSION_MAX_MS / 1000 });
  });

  it.each([
    ['//evil.example'], ['https://evil.example/'], ['/\\evil.example'], ['\\\\evil.example'], ['/\t/evil.example'], ['javascript:alert(1)'],
    ['http:/evil.example'], ['/login'], ['/logout'], [''],
  ])('ignores next=%j (goes to /)', async (next) => {
    t = await createAuthTestApp();
    const res = await t.inject({ method: 'POST', url: '/login', ...form({ password: PASSWORD, next }) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    const page = await t.inject({ url: `/login?next=${encodeURIComponent(next)}` });
    expect(page.body).not.toContain('name="next"');
  });

  it('escapes whatever the next parameter carries', async () => {
    t = await createAuthTestApp();
    const page = await t.inject({ url: `/login?next=${encodeURIComponent('/x?a="><script>alert(1)</script>')}` });
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).not.toContain('"><script>');
  });

  it('sends a logged-in parent away from /login', async () => {
    t = await createAuthTestApp();
    const { cookie } = await t.login();
    const res = await t.inject({ url: '/login?next=/secret', headers: { cookie } });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/secret');
  });

  it('rotates the session: the cookie held before login is worthless after it', async () => {
    t = await createAuthTestApp();
    const first = await t.login();
    const res = await t.inject({ method: 'POST', url: '/login', headers: { cookie: first.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `password=${encodeURIComponent(PASSWORD)}` });
    const second = `vigie_session=${cookieOf(res, 'vigie_session')!.value}`;
    expect(second).not.toBe(first.cookie);
    expect((await t.inject({ url: '/secret', headers: { cookie: first.cookie } })).statusCode).toBe(303);
    expect((await t.inject({ url: '/secret', headers: { cookie: second } })).statusCode).toBe(200);
  });

  it('ignores a forged or malformed session cookie', async () => {
    t = await createAuthTestApp();
    for (const cookie of ['vigie_session=abc', `vigie_session=${'a'.repeat(500)}`, 'vigie_session=']) {
      expect((await t.inject({ url: '/secret', headers: { cookie } })).statusCode).toBe(303);
    }
  });
});

describe('logout', () => {
  it('needs the CSRF token, then ends the session and clears the cookie', async () => {
    t = await createAuthTestApp();
    const { cookie, csrf } = await t.login();
    const forged = await t.inject({ method: 'POST', url: '/logout', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: '' });
    expect(forged.statusCode).toBe(403);
    const res = await t.inject({ method: 'POST', url: '/logout', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${csrf}` });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?out=1');
    expect(String(res.headers['set-cookie'])).toMatch(/^vigie_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await t.inject({ url: '/secret', headers: { cookie } })).statusCode).toBe(303);
    expect(t.ctx.db.prepare('SELECT COUNT(*) AS n FROM admin_sessions').get()).toEqual({ n: 0 });
    const page = await t.inject({ url: '/login?out=1' });
    expect(page.body).toContain('<p class="flash" role="status">You are logged out.</p>');
  });
});

describe('expiry', () => {
  it('ends a session idle for 12 hours', async () => {
    t = await createAuthTestApp();
    const { cookie } = await t.login();
    t.advance(SESSION_IDLE_MS - 60_000);
    expect((await t.inject({ url: '/secret', headers: { cookie } })).statusCode).toBe(200);
    t.advance(SESSION_IDLE_MS - 60_000); // activity above reset the idle timer
    expect((await t.inject({ url: '/secret', headers: { cookie } })).statusCode).toBe(200);
    t.advance(SESSION_IDLE_MS + 1);
    const res = await t.inject({ url: '/secret', headers: { cookie } });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fsecret');
    expect(t.ctx.db.prepare('SELECT COUNT(*) AS n FROM admin_sessions').get()).toEqual({ n: 0 });
  });

  it('ends a session 7 days after login even when used all along', async () => {
    t = await createAuthTestApp();
    const { cookie } = await t.login();
    let elapsed = 0;
    while (elapsed + 11 * HOUR < SESSION_MAX_MS) {
      t.advance(11 * HOUR);
      elapsed += 11 * HOUR;
      expect((await t.inject({ url: '/api/whoami', headers: { cookie } })).statusCode).toBe(200);
    }
    t.advance(SESSION_MAX_MS - elapsed + 1);
    expect((await t.inject({ url: '/api/whoami', headers: { cookie } })).statusCode).toBe(401);
  });
});

describe('a stored hash that can never verify (issue 12.8c)', () => {
  it('says so on the login page (503), counts nothing, logs an error; vigie passwd (setPassword) repairs it', async () => {
    t = await createAuthTestApp();
    // As an older Vigie's restore (or a hand edit) could leave it: scrypt N=2^22, above the limit.
    t.ctx.db.prepare("UPDATE settings SET value = ? WHERE key = 'admin_password'").run(`scrypt$4194304$8$1$c2FsdHNhbHRzYWx0$${'A'.repeat(43)}`);
    for (let i = 0; i < 8; i++) {
      const res = await t.inject({ method: 'POST', url: '/login', ...form({ password: PASSWORD }) });
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain('The password stored by Vigie is damaged or comes from a newer version');
      expect(res.body).toContain('vigie passwd');
    }
    const fr = await t.inject({ method: 'POST', url: '/login', headers: { cookie: 'lang=fr', 'content-type': 'application/x-www-form-urlencoded' }, payload: 'password=x' });
    expect(fr.body).toContain('Le mot de passe enregistré par Vigie est abîmé');
    expect(t.logged.some((l) => l.level === 50 && String(l.problem).includes('N=4194304'))).toBe(true);
    expect(t.store.storedHashProblem()).toMatch(/N=4194304/);
    expect(() => t.store.setPasswordHash('scrypt$oops')).toThrow(/unusable admin password hash/);
    expect(await t.store.setPassword('repaired from the shell')).toBeNull();
    expect((await t.inject({ method: 'POST', url: '/login', ...form({ password: 'repaired from the shell' }) })).statusCode).toBe(303);
  });
});

describe('functions for the settings page', () => {
  it('changePassword checks the current one, validates, and logs out the other sessions', async () => {
    t = await createAuthTestApp();
    const phone = await t.login('192.168.1.20');
    const laptop = await t.login('192.168.1.21');
    expect(await changePassword(t.ctx, 'wrong current', 'a new long password')).toEqual({ ok: false, problem: 'WRONG_PASSWORD' });
    expect(await changePassword(t.ctx, PASSWORD, 'short')).toEqual({ ok: false, problem: 'TOO_SHORT' });
    expect(await changePassword(t.ctx, PASSWORD, '1234567890')).toEqual({ ok: false, problem: 'TOO_COMMON' });
    const page = await t.inject({ url: '/secret', headers: { cookie: phone.cookie } });
    expect(csrfOf(page.body)).toBe(phone.csrf);
    const phoneSession = (await t.inject({ url: '/api/whoami', headers: { cookie: phone.cookie } })).statusCode;
    expect(phoneSession).toBe(200);
    const keep = (t.ctx.db.prepare('SELECT id_hash FROM admin_sessions WHERE client LIKE ?').get('192.168.1.20%') as { id_hash: string }).id_hash;
    expect(await changePassword(t.ctx, PASSWORD, 'a new long password', { keepSessionId: keep })).toEqual({ ok: true, tokensRevoked: 0 });
    expect((await t.inject({ url: '/api/whoami', headers: { cookie: phone.cookie } })).statusCode).toBe(200);
    expect((await t.inject({ url: '/api/whoami', headers: { cookie: laptop.cookie } })).statusCode).toBe(401);
    expect(await t.store.checkPassword('a new long password')).toBe(true);
    expect(revokeSessions(t.ctx)).toBe(1);
    expect((await t.inject({ url: '/api/whoami', headers: { cookie: phone.cookie } })).statusCode).toBe(401);
  });
});
