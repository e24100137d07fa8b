/** Password guessing: per-address lockout (doubling), the global slowdown, and their messages. */
import { afterEach, describe, expect, it } from 'vitest';
import { createLoginLimiter } from '../../src/admin/auth/login-limiter.js';
import { createAuthTestApp, form, PASSWORD, type AuthTestApp } from './auth-test-app.js';

let t: AuthTestApp;
afterEach(async () => t?.close());

const MINUTE = 60_000;

function attempt(password: string, remoteAddress: string, lang?: 'fr') {
  return t.inject({ method: 'POST', url: '/login', remoteAddress, headers: { 'content-type': 'application/x-www-form-urlencoded', ...(lang ? { cookie: `lang=${lang}` } : {}) }, payload: form({ password }).payload });
}

describe('per-address lockout', () => {
  it('locks an address after 5 failures for 15 minutes, then lets the right password in', async () => {
    t = await createAuthTestApp();
    for (let i = 0; i < 4; i++) expect((await attempt(`guess ${i}`, '192.168.1.66')).statusCode).toBe(401);
    const fifth = await attempt('guess 5', '192.168.1.66');
    expect(fifth.statusCode).toBe(429);
    expect(fifth.headers['retry-after']).toBe('900');
    expect(fifth.body).toContain('Too many attempts: try again in 15 minutes.');
    // Locked: even the right password is refused, without being checked.
    const locked = await attempt(PASSWORD, '192.168.1.66', 'fr');
    expect(locked.statusCode).toBe(429);
    expect(locked.body).toContain('Trop de tentatives : réessayez dans 15 minutes.');
    // The parent's phone is another address: not affected.
    expect((await attempt(PASSWORD, '192.168.1.20')).statusCode).toBe(303);
    t.advance(14 * MINUTE);
    const almost = await attempt(PASSWORD, '192.168.1.66');
    expect(almost.statusCode).toBe(429);
    expect(almost.body).toContain('try again in 1 minute.');
    t.advance(MINUTE);
    expect((await attempt(PASSWORD, '192.168.1.66')).statusCode).toBe(303);
    expect(t.logged.some((l) => l.msg === 'admin login locked after repeated wrong passwords' && l.client === '192.168.1.66')).toBe(true);
  });

  it('counts by the socket address: X-Forwarded-For does not help (trustProxy off)', async () => {
    t = await createAuthTestApp();
    for (let i = 0; i < 5; i++) {
      await t.inject({ method: 'POST', url: '/login', remoteAddress: '10.9.9.9', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `172.16.0.${i}` }, payload: 'password=nope' });
    }
    const res = await t.inject({ method: 'POST', url: '/login', remoteAddress: '10.9.9.9', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '172.16.1.1' }, payload: 'password=nope' });
    expect(res.statusCode).toBe(429);
  });

  it('doubles the lock on repeats (15 then 30 minutes)', async () => {
    t = await createAuthTestApp();
    for (let i = 0; i < 5; i++) await attempt(`guess ${i}`, '10.1.1.1');
    t.advance(15 * MINUTE);
    for (let i = 0; i < 4; i++) expect((await attempt(`again ${i}`, '10.1.1.1')).statusCode).toBe(401);
    const second = await attempt('again 5', '10.1.1.1');
    expect(second.statusCode).toBe(429);
    expect(second.body).toContain('try again in 30 minutes.');
    t.advance(29 * MINUTE);
    expect((await attempt(PASSWORD, '10.1.1.1')).statusCode).toBe(429);
    t.advance(MINUTE);
    expect((await attempt(PASSWORD, '10.1.1.1')).statusCode).toBe(303);
  });

  it('a successful login resets the count', async () => {
    t = await createAuthTestApp();
    for (let i = 0; i < 4; i++) await attempt(`typo ${i}`, '10.1.1.2');
    expect((await attempt(PASSWORD, '10.1.1.2')).statusCode).toBe(303);
    for (let i = 0; i < 4; i++) expect((await attempt(`typo ${i}`, '10.1.1.2')).statusCode).toBe(401);
  });

  it('forgets failures older than 15 minutes', async () => {
    t = await createAuthTestApp();
    for (let i = 0; i < 4; i++) await attempt(`typo ${i}`, '10.1.1.3');
    t.advance(15 * MINUTE);
    expect((await attempt('typo again', '10.1.1.3')).statusCode).toBe(401);
  });
});

describe('no global lockout (issue 12.3; the attack itself: security-attacks.test.ts)', () => {
  it('slows unknown browsers down after many failures; past a minute of queue, says "busy" with Retry-After', async () => {
    t = await createAuthTestApp();
    for (let i = 0; i < 30; i++) expect((await t.drive(attempt('spray', `10.2.${Math.floor(i / 4)}.${i % 4}`))).value.statusCode).toBe(401);
    // 30 recent failures: turns are 10 s apart, and nobody is made to wait more than 60 s.
    // Promise.resolve starts each injected request now, in order (inject is lazy until then()).
    const burst = Array.from({ length: 8 }, (_, i) => Promise.resolve(attempt('spray', `10.5.0.${i + 1}`)));
    const refusedAtOnce = await Promise.race([Promise.all(burst.slice(6)), new Promise<null>((r) => setTimeout(() => r(null), 5_000))]);
    expect(refusedAtOnce?.map((r) => r.statusCode)).toEqual([429, 429]);
    expect(refusedAtOnce![0]!.body).toContain('attempts are slowed down: try again in');
    expect(Number(refusedAtOnce![0]!.headers['retry-after'])).toBeGreaterThan(0);
    const waited = await t.drive(Promise.all(burst.slice(0, 6)));
    expect(waited.value.map((r) => r.statusCode)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(waited.waitedMs).toBeLessThanOrEqual(60 * 1000);
    const fr = await t.drive(Promise.all(Array.from({ length: 8 }, (_, i) => attempt('spray', `10.6.0.${i + 1}`, 'fr'))));
    expect(fr.value.map((r) => r.body).find((b) => b.includes('les tentatives sont donc ralenties'))).toBeDefined();
  });
});

describe('limiter memory', () => {
  it('remembers a bounded number of addresses', () => {
    let now = 0;
    const limiter = createLoginLimiter({ clock: () => now, limits: { maxAddresses: 3 } });
    for (const a of ['a', 'b', 'c', 'd']) for (let i = 0; i < 4; i++) limiter.begin(a);
    // 'a' was forgotten (oldest); 'd' is one attempt from a lock.
    expect(limiter.begin('a')).toBe(false);
    expect(limiter.begin('d')).toBe(true);
    expect(limiter.check('d')).toEqual({ locked: true, retryAfterMs: 15 * MINUTE });
    now += 15 * MINUTE;
    expect(limiter.check('d')).toEqual({ locked: false });
  });

  it('caps the doubling at 24 hours', () => {
    let now = 0;
    const limiter = createLoginLimiter({ clock: () => now });
    let last: ReturnType<typeof limiter.check> = { locked: false };
    for (let lock = 0; lock < 10; lock++) {
      for (let i = 0; i < 5; i++) limiter.begin('x');
      last = limiter.check('x');
      if (last.locked) now += last.retryAfterMs;
    }
    expect(last).toEqual({ locked: true, retryAfterMs: 24 * 3_600_000 });
  });
});
