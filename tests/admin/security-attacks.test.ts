/**
 * Issue 12, "children are adversaries": the attacks a child on the home network can mount on the
 * login, each against the real app (inject) with the password verifier instrumented (how many
 * scrypt checks ran, how many at once) and the login slowdown driven by the injected clock.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { changePassword } from '../../src/admin/auth/admin-store.js';
import { DEVICE_COOKIE } from '../../src/admin/auth/remembered-device.js';
import { DEFAULT_LOGIN_LIMITS } from '../../src/admin/auth/login-limiter.js';
import { settingsRoutes } from '../../src/admin/routes/settings.js';
import { cookieOf, createAuthTestApp, form, PASSWORD, testRoutes, type AuthTestApp } from './auth-test-app.js';

// Every scrypt verification the app runs goes through here: counted, and how many overlap.
const verifier = vi.hoisted(() => ({ calls: 0, active: 0, maxActive: 0 }));
vi.mock('../../src/admin/auth/password.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/admin/auth/password.js')>();
  return {
    ...real,
    verifyPassword: async (password: string, encoded: string) => {
      verifier.calls++;
      verifier.maxActive = Math.max(verifier.maxActive, ++verifier.active);
      try {
        return await real.verifyPassword(password, encoded);
      } finally {
        verifier.active--;
      }
    },
  };
});

let t: AuthTestApp;
afterEach(async () => {
  await t?.close();
  Object.assign(verifier, { calls: 0, active: 0, maxActive: 0 });
});

const SECOND = 1000;

function attempt(password: string, remoteAddress: string, cookie?: string) {
  return t.inject({ method: 'POST', url: '/login', remoteAddress, headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) }, payload: form({ password }).payload });
}

describe('attack: parallel guesses from one address (issue 12.2)', () => {
  it('60 parallel guesses: at most 5 are hashed, and the right password sent last is refused', async () => {
    t = await createAuthTestApp();
    const wrong = Array.from({ length: 59 }, (_, i) => attempt(`guess number ${i}`, '192.168.1.66'));
    const right = attempt(PASSWORD, '192.168.1.66');
    const answers = await t.drive(Promise.all([...wrong, right]));
    const statuses = answers.value.map((r) => r.statusCode);
    expect(verifier.calls).toBeLessThanOrEqual(DEFAULT_LOGIN_LIMITS.perAddressFailures);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((s) => s === 401).length).toBe(DEFAULT_LOGIN_LIMITS.perAddressFailures - 1);
    expect(statuses.filter((s) => s === 303)).toEqual([]);
    // The address stays locked for its 15 minutes, right password or not.
    expect((await attempt(PASSWORD, '192.168.1.66')).statusCode).toBe(429);
  });

  it('one check at a time per address: two parallel tries are hashed one after the other', async () => {
    t = await createAuthTestApp();
    const answers = await t.drive(Promise.all([attempt('first guess here', '10.0.0.5'), attempt(PASSWORD, '10.0.0.5')]));
    expect(answers.value.map((r) => r.statusCode)).toEqual([401, 303]);
    expect(verifier.maxActive).toBe(1);
  });

  it('caps the password checks running at once across addresses', async () => {
    t = await createAuthTestApp();
    const answers = await t.drive(Promise.all(Array.from({ length: 12 }, (_, i) => attempt('spray spray', `10.4.0.${i + 1}`))));
    expect(answers.value.every((r) => r.statusCode === 401)).toBe(true);
    expect(verifier.calls).toBe(12);
    expect(verifier.maxActive).toBeLessThanOrEqual(2);
  });
});

describe('attack: a child locks the parents out (issue 12.3)', () => {
  it('after 50 wrong logins over 20 addresses the parent still gets in: at once from a remembered browser, after a bounded wait from a new one', async () => {
    t = await createAuthTestApp();
    // The parent logged in from the phone last week: the browser is remembered.
    const earlier = await attempt(PASSWORD, '192.168.1.20');
    expect(earlier.statusCode).toBe(303);
    const device = cookieOf(earlier, DEVICE_COOKIE)!;
    expect(device).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(device.maxAge).toBeGreaterThanOrEqual(180 * 24 * 3600);
    t.advance(7 * 24 * 3_600_000);

    let sprayMs = 0;
    for (let i = 0; i < 50; i++) {
      const { value, waitedMs } = await t.drive(attempt('spray and pray', `10.2.0.${(i % 20) + 1}`));
      expect(value.statusCode).toBe(401);
      sprayMs += waitedMs;
    }
    // The spray itself was slowed down (the figure in the report).
    expect(sprayMs).toBeGreaterThan(60 * SECOND);

    const remembered = await t.drive(attempt(PASSWORD, '192.168.1.20', `${DEVICE_COOKIE}=${device.value}`));
    expect(remembered.value.statusCode).toBe(303);
    expect(remembered.waitedMs).toBe(0);

    const fresh = await t.drive(attempt(PASSWORD, '192.168.1.30'));
    expect(fresh.value.statusCode).toBe(303);
    expect(fresh.waitedMs).toBeGreaterThan(0);
    expect(fresh.waitedMs).toBeLessThanOrEqual(DEFAULT_LOGIN_LIMITS.maxSlowdownMs);
  });

  it('a forged or old remembered-device cookie waits like anyone; a password change forgets every browser', async () => {
    t = await createAuthTestApp();
    const earlier = await attempt(PASSWORD, '192.168.1.20');
    const device = `${DEVICE_COOKIE}=${cookieOf(earlier, DEVICE_COOKIE)!.value}`;
    for (let i = 0; i < 30; i++) await t.drive(attempt('spray and pray', `10.3.0.${(i % 10) + 1}`));
    const forged = await t.drive(attempt(PASSWORD, '192.168.1.21', `${DEVICE_COOKIE}=v1.abc.def`));
    expect(forged.value.statusCode).toBe(303);
    expect(forged.waitedMs).toBeGreaterThan(0);
    expect(await changePassword(t.ctx, PASSWORD, 'another long password')).toEqual({ ok: true, tokensRevoked: 0 });
    const stale = await t.drive(attempt('another long password', '192.168.1.20', device));
    expect(stale.value.statusCode).toBe(303);
    expect(stale.waitedMs).toBeGreaterThan(0);
  });
});

describe('attack: the child uses a browser a parent once logged in from (issue 12.3)', () => {
  it('skips the slowdown for 5 wrong guesses at most, whatever the addresses, then waits like anyone', async () => {
    t = await createAuthTestApp();
    const earlier = await attempt(PASSWORD, '192.168.1.40');
    const device = `${DEVICE_COOKIE}=${cookieOf(earlier, DEVICE_COOKIE)!.value}`;
    for (let i = 0; i < 30; i++) await t.drive(attempt('spray and pray', `10.3.0.${(i % 10) + 1}`));
    for (let i = 0; i < 5; i++) {
      const guess = await t.drive(attempt(`guess ${i}`, `10.7.0.${i + 1}`, device));
      expect(guess.value.statusCode).toBe(401);
      expect(guess.waitedMs).toBe(0);
    }
    const sixth = await t.drive(attempt('guess 6', '10.7.0.6', device));
    expect(sixth.value.statusCode).toBe(401);
    expect(sixth.waitedMs).toBeGreaterThan(0);
  });
});

describe('attack: what a password change leaves behind (issue 12.8)', () => {
  /** A form post of the settings page from the parent's phone. */
  const post = (url: string, cookie: string, fields: Record<string, string>) =>
    t.inject({ method: 'POST', url, remoteAddress: '192.168.1.20', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form(fields).payload });

  async function withSettings() {
    t = await createAuthTestApp({ routes: [testRoutes, settingsRoutes] });
    return t.login('192.168.1.20');
  }

  it('a token the child copied dies with the password change (the box is ticked by default)', async () => {
    const { cookie, csrf } = await withSettings();
    const created = await t.inject({ method: 'POST', url: '/api/tokens', remoteAddress: '192.168.1.20', headers: { cookie, 'x-csrf-token': csrf }, payload: { name: 'home-assistant' } });
    const bearer = { authorization: `Bearer ${created.json().secret as string}` };
    expect((await t.inject({ url: '/api/whoami', headers: bearer })).statusCode).toBe(200);
    const page = await t.inject({ url: '/settings', remoteAddress: '192.168.1.20', headers: { cookie } });
    expect(page.body).toMatch(/<input id="pw-revoke-tokens" name="revokeTokens" type="checkbox" value="on" checked/);
    expect(page.body).toContain('Also revoke every API token');
    expect((await t.inject({ url: '/settings', headers: { cookie: `${cookie}; lang=fr` }, remoteAddress: '192.168.1.20' })).body).toContain('Révoquer aussi tous les jetons d&#39;API');
    // What the browser sends with the form as shown.
    const res = await post('/settings/password', cookie, { _csrf: csrf, current: PASSWORD, next: 'the new family sentence', confirm: 'the new family sentence', revokeTokens: 'on' });
    expect(res.headers.location).toBe('/settings?saved=password-tokens');
    // The old key is gone with the old password; the parent's own browser is remembered anew.
    expect(cookieOf(res, DEVICE_COOKIE)?.value).toMatch(/^v1\./);
    expect((await t.inject({ url: '/api/whoami', headers: bearer })).statusCode).toBe(401);
    expect((await t.inject({ url: '/settings?saved=password-tokens', remoteAddress: '192.168.1.20', headers: { cookie } })).body).toContain('every API token was revoked');
  });

  it('keeps the tokens when the box is unticked', async () => {
    const { cookie, csrf } = await withSettings();
    const created = await t.inject({ method: 'POST', url: '/api/tokens', remoteAddress: '192.168.1.20', headers: { cookie, 'x-csrf-token': csrf }, payload: { name: 'script' } });
    const res = await post('/settings/password', cookie, { _csrf: csrf, current: PASSWORD, next: 'the new family sentence', confirm: 'the new family sentence' });
    expect(res.headers.location).toBe('/settings?saved=password');
    expect((await t.inject({ url: '/api/whoami', headers: { authorization: `Bearer ${created.json().secret as string}` } })).statusCode).toBe(200);
  });

  it('the current-password field is no unlimited oracle: a child in a parent\'s open session gets 5 tries', async () => {
    const { cookie, csrf } = await withSettings();
    verifier.calls = 0;
    const change = (current: string) => post('/settings/password', cookie, { _csrf: csrf, current, next: 'the child chose this', confirm: 'the child chose this' });
    const guesses = await t.drive(Promise.all(Array.from({ length: 20 }, (_, i) => change(`guess number ${i}`))));
    expect(verifier.calls).toBeLessThanOrEqual(5);
    expect(guesses.value.filter((r) => r.statusCode === 429).length).toBeGreaterThanOrEqual(15);
    const right = await change(PASSWORD);
    expect(right.statusCode).toBe(429);
    expect(right.body).toContain('Too many attempts: try again in 15 minutes.');
    expect(await t.store.checkPassword(PASSWORD)).toBe(true);
    // The same limiter as the login: this address cannot log in either meanwhile.
    expect((await attempt(PASSWORD, '192.168.1.20')).statusCode).toBe(429);
  });
});
