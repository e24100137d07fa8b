/** The pieces under the auth routes: password hashing, setup code, safe redirect paths. */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkNewPassword, DEFAULT_SCRYPT, hashPassword, verifyPassword } from '../../src/admin/auth/password.js';
import { safeNextPath, safeRelativePath } from '../../src/admin/auth/safe-path.js';
import { safeEqual } from '../../src/admin/auth/secret-hash.js';
import { createSetupCodeHolder, formatSetupCode, generateSetupCode, normalizeSetupCode, SETUP_CODE_ALPHABET } from '../../src/admin/auth/setup-code.js';
import { DEVICE_MAX_AGE_MS, forgetRememberedDevices, issueDeviceToken, verifyDeviceToken } from '../../src/admin/auth/remembered-device.js';
import { authMessages } from '../../src/admin/messages/auth.js';
import { freshConfig } from '../backup/fill-config.js';
import { FAST_SCRYPT } from './auth-test-app.js';

describe('password hashing', () => {
  it('hashes with scrypt N=2^15 r=8 p=1 by default, a fresh salt each time, and verifies', async () => {
    const a = await hashPassword('un mot de passe solide');
    const b = await hashPassword('un mot de passe solide');
    expect(DEFAULT_SCRYPT).toEqual({ N: 32768, r: 8, p: 1 });
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('un mot de passe solide', a)).toBe(true);
    expect(await verifyPassword('un mot de passe solidE', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('treats Unicode forms alike (NFC)', async () => {
    const encoded = await hashPassword('café crème 2026', FAST_SCRYPT);
    expect(await verifyPassword('cafe\u0301 cre\u0300me 2026', encoded)).toBe(true);
  });

  it.each([
    ['empty', ''], ['not scrypt', 'bcrypt$2b$10$abc'], ['too few parts', 'scrypt$1024$8$1$abc'],
    ['N not a power of two', 'scrypt$1000$8$1$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['N too large (DoS)', 'scrypt$4194304$8$1$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['r zero', 'scrypt$1024$0$1$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['short key', 'scrypt$1024$8$1$c2FsdHNhbHRzYWx0$AAAA'],
  ])('refuses a malformed stored hash (%s) instead of throwing', async (_name, encoded) => {
    expect(await verifyPassword('anything at all', encoded)).toBe(false);
  });

  it.each([
    ['short', 'TOO_SHORT'], ['123456789', 'TOO_SHORT'], ['1234567890', 'TOO_COMMON'], ['AZERTYUIOP', 'TOO_COMMON'],
    ['motdepasse', 'TOO_COMMON'], ['password123', 'TOO_COMMON'], ['aaaaaaaaaaaa', 'TOO_COMMON'], ['éééééééééé', 'TOO_COMMON'],
    ['correct horse battery', null], ['Vigie-2026!', null], ['élève à l’école', null],
  ])('checkNewPassword(%j) → %s', (password, problem) => {
    expect(checkNewPassword(password)).toBe(problem);
  });
});

describe('setup code', () => {
  it('is 10 characters of an alphabet without look-alikes', () => {
    expect(SETUP_CODE_ALPHABET).not.toMatch(/[01OIL]/);
    const codes = new Set(Array.from({ length: 50 }, () => generateSetupCode()));
    expect(codes.size).toBe(50);
    for (const code of codes) expect(code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{10}$/);
    expect(generateSetupCode(() => 0)).toBe('AAAAAAAAAA');
    expect(formatSetupCode('K7RM2XQ9TB')).toBe('K7RM2-XQ9TB');
    expect(normalizeSetupCode(' k7rm2-xq9tb ')).toBe('K7RM2XQ9TB');
  });

  it('matches once, until consumed', () => {
    const holder = createSetupCodeHolder('K7RM2XQ9TB');
    expect(holder.active).toBe(true);
    expect(holder.matches('K7RM2XQ9TA')).toBe(false);
    expect(holder.matches('K7RM2')).toBe(false);
    expect(holder.matches('k7rm2 xq9tb')).toBe(true);
    holder.consume();
    expect(holder.active).toBe(false);
    expect(holder.matches('K7RM2XQ9TB')).toBe(false);
    expect(createSetupCodeHolder(null).matches('')).toBe(false);
  });

  it('safeEqual compares content, whatever the lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', 'a')).toBe(false);
  });
});

describe('redirect targets', () => {
  it.each([
    ['/', '/'], ['/devices', '/devices'], ['/devices?x=1&y=2', '/devices?x=1&y=2'], ['/a/../b', '/b'],
    ['//evil.example', null], ['/\\evil.example', null], ['https://evil.example', null], ['http:evil.example', null],
    ['evil.example', null], ['/\t/evil.example', null], ['/\n/evil.example', null], ['/%2F/evil.example', '/%2F/evil.example'],
    ['', null], [42, null], [undefined, null], [`/${'a'.repeat(2000)}`, null],
  ])('safeRelativePath(%j) → %j', (input, expected) => {
    expect(safeRelativePath(input)).toBe(expected);
  });

  it('never goes back to an auth page after login', () => {
    expect(safeNextPath('/login?next=/x')).toBeNull();
    expect(safeNextPath('/setup')).toBeNull();
    expect(safeNextPath('/assets/app.css')).toBeNull();
    expect(safeNextPath('/profiles/child')).toBe('/profiles/child');
  });
});

describe('remembered-device cookie', () => {
  it('verifies for a year under the current key; tampered, foreign or forgotten ones do not', () => {
    const { dir, db } = freshConfig('vigie-device-');
    try {
      const t0 = Date.UTC(2026, 0, 1);
      const token = issueDeviceToken(db, t0);
      expect(token).toMatch(/^v1\.[0-9a-z]+\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/);
      expect(verifyDeviceToken(db, token, t0 + DEVICE_MAX_AGE_MS - 1)).toBe(token.split('.')[2]);
      expect(verifyDeviceToken(db, token, t0 + DEVICE_MAX_AGE_MS)).toBeNull();
      expect(verifyDeviceToken(db, token, t0 - 1)).toBeNull(); // issued in the future
      const [v, issued, id, mac] = token.split('.') as [string, string, string, string];
      expect(verifyDeviceToken(db, [v, (parseInt(issued, 36) + 1).toString(36), id, mac].join('.'), t0)).toBeNull();
      expect(verifyDeviceToken(db, `${token}x`, t0)).toBeNull();
      expect(verifyDeviceToken(db, undefined, t0)).toBeNull();
      forgetRememberedDevices(db);
      expect(verifyDeviceToken(db, token, t0)).toBeNull();
      expect(verifyDeviceToken(db, issueDeviceToken(db, t0), t0)).not.toBeNull();
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('messages', () => {
  it('have the same keys in English and French, all non-empty', () => {
    expect(Object.keys(authMessages.fr).sort()).toEqual(Object.keys(authMessages.en).sort());
    for (const lang of ['en', 'fr'] as const) for (const [key, text] of Object.entries(authMessages[lang])) expect(text.trim(), `${lang} ${key}`).not.toBe('');
  });
});
