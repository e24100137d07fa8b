/** First start: no password, the one-time setup code, the setup form's validation. */
import { afterEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/admin/auth/secret-hash.js';
import { cookieOf, createAuthTestApp, form, SETUP_CODE, type AuthTestApp } from './auth-test-app.js';

let t: AuthTestApp;
afterEach(async () => t.close());

const NEW_PASSWORD = 'la tour eiffel 1889';

function setup(fields: Partial<Record<'code' | 'password' | 'confirm', string>>, remoteAddress = '127.0.0.1') {
  return t.inject({ method: 'POST', url: '/setup', remoteAddress, ...form({ code: SETUP_CODE, password: NEW_PASSWORD, confirm: NEW_PASSWORD, ...fields }) });
}

describe('before a password exists', () => {
  it('sends every page to /setup and refuses the API', async () => {
    t = await createAuthTestApp({ password: null });
    for (const url of ['/', '/secret', '/login', '/nowhere']) {
      const res = await t.inject({ url });
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location, url).toBe('/setup');
    }
    const api = await t.inject({ method: 'POST', url: '/api/echo', payload: { a: 1 } });
    expect(api.statusCode).toBe(401);
    expect(api.json()).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('shows the setup form, says where the code is, in English and French', async () => {
    t = await createAuthTestApp({ password: null });
    const en = await t.inject({ url: '/setup' });
    expect(en.statusCode).toBe(200);
    expect(en.headers['content-type']).toContain('text/html');
    expect(en.body).toContain('<label for="code">Setup code</label>');
    expect(en.body).toContain('<code>sudo vigie setup-code</code>');
    expect(en.body).toContain('<code>docker compose exec vigie vigie setup-code</code>');
    expect(en.body).toContain('type this command on the computer running Vigie');
    expect(en.body).toMatch(/<input id="password" name="password" type="password" required minlength="10"/);
    expect(en.body).toContain('id="confirm"');
    expect(en.body).not.toContain(SETUP_CODE);
    const fr = await t.inject({ url: '/setup', headers: { 'accept-language': 'fr-FR,fr;q=0.9' } });
    expect(fr.body).toContain('<html lang="fr">');
    expect(fr.body).toContain('Code d&#39;installation');
    expect(fr.body).toContain('Configurer Vigie');
    expect(fr.body).toContain('<code>sudo vigie setup-code</code>');
    expect(fr.body).toContain('tapez cette commande');
  });

  it('refuses a wrong code with 400 and keeps what was typed', async () => {
    t = await createAuthTestApp({ password: null });
    const res = await setup({ code: 'WRONGCODE9' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('This setup code is wrong');
    expect(res.body).toContain('value="WRONGCODE9"');
    expect(t.store.hasPassword()).toBe(false);
    expect(cookieOf(res, 'vigie_session')).toBeUndefined();
  });

  it.each([
    ['too short', { password: 'short', confirm: 'short' }, 'at least 10 characters'],
    ['too common', { password: 'azertyuiop', confirm: 'azertyuiop' }, 'too common'],
    ['different', { confirm: 'la tour eiffel 1890' }, 'The two passwords are different'],
    ['missing', { password: '', confirm: '' }, 'at least 10 characters'],
  ])('refuses a password that is %s with 400', async (_name, fields, message) => {
    t = await createAuthTestApp({ password: null });
    const res = await setup(fields);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(message);
    expect(t.store.hasPassword()).toBe(false);
  });

  it('answers a body without fields with the form again (400), not a crash', async () => {
    t = await createAuthTestApp({ password: null });
    const res = await t.inject({ method: 'POST', url: '/setup', payload: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('This setup code is wrong');
  });

  it('with the right code: sets the password, logs in with a strict cookie, and the code is spent', async () => {
    t = await createAuthTestApp({ password: null });
    const res = await setup({ code: 'k7rm2-xq9tb' }); // case and dash do not matter
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^vigie_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).not.toContain('Secure'); // plain HTTP here
    expect(await t.store.checkPassword(NEW_PASSWORD)).toBe(true);
    const stored = t.ctx.db.prepare("SELECT value FROM settings WHERE key = 'admin_password'").get() as { value: string };
    expect(stored.value).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(stored.value).not.toContain(NEW_PASSWORD);

    const cookie = `vigie_session=${cookieOf(res, 'vigie_session')!.value}`;
    const page = await t.inject({ url: '/secret', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('secret page');
    // Only the SHA-256 of the session id is stored.
    const rows = t.ctx.db.prepare('SELECT id_hash FROM admin_sessions').all() as Array<{ id_hash: string }>;
    expect(rows).toEqual([{ id_hash: hashSecret(cookieOf(res, 'vigie_session')!.value) }]);

    // The code is spent: /setup now leads to /login and cannot change the password.
    expect((await t.inject({ url: '/setup' })).headers.location).toBe('/login');
    const again = await setup({ password: 'another password 42', confirm: 'another password 42' });
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe('/login');
    expect(await t.store.checkPassword(NEW_PASSWORD)).toBe(true);
    expect(t.logged.some((l) => l.msg === 'admin password set (setup)')).toBe(true);
  });

  it('without an active code, explains vigie passwd and refuses the form', async () => {
    t = await createAuthTestApp({ password: null, setupCode: null });
    const page = await t.inject({ url: '/setup' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('No setup code is active');
    expect(page.body).toContain('vigie passwd');
    expect(page.body).not.toContain('name="code"');
    const res = await setup({});
    expect(res.statusCode).toBe(400);
    expect(t.store.hasPassword()).toBe(false);
  });

  it('counts wrong codes in the login limiter: the 5th locks the address (429)', async () => {
    t = await createAuthTestApp({ password: null });
    for (let i = 0; i < 4; i++) expect((await setup({ code: `WRONG${i}` }, '10.0.0.7')).statusCode).toBe(400);
    const fifth = await setup({ code: 'WRONG5' }, '10.0.0.7');
    expect(fifth.statusCode).toBe(429);
    expect(fifth.body).toContain('Too many attempts: try again in 15 minutes.');
    // Even the right code is refused while locked; another address is not affected.
    expect((await setup({}, '10.0.0.7')).statusCode).toBe(429);
    expect((await setup({}, '10.0.0.8')).statusCode).toBe(303);
  });

  it('a password set from the shell meanwhile ends the setup page', async () => {
    t = await createAuthTestApp({ password: null });
    await t.store.setPassword('set from the shell');
    expect((await t.inject({ url: '/setup' })).headers.location).toBe('/login');
    expect((await setup({})).headers.location).toBe('/login');
    expect(await t.store.checkPassword('set from the shell')).toBe(true);
  });
});
