/**
 * "Remembered device": a browser that logged in here once carries cookie `vigie_device`, which
 * lets its next logins skip the global slowdown (password-gate.ts) — a child spraying guesses
 * from many addresses can slow strangers down but never lock the parents' own phone out.
 *
 * The cookie is `v1.<issued, base36 ms>.<random>.<HMAC-SHA256>` under a server key kept in
 * config.db (`settings` key 'admin_device_key', never in a backup). Nothing else is stored per
 * browser: changing the password replaces the key (admin-store.ts setPasswordHash), which
 * forgets every remembered browser at once. HttpOnly, SameSite=Strict, a year long; it logs no
 * one in by itself: the password is still needed, and the per-address limit still applies.
 */
import { createHmac } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../resolver/types.js';
import { randomSecret, safeEqual } from './secret-hash.js';

/** Name of the cookie. */
export const DEVICE_COOKIE = 'vigie_device';
/** How long a browser stays remembered after its last login (a year; browsers cap cookies at 400 days). */
export const DEVICE_MAX_AGE_MS = 365 * 24 * 3_600_000;
/** `settings` key of the HMAC key (base64url, 32 random bytes). */
export const DEVICE_KEY_SETTING = 'admin_device_key';

const FORMAT = /^v1\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;

function readKey(db: Database.Database): string | null {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(DEVICE_KEY_SETTING) as { value?: unknown } | undefined;
  return typeof row?.value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(row.value) ? row.value : null;
}

function keyFor(db: Database.Database): string {
  const existing = readKey(db);
  if (existing !== null) return existing;
  const key = randomSecret(32);
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(DEVICE_KEY_SETTING, key);
  return key;
}

const mac = (key: string, payload: string): string => createHmac('sha256', Buffer.from(key, 'base64url')).update(payload).digest('base64url');

/** Forgets every remembered browser (the next login makes a new key). */
export function forgetRememberedDevices(db: Database.Database): void {
  db.prepare('DELETE FROM settings WHERE key = ?').run(DEVICE_KEY_SETTING);
}

/** A new cookie value issued at `now`. */
export function issueDeviceToken(db: Database.Database, now: number): string {
  const payload = `v1.${now.toString(36)}.${randomSecret(12)}`;
  return `${payload}.${mac(keyFor(db), payload)}`;
}

/** The browser's id (the random part) when `value` was issued here under the current key less than a year ago, else null. */
export function verifyDeviceToken(db: Database.Database, value: string | undefined, now: number): string | null {
  const match = value === undefined ? null : FORMAT.exec(value);
  if (match === null) return null;
  const key = readKey(db);
  if (key === null) return null;
  const issued = parseInt(match[1]!, 36);
  if (!(issued <= now && now - issued < DEVICE_MAX_AGE_MS)) return null;
  return safeEqual(match[3]!, mac(key, value!.slice(0, value!.lastIndexOf('.')))) ? match[2]! : null;
}

/** The id of the remembered browser the request comes from, or null. */
export function rememberedDeviceId(request: FastifyRequest, db: Database.Database, clock: Clock): string | null {
  return verifyDeviceToken(db, request.cookies[DEVICE_COOKIE], clock());
}

/** After a successful login or setup: (re)issues the cookie, so a year counts from the last login. */
export function rememberDevice(request: FastifyRequest, reply: FastifyReply, db: Database.Database, clock: Clock): void {
  reply.setCookie(DEVICE_COOKIE, issueDeviceToken(db, clock()), {
    httpOnly: true, sameSite: 'strict', path: '/', secure: request.protocol === 'https', maxAge: DEVICE_MAX_AGE_MS / 1000,
  });
}
