/**
 * Issue 12, "children are adversaries": the attacks a child on the home network can mount on the
 * login, each against the real app (inject) with the password verifier instrumented (how many
 * scrypt checks ran, how many at once) and the login slowdown driven by the injected clock.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { changePassword } from '../../src/admin/auth/admin-store.js';
import { DEVICE_COOKIE } from '../../src/admin/auth/remembered-device.js';
import { DEFAULT_LOGIN_LIMITS } from '../../src/admin/auth/login-limiter.js';
import { cookieOf, createAuthTestApp, form, PASSWORD, type AuthTestApp } from './auth-test-app.js';

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
